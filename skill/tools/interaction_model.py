"""Generate the ASK interaction model from content/, so the model and the answers cannot drift.

`python -m skill build-models` writes interaction_models/<locale>.json, and what the
offline resolver works out from them (resolver.bin, simulator/stored.py); with --check it
only reports whether the committed files match what the content and the resolver's code
make.
Slot values are topic ids (a resolved slot's id is the topic it answers) or, for the
Symptom type, red flag ids. Every locale in content/locales.yaml gets the same model.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..runtime.core.content import Content

MODELS_DIR = Path(__file__).resolve().parents[2] / "interaction_models"
# What the offline resolver works out from the models (simulator/stored.py): the dialog
# reads it instead of learning the samples at first use.
RESOLVER_NAME = "resolver.bin"
RESOLVER_PATH = MODELS_DIR / RESOLVER_NAME


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


def stale_resolver(content: Content, directory: Path = MODELS_DIR) -> Path | None:
    """resolver.bin, if missing or made from other samples, triage or resolver code than
    those of the model the content generates."""
    from .simulator.nlu import Resolver
    from .simulator.stored import read_file

    path = directory / RESOLVER_NAME
    return path if read_file(path, Resolver(build_model(content)).training_key) is None else None


def write_resolver(content: Content, directory: Path = MODELS_DIR) -> Path:
    """Work out what the offline resolver needs from the model the content generates (the
    classifier's training takes tens of seconds) and write it."""
    from .simulator.nlu import Resolver
    from .simulator.stored import to_bytes

    resolver = Resolver(build_model(content))
    path = directory / RESOLVER_NAME
    path.write_bytes(to_bytes(resolver.training_key, resolver.worked_out()))
    return path
