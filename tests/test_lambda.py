"""Real request envelopes through lambda_handler, as Alexa would send them."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path

import pytest

from response_checks import assert_valid_response
from skill.runtime.app import InvalidRequestError, build_skill, handle_event
from skill.runtime.core.conversation import Conversation
from skill.runtime.core.speech import estimated_seconds, ssml_to_plain
from skill.runtime.lambda_function import lambda_handler

FIXTURES = Path(__file__).parent / "fixtures" / "requests"
ALL_FIXTURES = sorted(p.stem for p in FIXTURES.glob("*.json"))


def envelope(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def invoke(event: dict) -> dict:
    response = lambda_handler(event, None)
    assert_valid_response(response)
    return response


def said(response: dict) -> str:
    return ssml_to_plain(response["response"]["outputSpeech"]["ssml"])


def first_sentence(text: str) -> str:
    return text.split(". ")[0]


def is_open(response: dict) -> bool:
    return response["response"]["shouldEndSession"] is False


def card_title(response: dict) -> str | None:
    return (response["response"].get("card") or {}).get("title")


def intent_event(intent: str, slots: dict[str, str] | None = None, attributes: dict | None = None) -> dict:
    """An IntentRequest built on a real fixture, with slots resolved to the given ids."""
    event = envelope("cramp_now_calf")
    event["session"]["new"] = False
    event["session"]["attributes"] = attributes or {}
    request_slots = {}
    for name, value_id in (slots or {}).items():
        request_slots[name] = {
            "name": name,
            "value": value_id,
            "confirmationStatus": "NONE",
            "resolutions": {
                "resolutionsPerAuthority": [
                    {
                        "authority": "amzn1.er-authority.echo-sdk.test.Type",
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": value_id, "id": value_id}}],
                    }
                ]
            },
        }
    event["request"]["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": request_slots}
    return event


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_gets_a_response_alexa_accepts(name):
    invoke(envelope(name))


def test_launch_starts_with_what_to_do_for_a_cramp_now_and_is_short():
    response = invoke(envelope("launch"))
    opening = first_sentence(said(response))
    assert "straighten your leg" in opening.lower() and "toes" in opening
    assert estimated_seconds(response["response"]["outputSpeech"]["ssml"]) <= 15
    assert is_open(response)


def test_launch_on_a_screen_device_says_the_same(content):
    assert said(invoke(envelope("apl_device_launch"))) == said(invoke(envelope("launch")))


def test_help_explains_what_to_say_and_carries_the_disclaimer():
    text = said(invoke(envelope("help")))
    assert "my foot is cramping" in text
    assert "not a substitute for a doctor" in text
    assert "emergency, call your local emergency number" in text
    assert is_open(invoke(envelope("help")))


@pytest.mark.parametrize("name", ["stop", "cancel"])
def test_stop_and_cancel_end_the_session_briefly(name):
    response = invoke(envelope(name))
    assert response["response"]["shouldEndSession"] is True
    assert len(said(response).split()) <= 5
    assert response["sessionAttributes"] == {}


def test_navigate_home_goes_back_to_the_welcome():
    assert said(invoke(envelope("navigate_home"))) == said(invoke(envelope("launch")))


@pytest.mark.parametrize("name", ["fallback", "unknown_intent"])
def test_fallback_says_what_the_skill_can_do(name):
    response = invoke(envelope(name))
    text = said(response)
    assert text.startswith("Sorry, I can't help with that.")
    assert "cramp right now" in text and "prevent" in text
    assert is_open(response)


def test_a_calf_cramp_now_is_guided_with_a_counted_hold(content):
    response = invoke(envelope("cramp_now_calf"))
    assert said(response).startswith("Straighten the cramping leg. Pull gently.")
    # Mid-cramp, one hold that keeps going until the cramp lets go: never "relax" before then.
    assert "Hold." in said(response) and "Keep holding until the cramp lets go." in said(response)
    assert "relax" not in said(response)
    assert card_title(response) == content.routines["calf_now"].title
    assert response["sessionAttributes"]["routine"] == {"routine": "calf_now", "segment": 0, "paused": False}


def opening(content, topic) -> str:
    """What an answer to the topic starts with: its speech, with the test locale's (en-US)
    number, or its routine's first step."""
    if topic.routine is not None:
        return content.routines[topic.routine].steps[0].do
    return Conversation(content).localised(topic.speech, "en-US")


@pytest.mark.parametrize(
    "name, topic",
    [
        ("cramp_now_synonym", "now_foot"),
        ("cramp_now_no_slot", "now_general"),
        ("cramp_now_no_match", "now_general"),
        ("cause_night", "cause_night"),
        ("cause_no_slot", "cause_general"),
        ("remedy_magnesium", "magnesium"),
        ("remedy_tonic", "tonic_quinine"),
        ("about_restless", "restless_legs"),
        ("prevent", "prevent_night"),
        ("see_doctor", "see_doctor"),
    ],
)
def test_question_fixtures_answer_their_topic(content, name, topic):
    response = invoke(envelope(name))
    assert said(response).startswith(opening(content, content.topics[topic]))
    assert card_title(response) == content.topics[topic].title


