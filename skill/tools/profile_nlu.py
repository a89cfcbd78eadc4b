"""`python -m skill profile-nlu`: the labelled sets against Alexa's own model.

The offline resolver is a stand-in. The ASK CLI's utterance profiler (`ask smapi
profile-nlu`) asks the skill's real, built model what it selects for an utterance,
without calling the endpoint. This runs every utterance of the resolver-read sets
(labelled, topics, red flags) through it, with the maintainer's own ASK CLI and profile,
and scores the answers with the very code `python -m skill accuracy` uses.

- Utterances go in parallel (--jobs), and a transient failure (HTTP 5xx, 429, a timeout,
  a dropped connection) is tried again after a pause that doubles each time.
- Each answer is written to a cache as it arrives, one file per skill, stage, locale and
  model, the model being the one `ask smapi get-interaction-model` returns: a run that
  stops resumes where it stopped, and a rebuilt model starts afresh.
- What the CLI can't do (not installed, not configured, no model for the locale, no
  access) is said in one line, before anything else is sent.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TextIO

from .simulator.nlu import Resolution, SlotValue

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class AskError(RuntimeError):
    """The ASK CLI could not answer. `transient` ones are worth trying again."""

    def __init__(self, message: str, transient: bool = False, status: int | None = None, fatal: bool = False):
        super().__init__(message)
        self.transient = transient
        self.status = status  # the HTTP status, when the service answered
        # Nothing this skill, stage and locale are asked will work: no access, no model.
        self.fatal = fatal or status in (401, 403, 404)


class AskCli:
    """The installed `ask` (v2), run once per call with the maintainer's profile."""

    def __init__(self, executable: str = "ask", profile: str | None = None, timeout: float = 30.0):
        found = shutil.which(executable)
        if found is None:
            raise AskError(
                f"the ASK CLI ({executable}) is not installed or not on the PATH: "
                "npm install -g ask-cli, then ask configure"
            )
        self.executable = found
        self.profile = profile
        self.timeout = timeout

    def smapi(self, command: str, *arguments: str) -> dict:
        profile = ("--profile", self.profile) if self.profile else ()
        try:
            done = subprocess.run(
                [self.executable, "smapi", command, *arguments, *profile],
                capture_output=True, text=True, timeout=self.timeout, env={**os.environ, "FORCE_COLOR": "0"},
            )
        except subprocess.TimeoutExpired:
            raise AskError(f"ask smapi {command} gave no answer in {self.timeout:g} s", transient=True) from None
        if done.returncode != 0:
            raise _error(command, done.stderr or done.stdout)
        try:
            return json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}
        except json.JSONDecodeError:
            raise AskError(f"ask smapi {command} printed something that is not JSON: {done.stdout[:120]!r}") from None


def _error(command: str, printed: str) -> AskError:
    """What the CLI printed on failure ("[Error]: {...}" with the HTTP status, or a line
    of text), as one line a maintainer can act on."""
    text = _ANSI.sub("", printed).strip()
    body = text.removeprefix("[Error]:").strip()
    try:
        detail = json.loads(body)
    except json.JSONDecodeError:
        detail = None
    if not isinstance(detail, dict):
        if "ask configure" in text or "cli_config" in text:
            return AskError(f"the ASK CLI is not configured: run ask configure ({_first_line(text)})", fatal=True)
        transient = "Call to service failed" in text or "ECONNRESET" in text or "ETIMEDOUT" in text
        return AskError(f"ask smapi {command} failed: {_first_line(text) or 'no message'}", transient=transient)
    inner = detail.get("detail") if isinstance(detail.get("detail"), dict) else {}
    status = inner.get("statusCode") or detail.get("statusCode")
    response = inner.get("response") if isinstance(inner.get("response"), dict) else {}
    message = response.get("message") or detail.get("message") or "no message"
    if "cli_config" in str(message):
        return AskError(f"the ASK CLI is not configured: run ask configure ({message})", fatal=True)
    status = status if isinstance(status, int) else None
    transient = status is not None and (status >= 500 or status == 429)
    return AskError(f"ask smapi {command} failed: HTTP {status}: {message}", transient=transient, status=status)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


