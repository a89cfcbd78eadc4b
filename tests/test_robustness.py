"""Robustness: fuzzed envelopes, the endpoint under load, and logs that keep no words.

Every envelope hypothesis can invent gets a valid response or, when there is nothing to
answer, a clean InvalidRequestError; no other exception escapes lambda_handler.
"""

from __future__ import annotations

import copy
import json
import logging
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from response_checks import assert_valid_response
from skill.app import InvalidRequestError
from skill.lambda_function import lambda_handler

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "requests"
BASE = json.loads((FIXTURES / "cramp_now_calf.json").read_text())
MODEL = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())["interactionModel"]["languageModel"]
INTENTS = [i["name"] for i in MODEL["intents"]]
SLOT_NAMES = sorted({s["name"] for i in MODEL["intents"] for s in i.get("slots", [])})
VALUE_IDS = sorted({v["id"] for t in MODEL["types"] for v in t["values"]})

text = st.one_of(st.text(max_size=40), st.sampled_from(["", " ", "a" * 5000, "ñ£€😀", "<speak>", "&amp;", "\x00"]))
anything = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=12,
)


@st.composite
def slot(draw, name: str):
    entry: dict = {"name": name, "confirmationStatus": draw(st.sampled_from(["NONE", "CONFIRMED", "junk"]))}
    if draw(st.booleans()):
        entry["value"] = draw(text)
    if draw(st.booleans()):
        code = draw(st.sampled_from(["ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH", "ER_ERROR_TIMEOUT", "junk"]))
        values = [{"value": {"name": draw(text), "id": draw(st.one_of(st.sampled_from(VALUE_IDS), text))}}]
        entry["resolutions"] = {"resolutionsPerAuthority": [{"authority": "x", "status": {"code": code}, "values": values}]}
    return entry


@st.composite
def envelope(draw):
    event = copy.deepcopy(BASE)
    request = event["request"]
    request["type"] = draw(st.sampled_from([
        "IntentRequest", "LaunchRequest", "SessionEndedRequest", "CanFulfillIntentRequest",
        "Alexa.Presentation.APL.UserEvent", "System.ExceptionEncountered", "Unknown.Request",
    ]))
    request["locale"] = draw(st.sampled_from(["en-US", "en-GB", "en-AU", "en-IN", "en-CA", "fr-FR", "xx", ""]))
    name = draw(st.one_of(st.sampled_from(INTENTS), text))
    names = draw(st.lists(st.sampled_from(SLOT_NAMES + ["junk"]), max_size=4, unique=True))
    request["intent"] = {"name": name, "confirmationStatus": "NONE", "slots": {n: draw(slot(n)) for n in names}}
    if draw(st.booleans()):
        del request["intent"]
    if request["type"] == "Alexa.Presentation.APL.UserEvent":
        request["arguments"] = draw(st.lists(anything, max_size=3))
        request["source"] = {"type": "TouchWrapper", "handler": "Press", "id": draw(text)}
    choice = draw(st.sampled_from(["keep", "none", "garbage", "forged"]))
    if choice == "none":
        del event["session"]
    elif choice == "garbage":
        event["session"]["attributes"] = draw(anything)
    elif choice == "forged":
        event["session"]["attributes"] = {
            "routine": draw(st.one_of(anything, st.fixed_dictionaries({
                "routine": st.sampled_from(["calf", "neck", "nope"]), "segment": st.integers(-5, 99), "paused": st.booleans()}))),
            "offer_from": draw(st.one_of(anything, st.sampled_from(["cause_night", "now_calf", "nope"]))),
            "offer_resume": draw(anything),
            "last_speech": draw(st.one_of(anything, st.lists(st.one_of(text, st.fixed_dictionaries({"pause_ms": st.integers(-10, 20000)}))))),
        }
    if draw(st.booleans()):
        event["context"]["System"]["device"]["supportedInterfaces"] = draw(st.one_of(
            st.just({"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.1"}}}), anything))
    return event


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(envelope())
def test_every_fuzzed_envelope_gets_a_valid_response_or_a_clean_error(event):
    try:
        response = lambda_handler(event, None)
    except InvalidRequestError:
        return  # nothing Alexa could have sent: Lambda reports the error, no speech is owed
    assert_valid_response(response)


@settings(max_examples=100, deadline=None)
@given(anything)
def test_something_that_is_not_an_envelope_is_a_clean_error(event):
    try:
        response = lambda_handler(event, None)
    except InvalidRequestError:
        return
    assert_valid_response(response)


# -- logs


def test_one_log_line_per_request_and_never_what_the_person_said(caplog):
    from skill.simulator.dialog import Dialog

    said = [
        "ask cramp coach my secret calf is cramping and my chest feels tight",
        "open cramp coach",
        "i started a new statin last week and i have cramps",
        "my husband has slurred speech",
        "zebra xylophone quartz",
    ]
    dialog = Dialog.for_locale("en-GB")
    with caplog.at_level(logging.INFO):
        turns = [dialog.say(text) for text in said]
    lines = [r.getMessage() for r in caplog.records if r.name == "cramp_coach.requests"]
    assert len(lines) == len(said)
    for line in lines:
        record = json.loads(line)
        assert set(record) == {"type", "intent", "locale", "latency_ms", "outcome"}
        assert record["locale"] == "en-GB" and record["outcome"] in {"ended", "listening", "silent", "error"}
    everything = "\n".join(r.getMessage() for r in caplog.records).lower()
    for text in said:
        for word in text.split():
            if len(word) > 3 and word not in {"cramp", "coach"}:
                assert word not in everything, word
    for turn in turns:  # nor the slot values' names or ids
        for value in turn.slots.values():
            for part in (value["value"], value["id"]):
                assert part is None or part.lower() not in everything.replace("crampnowintent", ""), part


def test_a_failure_is_logged_as_an_error_without_the_words(monkeypatch, caplog):
    from skill.core.conversation import Conversation

    def broken(self, *args, **kwargs):
        raise RuntimeError("secret words")

    monkeypatch.setattr(Conversation, "answer", broken)
    with caplog.at_level(logging.INFO):
        lambda_handler(copy.deepcopy(BASE), None)
    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "cramp_coach.requests"]
    assert line["outcome"] == "error"
    assert "secret" not in caplog.text


# -- the endpoint under load, from another process


def test_the_endpoint_under_load_answers_every_good_request_and_refuses_every_bad_one(serve):
    url = serve("--no-verify")
    result = subprocess.run(
        [sys.executable, "-m", "skill", "load", url, "--requests", "2000", "--concurrency", "16"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    figures = json.loads(result.stdout)
    print(f"\n  load: {figures['requests']} requests, 16 clients, {figures['seconds']} s, "
          f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms")
    assert result.returncode == 0 and figures["problems"] == {}, figures
    assert figures["good"] == 1800
    assert {k.rsplit(" ", 1)[0] for k in figures["statuses"]} == {
        "good", "malformed JSON", "wrong content type", "empty body", "oversized body"}
    after = subprocess.run(  # still serving
        [sys.executable, "-m", "skill", "load", url, "--requests", "9", "--concurrency", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert after.returncode == 0 and json.loads(after.stdout)["good"] == 9
