"""Generate the ASK interaction model from content/, so the model and the answers cannot drift.

`python -m skill build-models` writes interaction_models/<locale>.json; with --check it
only reports whether the committed files match what the content says they should be.
Slot values are topic ids (a resolved slot's id is the topic it answers) or, for the
Symptom type, red flag ids. Every locale in content/locales.yaml gets the same model.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..runtime.core.content import Content

MODELS_DIR = Path(__file__).resolve().parents[2] / "interaction_models"


def build_model(content: Content) -> dict:
    intents = []
    for intent in [*content.question_intents.values(), *content.action_intents.values()]:
        entry: dict = {"name": intent.name}
        if intent.slots:
            entry["slots"] = [{"name": s.name, "type": s.type} for s in intent.slots]
        entry["samples"] = list(intent.samples)
        intents.append(entry)
    for builtin in content.builtin_intents:
        intents.append({"name": builtin.name, "samples": list(builtin.samples)})

    types = []
    for type_name, values in content.slot_types.items():
        types.append(
            {
                "name": type_name,
                "values": [
                    {"id": topic_id, "name": {"value": phrases[0], "synonyms": list(phrases[1:])}}
                    for topic_id, phrases in values.items()
                ],
            }
        )
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": content.invocation_name,
                "modelConfiguration": {"fallbackIntentSensitivity": {"level": "LOW"}},
                "intents": intents,
                "types": types,
            }
        },
        "version": "1",
    }


def render(model: dict) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def model_path(locale: str, directory: Path = MODELS_DIR) -> Path:
    return directory / f"{locale}.json"


def write_models(content: Content, directory: Path = MODELS_DIR) -> list[Path]:
    text = render(build_model(content))
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for locale in content.locales:
        path = model_path(locale, directory)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_models(content: Content, directory: Path = MODELS_DIR) -> list[Path]:
    """Model files that are missing or differ from what the content generates."""
    text = render(build_model(content))
    return [
        path
        for path in (model_path(locale, directory) for locale in content.locales)
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
