from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import settings

from response_checks import assert_valid_response
from skill.runtime.core.compiled import load_content
from skill.tools.simulator.dialog import Dialog


# One Hypothesis profile wherever the tests run (the README's command, .ci/run, a
# maintainer's shell): the same examples every time, and no example database, so a
# failure found once cannot make one clone fail where another passes.
settings.register_profile("cramp_coach", derandomize=True, database=None, print_blob=True)
settings.load_profile("cramp_coach")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def content():
    return load_content()


class CheckedDialog:
    """The offline dialog, with every response it gets checked against the invariants."""

    def __init__(self, locale: str = "en-US"):
        self.dialog = Dialog.for_locale(locale)

    def say(self, utterance: str):
        turn = self.dialog.say(utterance)
        answered = turn
        while answered is not None:  # and the answer to a permission asked for, if any
            if answered.response is not None:
                assert_valid_response(answered.response)
            answered = answered.then
        return turn

    @property
    def session_open(self) -> bool:
        return self.dialog.session_open

    @property
    def reminders(self):
        return self.dialog.reminders


@pytest.fixture
def dialog() -> CheckedDialog:
    return CheckedDialog()



# The independent clients the tests drive, all installed by one `npm ci` from
# tests/package-lock.json into tests/node_modules (bespoken-tools already holds
# virtual-alexa): each fixture's name, its package, and the folder its scripts run in.
NPM_DIR = ROOT / "tests"
NPM_CLIENTS = {
    "virtual_alexa": ("virtual-alexa", NPM_DIR / "virtual_alexa"),
    "bst": ("bespoken-tools", NPM_DIR / "bst"),
    "ssml_checker": ("ssml-check-core", NPM_DIR / "ssml_checker"),
}


def npm_package(fixture: str) -> Path:
    """The folder of a Node.js client the tests drive, its packages installed from the lock
    file the first time. Where Node.js or npm is not installed, the test is skipped, saying so."""
    module, folder = NPM_CLIENTS[fixture]
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{module} runs on Node.js: {' and '.join(missing)} not found on PATH")
    _install_npm_packages()
    return folder


def _install_npm_packages() -> None:
    # A lock, because the test workers and the early install below may all find them missing.
    with open(NPM_DIR / ".npm-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all((NPM_DIR / "node_modules" / module).is_dir() for module, _ in NPM_CLIENTS.values()):
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NPM_DIR, check=True, capture_output=True, timeout=600)


# A fresh clone installs the clients while the first tests run, not when the first test
# that needs them starts: bespoken-tools takes most of a minute, on the disk and the network.
_early_installs: list[threading.Thread] = []


def _install_early() -> None:
    try:
        _install_npm_packages()
    except (OSError, subprocess.SubprocessError):
        pass  # the fixture installs again, and a failure is reported there, in its test


def pytest_collection_modifyitems(items):
    if shutil.which("npm") is None:
        return
    if any(name in NPM_CLIENTS for item in items for name in getattr(item, "fixturenames", ())):
        thread = threading.Thread(target=_install_early, daemon=True)
        thread.start()
        _early_installs.append(thread)


def pytest_sessionfinish():
    # An install cut off half way would leave a node_modules that looks complete.
    for thread in _early_installs:
        thread.join()


@pytest.fixture
def serve():
    """Start `python -m skill serve` with the given options on a free port; yields a
    function that returns its URL. Every server started is stopped afterwards."""
    started = []

    def start(*args: str, env: dict[str, str] | None = None) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        # The server's log goes to a file: a pipe nobody reads would fill up and stall it.
        log = tempfile.TemporaryFile(mode="w+")
        process = subprocess.Popen(
            [sys.executable, "-m", "skill", "serve", "--port", str(port), *args],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})},
        )
        started.append((process, log))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                return f"http://127.0.0.1:{port}/"
            except OSError:
                time.sleep(0.1)
        log.seek(0)
        raise AssertionError(log.read() if process.poll() is not None else "server did not start")

    yield start
    for process, log in started:
        process.terminate()
        process.wait(timeout=10)
        log.close()
