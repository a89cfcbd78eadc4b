from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
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


@pytest.fixture(scope="session")
def content():
    return load_content()


class CheckedDialog:
    """The offline dialog, with every response it gets checked against the invariants."""

    def __init__(self, locale: str = "en-US"):
        self.dialog = Dialog.for_locale(locale)

    def say(self, utterance: str):
        turn = self.dialog.say(utterance)
        if turn.response is not None:
            assert_valid_response(turn.response)
        return turn

    @property
    def session_open(self) -> bool:
        return self.dialog.session_open


@pytest.fixture
def dialog() -> CheckedDialog:
    return CheckedDialog()


ROOT = Path(__file__).resolve().parents[1]


def npm_package(directory: Path, module: str) -> Path:
    """A Node.js tool the tests drive (an independent client), installed from its lock file
    the first time. Where Node.js or npm is not installed, the test is skipped, saying so."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{module} runs on Node.js: {' and '.join(missing)} not found on PATH")
    if not (directory / "node_modules" / module).is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=directory, check=True, capture_output=True, timeout=300)
    return directory


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
