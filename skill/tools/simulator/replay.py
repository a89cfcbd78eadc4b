"""ASK CLI replay files: what `ask dialog --replay FILE` reads and `.record FILE` writes.

    {"skillId": "amzn1.ask.skill...", "locale": "en-US", "type": "text",
     "userInput": ["open cramp coach", "my calf is cramping", ".quit"]}

JSON, or YAML for a .yaml/.yml name, as ask-cli 2 accepts. skillId and locale are
required and no input may be blank; inputs are trimmed. The same file drives the
offline dialog and `ask dialog --replay` against the deployed skill.
"""

from __future__ import annotations

import json
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


def read_replay(path: Path) -> Replay:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReplayError(f"{path}: cannot be read: {error.strerror or error}") from error
    try:
        data = yaml.safe_load(text) if _is_yaml(path) else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise ReplayError(f"{path}: not valid {'YAML' if _is_yaml(path) else 'JSON'}: {error}") from error
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


def write_replay(path: Path, skill_id: str, locale: str, inputs: list[str], append_quit: bool = False) -> None:
    data = {"skillId": skill_id, "locale": locale, "type": "text", "userInput": [*inputs, *([QUIT] if append_quit else [])]}
    if _is_yaml(path):
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
