"""Robustness: fuzzed envelopes, the endpoint under load, and logs that keep no words.

Every envelope hypothesis can invent gets a valid response or, when there is nothing to
answer, a clean InvalidRequestError; no other exception escapes lambda_handler, with
SKILL_ID set (as deployed) or not. FUZZ_EXAMPLES (default 200) sets how many envelopes
each configuration gets, for a longer run by hand.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from response_checks import assert_valid_response
from skill.runtime import lambda_function
from skill.runtime.app import InvalidRequestError, build_skill
from skill.runtime.core.compiled import load_content
from skill.runtime.core.session import LAST_REPROMPT, LAST_SPEECH, OFFER_FROM, OFFER_RESUME, ROUTINE
from skill.runtime.lambda_function import lambda_handler

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "requests"
BASE = json.loads((FIXTURES / "cramp_now_calf.json").read_text())
MODEL = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())["interactionModel"]["languageModel"]
INTENTS = [i["name"] for i in MODEL["intents"]]
SLOT_NAMES = sorted({s["name"] for i in MODEL["intents"] for s in i.get("slots", [])})
VALUE_IDS = sorted({v["id"] for t in MODEL["types"] for v in t["values"]})

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
SKILL_ID = BASE["context"]["System"]["application"]["applicationId"]
WRITTEN_BY_THE_SKILL = {OFFER_FROM, OFFER_RESUME, ROUTINE, LAST_SPEECH, LAST_REPROMPT}


def nested(depth: int) -> object:
    value: object = "x"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),  # lone surrogates
    st.sampled_from(["", " ", "a" * 5000, "ñ£€😀", "<speak>", "&amp;", "\x00", "\ud800", "😀" * 3000]),
)
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
    choice = draw(st.sampled_from(["keep", "none", "garbage", "forged", "deep", "huge", "wrong shape"]))
    if choice == "none":
        del event["session"]
    elif choice == "garbage":
        event["session"]["attributes"] = draw(anything)
    elif choice == "deep":  # deeper than the SDK's deepcopy can go
        event["session"]["attributes"] = {draw(st.sampled_from(sorted(WRITTEN_BY_THE_SKILL) + ["junk"])): nested(600)}
    elif choice == "huge":
        event["session"]["attributes"] = {
            LAST_SPEECH: ["word " * 1500] * draw(st.integers(1, 3)), OFFER_FROM: "a" * 100_000,
            "junk": "x" * 200_000, ROUTINE: {"routine": "calf", "segment": 10**4000 if draw(st.booleans()) else 10**6},
        }
    elif choice == "wrong shape":
        where = draw(st.sampled_from(["session", "context", "system", "application"]))
        wrong = draw(st.sampled_from([[1, 2], "a string", 7, None]))
        if where == "session":
            event["session"] = wrong
        elif where == "context":
            event["context"] = wrong
        elif where == "system":
            event["context"]["System"] = wrong
        else:
            event["session"]["application"] = wrong
    elif choice == "forged":
        event["session"]["attributes"] = {
            "routine": draw(st.one_of(anything, st.fixed_dictionaries({
                "routine": st.sampled_from(["calf", "neck", "nope"]), "segment": st.integers(-5, 99), "paused": st.booleans()}))),
            "offer_from": draw(st.one_of(anything, st.sampled_from(["cause_night", "now_calf", "nope"]))),
            "offer_resume": draw(anything),
            "last_speech": draw(st.one_of(anything, st.lists(st.one_of(text, st.fixed_dictionaries({"pause_ms": st.integers(-10, 20000)}))))),
        }
    system = event.get("context", {}).get("System") if isinstance(event.get("context"), dict) else None
    if isinstance(system, dict) and draw(st.booleans()):
        system["device"]["supportedInterfaces"] = draw(st.one_of(
            st.just({"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.1"}}}), anything))
    if isinstance(system, dict) and draw(st.integers(0, 9)) == 0:
        system["application"]["applicationId"] = draw(st.sampled_from(["amzn1.ask.skill.other", "", None]))
    return event


@pytest.fixture(params=["SKILL_ID unset", "SKILL_ID set"])
def deployed(request):
    """lambda_handler as deployed without SKILL_ID, and with it (as template.yaml sets it).
    Set once per test: the skill holds no state between requests, so examples can share it."""
    if request.param == "SKILL_ID set":
        skill = build_skill(load_content(for_requests=True), skill_id=SKILL_ID)
    else:
        skill = lambda_function.SKILL
    original, lambda_function.SKILL = lambda_function.SKILL, skill
    yield request.param
    lambda_function.SKILL = original


def answered(event: object) -> dict | None:
    """The response to `event`, checked; None for the one clean refusal."""
    try:
        response = lambda_handler(event, None)
    except InvalidRequestError:
        return None  # nothing Alexa could have sent us: Lambda reports the error, no speech is owed
    assert_valid_response(response)
    remembered = response.get("sessionAttributes") or {}
    assert set(remembered) <= WRITTEN_BY_THE_SKILL, set(remembered) - WRITTEN_BY_THE_SKILL
    request = event.get("request") if isinstance(event, dict) else None
    if isinstance(request, dict) and request.get("type") == "SessionEndedRequest":
        assert remembered == {}
    return response


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(event=envelope())
def test_every_fuzzed_envelope_gets_a_valid_response_or_a_clean_error(deployed, event):
    answered(event)


@settings(max_examples=FUZZ_EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(event=anything)
def test_something_that_is_not_an_envelope_is_a_clean_error(deployed, event):
    answered(event)


def test_a_request_for_another_skill_or_with_no_context_is_refused_when_skill_id_is_set(monkeypatch):
    monkeypatch.setattr(lambda_function, "SKILL", build_skill(load_content(for_requests=True), skill_id=SKILL_ID))
    for forge in ({"context": None}, {"context": {"System": "x"}}, {"session": [1]}):
        with pytest.raises(InvalidRequestError):
            lambda_handler({**copy.deepcopy(BASE), **forge}, None)
    other = copy.deepcopy(BASE)
    other["session"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    with pytest.raises(InvalidRequestError):
        lambda_handler(other, None)
    assert answered(copy.deepcopy(BASE)) is not None


def test_forged_attributes_never_come_back():
    event = copy.deepcopy(BASE)
    event["request"] = {**event["request"], "type": "SessionEndedRequest", "reason": "USER_INITIATED"}
    event["request"].pop("intent")
    event["session"]["attributes"] = {"junk": "x" * 30_000, LAST_SPEECH: ["hello"]}
    assert answered(event)["sessionAttributes"] == {}
    repeat = json.loads((FIXTURES / "repeat.json").read_text())
    repeat["session"]["attributes"] = {"junk": 1, OFFER_FROM: "a" * 100, LAST_SPEECH: ["Say \ud800 this", {"pause_ms": 500}]}
    response = answered(repeat)
    assert " ".join(response["response"]["outputSpeech"]["ssml"].split()) == '<speak>Say this <break time="500ms"/></speak>'
    assert set(response["sessionAttributes"]) <= {LAST_SPEECH, LAST_REPROMPT}


def test_a_response_that_would_break_alexas_24_kb_keeps_its_speech_and_ends(monkeypatch, caplog):
    from skill.runtime.core.conversation import Card, Conversation, Reply
    from skill.runtime.core.speech import Speech

    def swollen(self):  # a bug that makes a card far too long
        return Reply(Speech.of("Welcome."), reprompt=Speech.of("What now?"), card=Card("Card", "x" * 30_000))

    monkeypatch.setattr(Conversation, "welcome", swollen)
    with caplog.at_level(logging.ERROR):
        response = answered(json.loads((FIXTURES / "launch.json").read_text()))
    assert response["response"] == {"outputSpeech": response["response"]["outputSpeech"], "shouldEndSession": True}
    assert "Welcome." in response["response"]["outputSpeech"]["ssml"]
    assert "over 24576 bytes" in caplog.text


def test_everything_the_skill_remembers_for_repeat_fits_the_limit_on_remembered_speech():
    # "repeat" says the last answer again from the session; no answer may be too long to keep.
    from skill.runtime.core.conversation import Conversation
    from skill.runtime.core.session import MAX_REMEMBERED_SPEECH_BYTES, SessionState

    content = load_content()
    conversation = Conversation(content)
    replies = [conversation.welcome(), conversation.help()]
    for locale in ("en-US", "en-GB", "en-AU", "en-IN", "en-CA"):
        for topic in content.topics.values():
            replies.append(conversation.answer_topic(topic, locale))
            replies.append(conversation.accept_offer(SessionState(offer_from=topic.id), locale))
    sizes = []
    for reply in replies:
        state = reply.next_state()
        for speech in (state.last_speech, state.last_reprompt):
            if speech is not None:
                sizes.append(len(json.dumps(speech.to_json())))
        assert SessionState.from_attributes(state.to_attributes()) == state  # kept whole, nothing dropped
    print(f"\n  {len(sizes)} remembered speeches, the largest {max(sizes)} bytes as JSON (limit {MAX_REMEMBERED_SPEECH_BYTES})")


# -- logs


def test_one_log_line_per_request_and_never_what_the_person_said(caplog):
    from skill.tools.simulator.dialog import Dialog

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
    from skill.runtime.core.conversation import Conversation

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