def test_tonic_water_gets_the_warning_not_a_recommendation():
    text = said(invoke(envelope("remedy_tonic")))
    assert text.startswith("Don't buy quinine for cramps, and don't use tonic water")


def _routes(content):
    """One (intent, slots) that reaches each topic, read from the content itself."""
    for topic_id in content.topics:
        for intent in content.question_intents.values():
            if intent.topic == topic_id:
                yield topic_id, intent.name, {}
                break
            slot = intent.topic_slot
            if slot is not None and topic_id in content.slot_types[slot.type]:
                yield topic_id, intent.name, {slot.name: topic_id}
                break
            if intent.default == topic_id:
                yield topic_id, intent.name, {}
                break


def test_every_topic_is_answered_through_lambda(content):
    answered = set()
    for topic_id, intent, slots in _routes(content):
        response = invoke(intent_event(intent, slots))
        topic = content.topics[topic_id]
        assert said(response).startswith(opening(content, topic)), topic_id
        if topic.routine is None:
            assert card_title(response) == topic.title
            assert is_open(response) == (topic.follow_up is not None)
        else:
            assert card_title(response) == content.routines[topic.routine].title
            assert is_open(response)
        answered.add(topic_id)
    assert answered == set(content.topics)


def test_yes_to_every_offer_gives_the_follow_up(content):
    for topic in content.topics.values():
        if topic.follow_up is None:
            continue
        response = invoke(intent_event("AMAZON.YesIntent", attributes={"offer_from": topic.id}))
        offer = topic.follow_up
        if offer.routine is not None:
            expected = f"Let's do the {content.routines[offer.routine].name}."
        else:
            expected = Conversation(content).localised(offer.text, "en-US") if offer.text else opening(content, content.topics[offer.topic])
        assert said(response).startswith(expected), topic.id


def test_yes_after_an_offer_to_prevent_them_answers_prevention(content):
    response = invoke(envelope("yes_after_offer"))
    assert card_title(response) == content.topics["prevent_night"].title


def test_no_after_an_offer_ends_kindly_and_keeps_nothing():
    response = invoke(envelope("no_after_offer"))
    assert said(response) == "Okay. I hope you feel better soon."
    assert response["response"]["shouldEndSession"] is True
    assert response["sessionAttributes"] == {}


def test_yes_or_no_without_an_offer():
    yes = invoke(envelope("yes"))
    assert said(yes).startswith("Sorry, I didn't ask a yes or no question.") and is_open(yes)
    no = invoke(envelope("no"))
    assert said(no) == "Okay. Take care." and not is_open(no)


def test_repeat_says_the_last_answer_again_and_keeps_the_offer():
    response = invoke(envelope("repeat_after_answer"))
    assert said(response) == "Straighten your leg. Want to know what to do when it eases?"
    assert is_open(response)
    assert response["sessionAttributes"]["offer_from"] == "now_calf"


def test_repeat_with_nothing_said_yet():
    response = invoke(envelope("repeat"))
    assert said(response).startswith("There's nothing to repeat yet.")
    assert is_open(response)


def test_forged_session_attributes_cannot_inject_ssml_or_break_the_skill():
    event = envelope("repeat_after_answer")
    event["session"]["attributes"] = {
        "offer_from": 42,
        "last_speech": "<speak><audio src='https://evil.example/x.mp3'/></speak>",
        "last_reprompt": [{"pause_ms": 99999}],
    }
    response = invoke(event)
    assert "audio" not in response["response"]["outputSpeech"]["ssml"]
    assert said(response).startswith("There's nothing to repeat yet.")
    event["session"]["attributes"] = {"last_speech": ["A & B <speak>"]}
    assert said(invoke(event)) == "A & B <speak>"


@pytest.mark.parametrize("name", ["session_ended_user", "session_ended_error", "system_exception"])
def test_requests_that_allow_no_speech_get_none(name):
    response = invoke(envelope(name))
    assert "outputSpeech" not in response["response"]


def test_a_request_for_another_skill_is_refused(content):
    skill = build_skill(content, skill_id="amzn1.ask.skill.someone-else")
    with pytest.raises(InvalidRequestError, match="another skill id"):
        handle_event(skill, envelope("launch"))


@pytest.mark.parametrize("event", [{}, {"request": "launch"}, [], "text", {"request": {"type": 7}}])
def test_an_event_that_is_not_an_alexa_request_is_a_clear_error(content, event):
    with pytest.raises(InvalidRequestError):
        handle_event(build_skill(content), event)


def test_a_failure_is_apologised_for_and_logged_without_what_was_said(content, monkeypatch, caplog):
    def broken_answer(self, intent_name, slot_ids, locale=None, state=None):
        raise ValueError(f"could not answer {slot_ids}")

    monkeypatch.setattr(Conversation, "answer", broken_answer)
    event = intent_event("CrampNowIntent", {"body_part": "now_calf"})
    event["request"]["intent"]["slots"]["body_part"]["value"] = "my secret left calf"
    with caplog.at_level(logging.DEBUG):
        response = invoke(copy.deepcopy(event))
    text = said(response)
    assert text.startswith("Sorry, something went wrong on my side.")
    assert "stretch the muscle and rub it" in text
    assert is_open(response)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged and "broken_answer" in logged
    assert "secret" not in logged and "now_calf" not in logged