class Profiler:
    """One skill, stage and locale: the model's fingerprint, then the utterances."""

    def __init__(self, cli: AskCli, skill_id: str, locale: str, stage: str, cache_dir: Path):
        self.cli, self.skill_id, self.locale, self.stage = cli, skill_id, locale, stage
        self.cache_dir = cache_dir

    def model(self, local_model: dict) -> tuple[dict, str]:
        """The model Alexa built for this locale and stage, and a short fingerprint of it,
        which keys the cache. A CLI that can't say (an older one, or a stand-in that only
        profiles) leaves the local model and "unversioned": said on stderr, not fatal."""
        try:
            body = self.cli.smapi("get-interaction-model", "-s", self.skill_id, "-l", self.locale, "-g", self.stage)
        except AskError as error:
            if error.transient or error.fatal:
                raise self._not_built(error)
            print(f"the model's version could not be read ({error}): answers are cached as unversioned", file=sys.stderr)
            return local_model, "unversioned"
        if not isinstance(body.get("interactionModel"), dict):
            raise AskError(f"skill {self.skill_id} returned no {self.locale} interaction model at stage {self.stage}")
        return body, hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]

    def _not_built(self, error: AskError) -> AskError:
        if error.status == 404:
            return AskError(f"skill {self.skill_id} has no {self.locale} model at stage {self.stage}: "
                            "run ask deploy and wait for the model to build")
        return error

    def profile(
        self, texts: Iterable[str], fingerprint: str, jobs: int = 4, tries: int = 4, pause: float = 1.0,
        progress: TextIO = sys.stderr,
    ) -> dict[str, dict]:
        """Alexa's answer for each text: from the cache, or asked for now and cached."""
        cache = self.cache_dir / self.skill_id / self.stage / self.locale / f"{fingerprint}.jsonl"
        answers = _read_cache(cache)
        wanted = list(dict.fromkeys(texts))
        todo = [text for text in wanted if text not in answers]
        counter = _Progress(len(wanted), len(wanted) - len(todo), progress)
        lock = threading.Lock()
        failed: dict[str, AskError] = {}
        cache.parent.mkdir(parents=True, exist_ok=True)

        def one(text: str) -> None:
            for attempt in range(tries):
                try:
                    answer = self.cli.smapi(
                        "profile-nlu", "-s", self.skill_id, "-l", self.locale, "-g", self.stage, "-u", text
                    )
                    break
                except AskError as error:
                    if not error.transient:
                        raise self._not_built(error)
                    if attempt == tries - 1:
                        with lock:
                            failed[text] = error
                            counter.step(retried=True)
                        return
                    with lock:
                        counter.retried += 1
                    time.sleep(pause * 2 ** attempt * (0.5 + random.random()))  # back off, not in step
            with lock:
                answers[text] = answer
                with cache.open("a", encoding="utf-8") as out:
                    out.write(json.dumps({"text": text, "answer": answer}, ensure_ascii=False) + "\n")
                counter.step()

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(one, text) for text in todo]
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            problem = next((f.exception() for f in done if f.exception() is not None), None)
            if problem is not None:
                for future in futures:
                    future.cancel()
        counter.finish()
        if problem is not None:
            raise problem
        if failed:
            text, error = next(iter(failed.items()))
            raise AskError(
                f"{len(failed)} of {len(wanted)} utterances could not be profiled after {tries} tries "
                f"(e.g. {text!r}: {error}); the other answers are cached, so run the same command again to go on"
            )
        return {text: answers[text] for text in wanted}


def _read_cache(path: Path) -> dict[str, dict]:
    answers = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return answers
    for line in lines:
        try:
            entry = json.loads(line)
            answers[entry["text"]] = entry["answer"]
        except (json.JSONDecodeError, KeyError, TypeError):
            continue  # a line cut short when a run was stopped: asked again
    return answers


class _Progress:
    def __init__(self, total: int, done: int, out: TextIO):
        self.total, self.done, self.cached, self.retried, self.out = total, done, done, 0, out
        self.live = hasattr(out, "isatty") and out.isatty()
        self.shown = -1

    def step(self, retried: bool = False) -> None:
        self.done += 1
        tenth = self.done * 10 // max(1, self.total)
        if self.live or tenth != self.shown:
            self.shown = tenth
            self._show("\r" if self.live else "")

    def finish(self) -> None:
        self._show("\r" if self.live else "")
        if self.live:
            print(file=self.out)

    def _show(self, start: str) -> None:
        line = f"profiled {self.done}/{self.total} ({self.cached} from the cache, {self.retried} tried again)"
        print(start + line, end="" if self.live else "\n", file=self.out, flush=True)


class ProfiledResolver:
    """Alexa's answers read as the offline resolver's Resolutions, so the scoring code
    is the same for both."""

    def __init__(self, answers: dict[str, dict], model: dict):
        self.answers = answers
        language = (model.get("interactionModel") or {}).get("languageModel") or {}
        self.types = {
            (intent.get("name"), slot.get("name")): slot.get("type") or ""
            for intent in language.get("intents") or [] for slot in intent.get("slots") or []
        }

    def prepare(self) -> None:
        pass

    def resolve(self, text: str) -> Resolution:
        answer = self.answers[text]
        intent = answer.get("selectedIntent") or {}
        name = intent.get("name") or ("AMAZON.StopIntent" if answer.get("sessionEnded") else "AMAZON.FallbackIntent")
        slots = tuple(
            SlotValue(slot_name, self.types.get((name, slot_name), ""), slot.get("value"), *_resolved(slot))
            for slot_name, slot in (intent.get("slots") or {}).items() if isinstance(slot, dict)
        )
        return Resolution(name, slots, 1.0, "alexa")


def _resolved(slot: dict) -> tuple[str | None, str | None]:
    """(id, name) of the first value Alexa matched, in either of the shapes SMAPI uses."""
    for authority in (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or []:
        if (authority.get("status") or {}).get("code") != "ER_SUCCESS_MATCH":
            continue
        for value in authority.get("values") or []:
            value = value.get("value", value) if isinstance(value, dict) else {}
            if value.get("id"):
                return value["id"], value.get("name")
    return None, None


def texts_of(kind: str, data: dict) -> list[str]:
    """Every utterance a resolver-read set holds."""
    if kind == "red_flags":
        return [e["text"] for group in ("emergency", "urgent", "soon", "ordinary") for e in data.get(group) or ()]
    return [e["text"] for e in data["utterances"]]


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cramp-coach" / "profile-nlu"

