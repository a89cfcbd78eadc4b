"""Name-free requests ("Alexa, my calf is cramping"): the CanFulfillIntentRequest Alexa
sends first, shaped as Amazon documents it, through lambda_handler; and the request that
follows."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from skill.runtime.core.content import SYMPTOM_TYPE
from skill.runtime.core.name_free import IN_A_ROUTINE_ONLY
from skill.tools.simulator.envelopes import Session, can_fulfill_request, intent_request
from skill.tools.simulator.nlu import Resolver
from test_lambda import invoke, said

SKILL = "amzn1.ask.skill.00000000-0000-4000-8000-00000000c0ac"
MODELS = Path(__file__).resolve().parents[1] / "interaction_models"


def resolver(locale: str) -> Resolver:
    return Resolver(json.loads((MODELS / f"{locale}.json").read_text()))


def amazon_check(intent: str, slots: dict[str, str] | None = None, locale: str = "en-US") -> dict:
    """As in Amazon's "Implement CanFulfillIntentRequest for name-free interaction": no
    session, and each slot only its name and the words heard (no resolutions)."""
    return {
        "version": "1.0",
        "request": {
            "type": "CanFulfillIntentRequest",
            "requestId": "amzn1.echo-api.request.0000-name-free",
            "intent": {"name": intent, "slots": {n: {"name": n, "value": v} for n, v in (slots or {}).items()}},
            "locale": locale,
            "timestamp": "2026-12-06T03:12:45Z",
        },
        "context": {"System": {
            "application": {"applicationId": SKILL},
            "user": {"userId": "amzn1.ask.account.name-free"},
            "device": {"supportedInterfaces": {}},
        }},
    }


def answer(event: dict) -> dict:
    response = invoke(event)
    body = response["response"]
    # It speaks nothing, shows nothing, keeps nothing, and says nothing of the session.
    assert set(body) == {"canFulfillIntent"}, body
    assert not response.get("sessionAttributes")
    return body["canFulfillIntent"]


def known_phrase(content, slot_type: str) -> str:
    return next(phrase for phrases in content.slot_types[slot_type].values() for phrase in phrases)


def our_intents(content):
    return {**content.question_intents, **content.action_intents}


def test_every_question_and_action_is_a_yes_with_nothing_in_its_slots(content):
    for name in our_intents(content):
        expected = "NO" if name in IN_A_ROUTINE_ONLY else "YES"
        assert answer(amazon_check(name)) == {"canFulfill": expected}, name


def test_a_question_or_a_cramp_now_with_a_value_the_content_knows_is_a_yes_for_it_and_its_slot(content):
    for name, intent in our_intents(content).items():
        for spec in intent.slots:
            if spec.type in (SYMPTOM_TYPE, "AMAZON.SearchQuery") or name in IN_A_ROUTINE_ONLY:
                continue  # symptoms and descriptions: the red-flag test below
            words = "21:00" if spec.type == "AMAZON.TIME" else known_phrase(content, spec.type)
            got = answer(amazon_check(name, {spec.name: words}))
            assert got == {"canFulfill": "YES", "slots": {spec.name: {"canUnderstand": "YES", "canFulfill": "YES"}}}, (
                name, spec.name, words)


def test_the_issues_own_cases():
    assert answer(amazon_check("CrampNowIntent", {"body_part": "calf"}))["canFulfill"] == "YES"
    assert answer(amazon_check("CrampNowIntent", {"body_part": "calves"}))["canFulfill"] == "YES"
    assert answer(amazon_check("CauseIntent", {"situation": "at night"}))["canFulfill"] == "YES"
    assert answer(amazon_check("RoutineIntent", {"routine": "calf stretch"}))["canFulfill"] == "YES"
    assert answer(amazon_check("PlaySound", {"Sound": "crickets"})) == {
        "canFulfill": "NO", "slots": {"Sound": {"canUnderstand": "NO", "canFulfill": "NO"}}}


def test_words_the_content_does_not_know_are_a_maybe_and_the_slot_can_not_be_fulfilled():
    got = answer(amazon_check("CrampNowIntent", {"body_part": "elbow"}))
    assert got == {"canFulfill": "MAYBE", "slots": {"body_part": {"canUnderstand": "MAYBE", "canFulfill": "NO"}}}
    got = answer(amazon_check("CauseIntent", {"situation": "after playing the bagpipes"}))
    assert got["canFulfill"] == "MAYBE"


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.HelpIntent", "AMAZON.FallbackIntent",
                                    "AMAZON.NextIntent", "SkipIntent", "DoneIntent", "OrderPizzaIntent"])
def test_intents_that_are_not_ours_or_need_a_routine_running_are_a_no(intent):
    assert answer(amazon_check(intent)) == {"canFulfill": "NO"}


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_every_red_flag_heard_in_a_name_free_request_is_a_yes(content, locale):
    for flag in content.red_flags.values():
        words = flag.said[0]
        for intent, slot in (("SymptomIntent", "symptom"), ("CrampNowIntent", "symptom"), ("DescribeIntent", "description")):
            got = answer(amazon_check(intent, {slot: words}, locale))
            assert got == {"canFulfill": "YES", "slots": {slot: {"canUnderstand": "YES", "canFulfill": "YES"}}}, (
                flag.id, intent, words)


def test_the_request_that_follows_a_red_flag_opens_with_the_call_exactly_as_when_asked_by_name():
    resolution = resolver("en-GB").resolve("i've got crushing pain in my chest")
    assert answer(can_fulfill_request(Session(SKILL), "en-GB", resolution))["canFulfill"] == "YES"
    name_free = invoke(intent_request(Session(SKILL), "en-GB", resolution))  # a new session, as Alexa opens
    by_name = invoke(intent_request(Session(SKILL), "en-GB", resolver("en-GB").resolve("i've got crushing pain in my chest")))
    assert said(name_free).startswith("Call 9 9 9 now.")
    assert name_free["response"] == by_name["response"]


def test_checks_built_by_the_dialog_with_resolutions_answer_as_amazons_without(content):
    """The dialog's checks carry entity resolution, as Alexa's IntentRequests do: the same answers."""
    for text in ("my calf is cramping", "why do i get cramps at night", "start the calf stretch", "my chest hurts",
                 "what's the weather", "skip this one"):
        resolution = resolver("en-US").resolve(text)
        with_ids = answer(can_fulfill_request(Session(SKILL), "en-US", resolution))
        words_only = answer(amazon_check(resolution.intent, {s.name: s.value for s in resolution.slots if s.value}))
        assert with_ids == words_only, text


def test_the_log_says_the_answer_and_never_the_words(caplog):
    with caplog.at_level(logging.INFO, logger="cramp_coach.requests"):
        answer(amazon_check("SymptomIntent", {"symptom": "my chest is crushing"}))
    line = json.loads(caplog.records[-1].getMessage())
    assert line["type"] == "CanFulfillIntentRequest" and line["intent"] == "SymptomIntent"
    assert line["outcome"] == "can fulfil YES"
    assert "chest" not in caplog.text


def test_a_check_without_an_intent_or_with_odd_slots_is_a_no_not_a_failure():
    event = amazon_check("CrampNowIntent")
    del event["request"]["intent"]
    assert answer(event) == {"canFulfill": "NO"}
    event = amazon_check("CrampNowIntent", {"body_part": ""})
    assert answer(event) == {"canFulfill": "YES"}  # an empty slot says nothing


def test_a_check_sent_inside_a_session_leaves_the_session_as_it_was():
    event = amazon_check("CrampNowIntent", {"body_part": "calf"})
    routine = {"routine": {"routine": "calf", "segment": 1, "paused": False}}
    event["session"] = {"new": False, "sessionId": "amzn1.echo-api.session.x", "application": {"applicationId": SKILL},
                        "attributes": routine, "user": {"userId": "amzn1.ask.account.name-free"}}
    response = invoke(event)
    assert set(response["response"]) == {"canFulfillIntent"}
    assert response["sessionAttributes"] == routine
