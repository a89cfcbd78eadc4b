"""The red-flag safety net: call your emergency number first, from anywhere, in every locale.

Every phrasing in content/red_flags.yaml is said through the offline dialog on its own,
in passing after a cramp, after a follow-up offer and mid-routine (and a spread of them in
every locale); it must get the call-now answer with that locale's number in the first
sentence. Ordinary cramp talk
must never get it, and see-a-doctor-soon signs get calm advice.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import CheckedDialog
from skill.core.content import EMERGENCY, SOON, load_content
from skill.core.speech import ssml_to_plain

CONTENT = load_content()
DATA = Path(__file__).parent / "data"
LOCALES = sorted(CONTENT.locales)
NUMBERS = {"en-US": "9 1 1", "en-CA": "9 1 1", "en-GB": "9 9 9", "en-AU": "0 0 0", "en-IN": "1 1 2"}
EMERGENCIES = [f for f in CONTENT.red_flags.values() if f.urgency == EMERGENCY]
SOON_SIGNS = [f for f in CONTENT.red_flags.values() if f.urgency == SOON]
HELD_OUT = sorted(DATA.glob("red_flags_heldout*.yaml"))


def said(turn) -> str:
    return ssml_to_plain(turn.speech_ssml)


def sentences(text: str) -> list[str]:
    return [s for s in text.replace("? ", ". ").split(". ") if s]


def is_alarm(turn) -> bool:
    return said(turn).startswith("This could be an emergency")


def assert_call_now(turn, locale: str) -> None:
    text = said(turn)
    first = sentences(text)[:2]
    assert first == ["This could be an emergency", f"Call {NUMBERS[locale]} now, or your local emergency number"], text
    assert "can't call for you" in text
    response = turn.response["response"]
    assert response["shouldEndSession"] is True
    assert response["card"]["title"] == f"Call {NUMBERS[locale].replace(' ', '')} now"
    assert turn.response.get("sessionAttributes") in (None, {})


@pytest.fixture(scope="module")
def dialogs():
    return {locale: CheckedDialog(locale) for locale in LOCALES}


def test_the_numbers_come_from_content_for_all_five_locales():
    assert {locale: " ".join(facts.emergency_number) for locale, facts in CONTENT.locales.items()} == NUMBERS


def assert_heard_and_called(dialog: CheckedDialog, flag, phrases, locale: str) -> None:
    for phrase in phrases:
        for opening, utterance in (
            (None, phrase),
            (None, f"ask cramp coach my calf is cramping and {phrase}"),
            ("ask cramp coach why do i get cramps at night", phrase),
            ("ask cramp coach to guide me through the calf stretch", phrase),
        ):
            if opening is not None:
                offer = dialog.say(opening)
                assert dialog.session_open, said(offer)
            turn = dialog.say(utterance)
            assert turn.slots.get("symptom", {}).get("id") == flag.id, (utterance, turn.intent, turn.slots)
            assert_call_now(turn, locale)
            assert not dialog.session_open


@pytest.mark.parametrize("flag", EMERGENCIES, ids=[f.id for f in EMERGENCIES])
def test_every_emergency_phrasing_gets_the_call_first_alone_in_passing_after_an_offer_and_mid_routine(
    dialogs, flag
):
    assert_heard_and_called(dialogs["en-US"], flag, flag.said, "en-US")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("flag", EMERGENCIES, ids=[f.id for f in EMERGENCIES])
def test_every_locale_gets_the_call_with_its_own_number(dialogs, flag, locale):
    """Every locale has the same model (test_model.py), so its phrasings are heard alike;
    what differs is the number, checked here on a spread of each flag's phrasings."""
    assert_heard_and_called(dialogs[locale], flag, flag.said[:: max(1, len(flag.said) // 12)], locale)


@pytest.mark.parametrize("flag", EMERGENCIES, ids=[f.id for f in EMERGENCIES])
def test_the_reason_is_one_short_sentence_after_the_call(dialog, flag):
    text = said(dialog.say(f"ask cramp coach {flag.said[0]}"))
    assert text.endswith(flag.why)
    assert len(text.split()) <= 50


@pytest.mark.parametrize("flag", SOON_SIGNS, ids=[f.id for f in SOON_SIGNS])
@pytest.mark.parametrize("locale", LOCALES)
def test_see_a_doctor_soon_signs_get_calm_advice(dialogs, flag, locale):
    for phrase in flag.said:
        turn = dialogs[locale].say(f"ask cramp coach {phrase}")
        assert turn.slots.get("symptom", {}).get("id") == flag.id, (phrase, turn.intent, turn.slots)
        text = said(turn)
        assert text.startswith(flag.advice) and not is_alarm(turn)
        assert ("If it can't wait, call NHS 1 1 1." in text) == (locale == "en-GB")


def test_an_unknown_locale_still_hears_to_call_the_local_number():
    from skill.core.conversation import Conversation

    reply = Conversation(CONTENT).red_flag(EMERGENCIES[0], "fr-FR")
    assert reply.speech.plain().startswith("This could be an emergency. Call your local emergency number now.")
    assert reply.ends_session


def ordinary_utterances() -> list[str]:
    texts = [q["text"] for q in yaml.safe_load((DATA / "medical_questions.yaml").read_text())["questions"]]
    for path in sorted(DATA.glob("heldout_utterances*.yaml")):
        texts += [u["text"] for u in yaml.safe_load(path.read_text())["utterances"]]
    for path in HELD_OUT:
        texts += [u["text"] for u in yaml.safe_load(path.read_text())["ordinary"]]
    return texts


def test_ordinary_cramp_talk_never_raises_the_alarm(dialog):
    texts = ordinary_utterances()
    assert len(texts) > 1000
    alarms = []
    for text in texts:
        turn = dialog.say(f"ask cramp coach {text}")
        if is_alarm(turn):
            alarms.append(f"{text!r} -> {turn.slots.get('symptom')}")
    assert alarms == []


@pytest.mark.parametrize("path", HELD_OUT, ids=[p.name for p in HELD_OUT])
def test_held_out_emergencies_all_get_the_call_and_soon_signs_no_alarm(dialog, path):
    data = yaml.safe_load(path.read_text())
    missed = []
    for entry in data["emergency"]:
        turn = dialog.say(f"ask cramp coach {entry['text']}")
        if sentences(said(turn))[1:2] != ["Call 9 1 1 now, or your local emergency number"]:
            missed.append(f"{entry['text']!r} ({entry['flag']}): {turn.intent} {turn.slots}")
    alarmed = [e["text"] for e in data["soon"] if is_alarm(dialog.say(f"ask cramp coach {e['text']}"))]
    print(f"\n  {path.name}: {len(data['emergency']) - len(missed)}/{len(data['emergency'])} emergencies called")
    assert missed == [] and alarmed == []


# Real envelopes through lambda_handler: the safety net reads every slot of every intent.

from test_lambda import intent_event, invoke  # noqa: E402


@pytest.mark.parametrize("intent", ["AMAZON.HelpIntent", "FoodIntent", "AMAZON.YesIntent", "SomeNewIntent"])
def test_a_red_flag_in_any_slot_of_any_intent_is_answered_first(intent):
    event = intent_event(intent, {"whatever": "breathing"}, attributes={"offer_from": "cause_night"})
    event["request"]["locale"] = "en-GB"
    response = invoke(event)
    text = ssml_to_plain(response["response"]["outputSpeech"]["ssml"])
    assert text.startswith("This could be an emergency. Call 9 9 9 now, or your local emergency number.")
    assert response["response"]["shouldEndSession"] is True
    assert response["sessionAttributes"] == {}  # the pending offer is gone with the session


def test_an_emergency_outranks_a_see_a_doctor_sign_in_the_same_request():
    response = invoke(intent_event("SymptomIntent", {"symptom": "red_swollen_leg", "other_symptom": "breathing"}))
    assert ssml_to_plain(response["response"]["outputSpeech"]["ssml"]).startswith("This could be an emergency")


def test_a_question_about_a_sign_says_to_call_if_it_is_happening(dialog):
    turn = dialog.say("ask cramp coach what are the signs of a heart attack")
    assert turn.slots["sign"]["id"] == "chest_pain"
    assert sentences(said(turn))[:2] == [
        "If this is happening now, this could be an emergency",
        "Call 9 1 1 now, or your local emergency number",
    ]
