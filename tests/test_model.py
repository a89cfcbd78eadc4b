"""The committed interaction model is what the content generates, and Alexa would build it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from skill.tools.interaction_model import MODELS_DIR as MODELS, build_model, model_path, render, stale_models

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def language_model():
    return json.loads(model_path("en-US").read_text())["interactionModel"]["languageModel"]


def test_the_committed_models_match_the_content(content):
    assert stale_models(content) == [], "run `python -m skill build-models`"


def test_a_model_that_drifted_from_the_content_is_reported(content, tmp_path):
    model = build_model(content)
    every_locale = [tmp_path / f"{locale}.json" for locale in content.locales]
    assert stale_models(content, tmp_path) == every_locale  # missing
    for path in every_locale:
        path.write_text(render(model))
    assert stale_models(content, tmp_path) == []
    model["interactionModel"]["languageModel"]["types"][0]["values"][0]["name"]["synonyms"].pop()
    (tmp_path / "en-GB.json").write_text(render(model))
    assert stale_models(content, tmp_path) == [tmp_path / "en-GB.json"]


def test_build_models_check_passes_on_the_committed_models():
    result = subprocess.run(
        [sys.executable, "-m", "skill", "build-models", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_slot_values_are_the_contents_topics_with_their_phrases(content, language_model):
    for slot_type in language_model["types"]:
        values = content.slot_types[slot_type["name"]]
        assert {v["id"] for v in slot_type["values"]} == set(values)
        for value in slot_type["values"]:
            assert [value["name"]["value"], *value["name"]["synonyms"]] == list(values[value["id"]])
            # A Symptom value is a red flag, a Routine value a routine; any other slot value
            # is the topic it answers.
            home = {"Symptom": content.red_flags, "Routine": content.routines}.get(slot_type["name"], content.topics)
            assert value["id"] in home


def test_every_locale_gets_the_same_model_with_the_red_flags_as_symptoms(content, language_model):
    assert sorted(p.stem for p in MODELS.glob("*.json")) == sorted(content.locales)
    for locale in content.locales:
        assert (MODELS / f"{locale}.json").read_text() == (MODELS / "en-US.json").read_text()
    [symptom] = [t for t in language_model["types"] if t["name"] == "Symptom"]
    assert {v["id"] for v in symptom["values"]} == set(content.red_flags)


def test_invocation_name_follows_alexas_rules(language_model):
    name = language_model["invocationName"]
    assert name == "cramp coach"
    assert re.fullmatch(r"[a-z]+( [a-z]+)+", name)
    forbidden = {"alexa", "amazon", "echo", "skill", "app", "launch", "ask", "tell", "open", "start"}
    assert not forbidden & set(name.split())


def test_samples_use_only_what_the_console_accepts_and_every_slot_is_declared(language_model):
    seen = {}
    for intent in language_model["intents"]:
        declared = {slot["name"] for slot in intent.get("slots", [])}
        used = set()
        for sample in intent["samples"]:
            used |= set(re.findall(r"\{(\w+)\}", sample))
            words = re.sub(r"\{\w+\}", "slot", sample)
            assert re.fullmatch(r"[a-z.' ]+", words), sample
            assert not re.search(r"\d|[,?!/]", sample), sample
            assert sample not in seen, f"{sample!r} in {intent['name']} and {seen.get(sample)}"
            seen[sample] = intent["name"]
        assert used <= declared and declared <= used, intent["name"]


def test_the_required_built_in_intents_are_declared(language_model):
    names = {intent["name"] for intent in language_model["intents"]}
    for required in ("Cancel", "Help", "Stop", "NavigateHome", "Fallback", "Repeat", "Yes", "No"):
        assert f"AMAZON.{required}Intent" in names


def test_slot_values_are_within_alexas_limits(language_model):
    for slot_type in language_model["types"]:
        assert slot_type["values"]
        ids = [v["id"] for v in slot_type["values"]]
        assert len(ids) == len(set(ids))
        for value in slot_type["values"]:
            for phrase in [value["name"]["value"], *value["name"]["synonyms"]]:
                assert 0 < len(phrase) <= 140 and not re.search(r"\d|[,?!/]", phrase)


def test_every_intent_in_the_model_has_a_handler(content, language_model):
    """No intent the model can send ends up in the fallback by accident."""
    from skill.runtime.core.speech import ssml_to_plain
    from test_lambda import intent_event, invoke

    for intent in language_model["intents"]:
        if intent["name"] == "AMAZON.FallbackIntent":
            continue
        response = invoke(intent_event(intent["name"]))
        text = ssml_to_plain(response["response"]["outputSpeech"]["ssml"])
        assert not text.startswith("Sorry, I can't help with that."), intent["name"]
