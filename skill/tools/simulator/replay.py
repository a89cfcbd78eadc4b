"""ASK CLI replay files: what `ask dialog --replay FILE` reads and `.record FILE` writes.

    {"skillId": "amzn1.ask.skill...", "locale": "en-US", "type": "text",
     "userInput": ["open cramp coach", "my calf is cramping", ".quit"]}

skillId and locale are required and no input may be blank; inputs are trimmed, as ask-cli
checks them. The same JSON file drives the offline dialog and `ask dialog --replay`
against the deployed skill. A .yaml/.yml name is read as YAML: an offline extra, since
ask-cli 2 reads replay files as JSON only (fs.readJsonSync).

"type" is not checked, as ask-cli does not check it: ask-cli 2 reads the field
(DialogReplayFile.getType) but nothing calls it, and every input is sent to the
simulation API as text (input.content); `.record` always writes "text". So a
"type": "voice" file is accepted here too and its inputs are read as typed text.

The file must be UTF-8 (a byte-order mark is allowed, as ask-cli strips one).
"""

from __future__ import annotations

import codecs
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

QUIT = ".quit"


class ReplayError(ValueError):
    """A replay file ask-cli would refuse, with the reason."""


@dataclass(frozen=True)
class Replay:
    skill_id: str
    locale: str
    inputs: tuple[str, ...]


def _is_yaml(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _parse_problem(error: Exception) -> str:
    """The parser's complaint on one line: YAML's spans several, with the text quoted."""
    mark = getattr(error, "problem_mark", None)
    if isinstance(error, yaml.MarkedYAMLError) and error.problem and mark is not None:
        return f"{error.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return _one_line(error)


def read_replay(path: Path) -> Replay:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ReplayError(f"{path}: cannot be read: {error.strerror or error}") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        offset = error.start + (len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0)
        line = raw.count(b"\n", 0, offset) + 1
        raise ReplayError(
            f"{path}: not UTF-8 text (byte 0x{raw[offset]:02x} on line {line}, offset {offset}); save it as UTF-8"
        ) from error
    try:
        data = yaml.safe_load(text) if _is_yaml(path) else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        kind = "YAML" if _is_yaml(path) else "JSON"
        raise ReplayError(f"{path}: not valid {kind}: {_parse_problem(error)}") from error
    if not isinstance(data, dict):
        raise ReplayError(f"{path}: a replay file is an object with skillId, locale and userInput")
    for field in ("skillId", "locale"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise ReplayError(f"{path}: '{field}' is required")
    inputs = data.get("userInput")
    if not isinstance(inputs, list) or not inputs:
        raise ReplayError(f"{path}: 'userInput' must be a non-empty list of what the user says")
    for number, item in enumerate(inputs, 1):
        if not isinstance(item, str) or not item.strip():
            raise ReplayError(f"{path}: userInput item {number} is blank")
    return Replay(data["skillId"].strip(), data["locale"].strip(), tuple(i.strip() for i in inputs))


def _replay_text(path: Path, skill_id: str, locale: str, inputs: list[str], append_quit: bool) -> str:
    data = {"skillId": skill_id, "locale": locale, "type": "text", "userInput": [*inputs, *([QUIT] if append_quit else [])]}
    if _is_yaml(path):
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_replay(path: Path, skill_id: str, locale: str, inputs: list[str], append_quit: bool = False) -> None:
    path.write_text(_replay_text(path, skill_id, locale, inputs, append_quit), encoding="utf-8")


def record_problem(path: Path) -> str | None:
    """Why a recording could not be written to `path`, checked before anything is said;
    None when it looks writable. The write at the end can still fail (the folder may go)."""
    folder = path.parent
    if path.is_dir():
        return f"{path} is a folder"
    if not folder.exists():
        return f"the folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"{path} cannot be written (permission denied)"
    return None


def keep_replay(path: Path, skill_id: str, locale: str, inputs: list[str], append_quit: bool = False) -> tuple[Path, str | None]:
    """Write the replay file to `path` or, when that fails, to a new file in the temporary
    folder (else the current one), so that nothing said is lost. Returns where it was
    written and, when that is not `path`, why not."""
    text = _replay_text(path, skill_id, locale, inputs, append_quit)
    try:
        path.write_text(text, encoding="utf-8")
        return path, None
    except OSError as error:
        reason = error.strerror or str(error)
    for folder in (None, "."):  # None: tempfile's folder ($TMPDIR, /tmp, ...)
        try:
            handle, name = tempfile.mkstemp(prefix="cramp-coach-recording-", suffix=path.suffix or ".json", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            return Path(name).resolve(), reason
        except OSError:
            continue
    raise OSError(f"{path}: {reason}, and neither the temporary folder nor the current one can be written")
