"""`python -m skill check-models`: Alexa's build rules, caught before deploy time.

Each test breaks one rule in a small valid model; the committed models must pass.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from skill.runtime.app import BUILT_IN_INTENTS
from skill.tools.model_check import check_model

ROOT = Path(__file__).resolve().parents[1]
VALID = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "cramp coach",
            "intents": [
                {"name": "CrampNowIntent", "slots": [{"name": "body_part", "type": "BodyPart"}],
                 "samples": ["my {body_part} is cramping", "i have a cramp"]},
                {"name": "SearchIntent", "slots": [{"name": "query", "type": "AMAZON.SearchQuery"}],
                 "samples": ["look up {query}"]},
                *({"name": name, "samples": []} for name in (
                    "AMAZON.CancelIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent",
                    "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent")),
            ],
            "types": [{"name": "BodyPart", "values": [
                {"id": "now_calf", "name": {"value": "calf", "synonyms": ["calves"]}},
                {"id": "now_foot", "name": {"value": "foot", "synonyms": ["feet"]}},
            ]}],
        }
    }
}


def rules(model: dict, handled=frozenset()) -> list[str]:
    return [str(f).removeprefix("m.json: ") for f in check_model(model, "m.json", handled) if f.error]


def broken(change) -> dict:
    model = copy.deepcopy(VALID)
    change(model["interactionModel"]["languageModel"])
    return model


def test_the_valid_model_passes():
    assert rules(VALID) == []


CASES = {
    "invocation name in capitals": (lambda m: m.update(invocationName="Cramp Coach"), "lower-case letters and spaces only"),
    "invocation name of one word": (lambda m: m.update(invocationName="cramps"), "at least two words"),
    "invocation name with a launch word": (lambda m: m.update(invocationName="open cramp coach"), "no launch or connecting words ('open')"),
    "invocation name with a connecting word": (lambda m: m.update(invocationName="coach for cramps"), "no launch or connecting words ('for')"),
    "invocation name with alexa": (lambda m: m.update(invocationName="alexa cramp coach"), "must not contain 'alexa'"),
    "invocation name with skill": (lambda m: m.update(invocationName="cramp skill"), "must not contain 'skill'"),
    "invocation name with a digit": (lambda m: m.update(invocationName="cramp coach two thousand 1"), "lower-case letters and spaces only"),
    "a digit in a sample": (lambda m: m["intents"][0]["samples"].append("i have 2 cramps"), "sample characters"),
    "a question mark in a sample": (lambda m: m["intents"][0]["samples"].append("why do i cramp?"), "sample characters"),
    "a comma in a sample": (lambda m: m["intents"][0]["samples"].append("ow, a cramp"), "sample characters"),
    "a slash in a sample": (lambda m: m["intents"][0]["samples"].append("calf/foot cramp"), "sample characters"),
    "a sample twice in an intent": (lambda m: m["intents"][0]["samples"].append("i have a cramp"), "duplicate sample (twice in this intent)"),
    "a sample in two intents": (lambda m: m["intents"][1]["samples"].append("i have a cramp"), "duplicate sample (also in CrampNowIntent)"),
    "an undeclared slot": (lambda m: m["intents"][0]["samples"].append("my {muscle} hurts"), "slot '{muscle}' is not declared"),
    "a slot no sample uses": (lambda m: m["intents"][0]["slots"].append({"name": "side", "type": "BodyPart"}), "slot 'side' is used by no sample"),
    "a slot of an undefined type": (
        lambda m: (m["intents"][0]["slots"].append({"name": "side", "type": "Side"}), m["intents"][0]["samples"].append("my {side} side")),
        "type 'Side', which the model does not define"),
    "an empty custom type": (lambda m: m["types"][0].update(values=[]), "custom slot type has no values"),
    "a value over 140 characters": (lambda m: m["types"][0]["values"][0]["name"]["synonyms"].append("c" * 141), "over 140 characters"),
    "a value id used twice": (lambda m: m["types"][0]["values"][1].update(id="now_calf"), "value id 'now_calf' is used twice"),
    "a search query alone": (lambda m: m["intents"][1]["samples"].append("{query}"), "needs a carrier phrase"),
    "a required built-in missing": (lambda m: m["intents"].pop(), "AMAZON.FallbackIntent: -: required built-in intent is missing"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_rule_is_caught(case):
    change, rule = CASES[case]
    found = rules(broken(change))
    assert any(rule in line for line in found), found


def test_a_built_in_the_skill_handles_must_be_declared():
    found = rules(VALID, frozenset({"AMAZON.PauseIntent"}))
    assert found == ["AMAZON.PauseIntent: -: the skill handles this built-in intent, so the model must declare it"]


def test_an_intent_the_skill_does_not_know_is_an_error_as_it_would_be_refused_name_free():
    findings = check_model(VALID, "m.json", skill_intents=frozenset({"SearchIntent"}))
    assert [str(f) for f in findings] == [
        "m.json: CrampNowIntent: -: the skill doesn't know this intent: it would refuse it name-free and fall back in a session"
    ]
    assert check_model(VALID, "m.json", skill_intents=frozenset({"CrampNowIntent", "SearchIntent"})) == []


def test_samples_two_intents_would_both_match_are_a_warning():
    def overlap(m):
        m["intents"].append({"name": "OtherIntent", "slots": [{"name": "part", "type": "BodyPart"}],
                             "samples": ["the {part} is cramping"]})
        m["intents"][0]["samples"].append("the calf is cramping")

    model = broken(overlap)
    assert rules(model) == []
    warnings = [str(f) for f in check_model(model, "m.json") if not f.error]
    assert warnings == [
        "m.json: CrampNowIntent: the calf is cramping: warning: OtherIntent would match this too",
        "m.json: OtherIntent: the {part} is cramping: warning: CrampNowIntent would match this too",
    ]


def test_the_committed_models_pass_and_a_broken_file_fails(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "skill", "check-models"], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    assert "5 model(s): 0 error(s)" in ok.stderr
    bad = tmp_path / "en-US.json"
    bad.write_text(json.dumps(broken(lambda m: m.update(invocationName="open my app"))))
    failed = subprocess.run([sys.executable, "-m", "skill", "check-models", str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert failed.returncode == 1
    lines = failed.stdout.splitlines()
    assert f"{bad}: -: open my app: invocation name: no launch or connecting words ('open')" in lines
    assert f"{bad}: -: open my app: invocation name: must not contain 'app'" in lines


def test_every_built_in_the_skill_handles_is_in_the_committed_models():
    model = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())
    declared = {i["name"] for i in model["interactionModel"]["languageModel"]["intents"]}
    assert BUILT_IN_INTENTS <= declared
