"""The red-flag safety net: three levels, answered first from anywhere, from every word heard.

Emergency: the first words are the call with the locale's number. Urgent: where to get
seen today, then when to call. Soon: calm advice. The net reads every slot's words,
resolved by Alexa or not (ER_SUCCESS_NO_MATCH), of every intent, in every state; a
question about a sign is answered and says to call if it is happening.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import pytest
import yaml

from conftest import CheckedDialog
from skill.runtime.core.compiled import load_content
from skill.runtime.core.conversation import Conversation, spoken_digits
from skill.runtime.core.safety import triage_for
from skill.runtime.core.speech import ssml_to_plain
from skill.runtime.core.triage import EMERGENCY, SOON, URGENT, Finding, Triage
from skill.tools.simulator.accuracy import level_heard, load_set, score_red_flags, score_triage_file
from skill.tools.interaction_model import model_path
from skill.tools.simulator.nlu import normalize, resolver_for

CONTENT = load_content()
DATA = Path(__file__).parent / "data"
LOCALES = sorted(CONTENT.locales)
NUMBERS = {"en-US": "9 1 1", "en-CA": "9 1 1", "en-GB": "9 9 9", "en-AU": "triple zero", "en-IN": "1 1 2"}
CARD_NUMBERS = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "000", "en-IN": "112"}
EMERGENCIES = [f for f in CONTENT.red_flags.values() if f.level == EMERGENCY]
URGENT_SIGNS = [f for f in CONTENT.red_flags.values() if f.level == URGENT]
SOON_SIGNS = [f for f in CONTENT.red_flags.values() if f.level == SOON]
TRIAGE_SETS = sorted(DATA.glob("triage_*.yaml"))
HELD_OUT = sorted(DATA.glob("red_flags_heldout*.yaml"))


def said(turn) -> str:
    return ssml_to_plain(turn.speech_ssml)


def now(flag) -> Finding:
    return Finding(flag.id, flag.level, False, 0, 0)


def assert_call_first(turn, locale: str, flag=None) -> None:
    text = said(turn)
    assert text.startswith(f"Call {NUMBERS[locale]} now."), text
    assert f"Call {NUMBERS[locale]} or your local emergency number" in text and "can't call for you" in text
    if flag is not None:
        assert text.split(". ", 1)[1].startswith(flag.why), text
    response = turn.response["response"]
    assert response["shouldEndSession"] is True
    assert response["card"]["title"] == f"Call {CARD_NUMBERS[locale]} now"
    assert turn.response.get("sessionAttributes") in (None, {})


@pytest.fixture(scope="module")
def dialogs():
    return {locale: CheckedDialog(locale) for locale in LOCALES}


def test_the_numbers_come_from_content_for_all_five_locales():
    assert {locale: facts.spoken_number for locale, facts in CONTENT.locales.items()} == NUMBERS
    assert {locale: facts.emergency_number for locale, facts in CONTENT.locales.items()} == CARD_NUMBERS


# --------------------------------------------------------------------------- emergency


@pytest.mark.parametrize("flag", EMERGENCIES, ids=[f.id for f in EMERGENCIES])
def test_every_emergency_phrase_gets_the_call_as_its_first_words(dialogs, flag):
    """Each phrase alone; a spread of them in passing, after an offer and mid-routine."""
    dialog = dialogs["en-US"]
    for phrase in flag.said:
        turn = dialog.say(phrase)
        assert_call_first(turn, "en-US")
    for phrase in flag.said[:: max(1, len(flag.said) // 6)]:
        for opening, utterance in (
            (None, f"ask cramp coach my calf is cramping and {phrase}"),
            ("ask cramp coach why do i get cramps at night", phrase),
            ("ask cramp coach to guide me through the calf stretch", phrase),
        ):
            if opening is not None:
                dialog.say(opening)
                assert dialog.session_open
            assert_call_first(dialog.say(utterance), "en-US")
            assert not dialog.session_open


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_hears_its_own_number_first(dialogs, locale):
    for flag in EMERGENCIES:
        for phrase in flag.said[:: max(1, len(flag.said) // 3)]:
            assert_call_first(dialogs[locale].say(phrase), locale)


@pytest.mark.parametrize("flag", EMERGENCIES, ids=[f.id for f in EMERGENCIES])
def test_after_the_call_one_sentence_on_why_then_that_the_skill_cannot_call(flag):
    reply = Conversation(CONTENT).red_flag(now(flag), "en-GB")
    text = reply.speech.plain()
    assert text.startswith(f"Call 9 9 9 now. {flag.why}")
    assert text.endswith("I can't call for you. Call 9 9 9 or your local emergency number, or ask someone nearby to call.")
    assert len(text.split()) < 50
    assert reply.ends_session and reply.card.title == "Call 999 now"


def test_a_bite_or_sting_gets_first_aid_that_does_no_harm(dialogs):
    text = said(dialogs["en-AU"].say("a tiger snake bit me on the ankle"))
    assert text.startswith("Call triple zero now.")
    assert "Keep still. Don't cut, suck or ice the bite." in text


def test_an_unknown_locale_hears_its_local_emergency_number():
    reply = Conversation(CONTENT).red_flag(now(EMERGENCIES[0]), "fr-FR")
    assert reply.speech.plain().startswith("Call your local emergency number now.")
    assert reply.card.title == "Call your local emergency number now"
    assert reply.ends_session


# --------------------------------------------------------------------------- urgent and soon


@pytest.mark.parametrize("locale", LOCALES)
def test_urgent_signs_say_where_to_get_seen_today_then_when_to_call(dialogs, locale):
    care = spoken_digits(CONTENT.locales[locale].urgent_care)
    for utterance, flag in (
        ("it's been twenty minutes and it won't let go", "long_cramp"),
        ("i heard a pop in my calf playing tennis", "injury"),
        ("one of my legs is red and swollen, my breathing is fine", "red_swollen_leg"),
        ("my calf is red and puffy and it hurts to walk, but my breathing's fine", "red_swollen_leg"),
        ("i've been throwing up all night and now my legs are cramping", "fluid_loss"),
    ):
        turn = dialogs[locale].say(utterance)
        text = said(turn)
        assert text.startswith(care + " " + CONTENT.red_flags[flag].advice), (utterance, text)
        assert text.endswith(f"If it gets worse, call {NUMBERS[locale]}.")
        assert f"Call {NUMBERS[locale]} now" not in text and not dialogs[locale].session_open


def test_each_locale_has_its_own_way_to_get_seen_today():
    lines = {locale: spoken_digits(facts.urgent_care) for locale, facts in CONTENT.locales.items()}
    assert "NHS 1 1 1" in lines["en-GB"] and "urgent treatment centre" in lines["en-GB"]
    assert "healthdirect on 1 8 0 0, 0 2 2, 2 2 2" in lines["en-AU"]
    assert "urgent care" in lines["en-US"] and "urgent care" in lines["en-CA"]
    assert "see a doctor" in lines["en-IN"]


def test_an_injury_is_not_stretched():
    reply = Conversation(CONTENT).red_flag(now(CONTENT.red_flags["injury"]), "en-US")
    assert "Don't stretch it." in reply.speech.plain()


@pytest.mark.parametrize("flag", SOON_SIGNS, ids=[f.id for f in SOON_SIGNS])
@pytest.mark.parametrize("locale", LOCALES)
def test_see_a_doctor_soon_signs_get_calm_advice(dialogs, flag, locale):
    for phrase in flag.said[:: max(1, len(flag.said) // 8)]:
        turn = dialogs[locale].say(f"ask cramp coach {phrase}")
        text = said(turn)
        assert text.startswith(flag.advice), (phrase, turn.intent, turn.slots, text)
        assert ("If it can't wait, call NHS 1 1 1." in text) == (locale == "en-GB")


# --------------------------------------------------------------------------- when, and whose


def test_a_sign_that_has_passed_is_no_emergency_but_a_stroke_that_passed_still_is(dialogs):
    dialog = dialogs["en-GB"]
    choked = said(dialog.say("choked on a chip, coughed it up and i'm fine now, my calf is cramping"))
    assert choked.startswith("If it has passed and you feel well now, it isn't an emergency.")
    assert "If it comes back, call 9 9 9." in choked
    breathless = said(dialog.say("felt breathless on the stairs but was fine after resting"))
    assert not breathless.startswith("Call")
    assert_call_first(dialog.say("his face drooped on one side for a few minutes but he's fine now"), "en-GB")
    assert_call_first(dialog.say("i couldn't breathe earlier, it went away, but now it's back"), "en-GB")
    assert_call_first(dialog.say("she was fine ten minutes ago and now her face has dropped on one side"), "en-GB")


def test_weakness_that_came_on_over_months_is_for_a_doctor_and_sudden_weakness_for_an_ambulance(dialogs):
    dialog = dialogs["en-US"]
    slow = said(dialog.say("my legs feel weaker than they used to, i can't get up the stairs like i did"))
    assert slow.startswith(CONTENT.red_flags["weakness"].advice)
    assert_call_first(dialog.say("i suddenly can't move my legs"), "en-US")
    assert_call_first(dialog.say("my legs have been weak for weeks and tonight they suddenly gave out"), "en-US")


def test_a_sign_said_of_someone_else_or_hedged_is_still_heard(dialogs):
    for utterance in (
        "my dad's gone all floppy down one side",
        "i think maybe she took way too many of her sleeping pills",
        "the baby got into my tablets",
        "he's not making any sense and his arms keep jerking",
    ):
        assert_call_first(dialogs["en-AU"].say(utterance), "en-AU")


def test_a_sign_negated_is_not_heard_but_the_next_one_is(dialogs):
    dialog = dialogs["en-US"]
    assert not said(dialog.say("no chest pain, just my calf cramping")).startswith("Call")
    assert_call_first(dialog.say("no chest pain but i suddenly can't move my legs"), "en-US")


def test_a_story_is_not_a_report_until_it_comes_back_to_now(dialogs):
    dialog = dialogs["en-US"]
    told = said(dialog.say("was watching a show where a guy has a seizure and my foot cramped, how do i loosen it"))
    assert not told.startswith("Call")
    assert_call_first(dialog.say("i was reading about strokes and now my face is drooping"), "en-US")
    assert_call_first(dialog.say("i was laughing so hard and then he collapsed and isn't breathing"), "en-US")
    assert_call_first(dialog.say("watching a programme about snakes and my chest is crushing"), "en-US")
    shift = said(dialog.say("home from a night shift full of strokes and chest pains and my calf is cramping"))
    assert not shift.startswith("Call")


def test_a_question_about_an_urgent_sign_says_where_to_get_seen_if_it_is_happening(dialogs):
    text = said(dialogs["en-GB"].say("what's the difference between a cramp and a torn muscle"))
    assert text == (
        f"{CONTENT.red_flags['injury'].advice} If this is happening now, get medical help today: "
        "call NHS 1 1 1, or go to an urgent treatment centre."
    )


def test_a_question_about_a_sign_is_answered_then_says_to_call_if_it_is_happening(dialogs):
    turn = dialogs["en-US"].say("what are the signs of a stroke")
    text = said(turn)
    assert text == f"{CONTENT.red_flags['stroke'].why} If this is happening now, call 9 1 1 or your local emergency number."


LOOK_ALIKES = [
    "i stubbed my toe on the chest of drawers and now my foot is cramping",
    "i had a fit of the giggles and got a cramp in my side",
    "i choked on my water laughing, my calf is cramping",
    "i can't breathe through my nose because of this cold, and my calf cramps at night",
    "my arm went numb from sleeping on it",
    "my chest muscles are sore after push ups",
    "i grind my teeth when i'm stressed, can that cause cramps",
    "i was paralysed with fear when my calf cramped",
    "does dark beer cause cramps",
    "i nearly had a heart attack when i saw the bill, and now my foot is cramping",
    "what's your poison for night cramps, magnesium or pickle juice",
    "i overdosed on chocolate at christmas, could that cause cramps",
    "stroke of luck, my cramp went away on its own",
    "i was playing snakes and ladders and my knee went stiff",
]


@pytest.mark.parametrize("utterance", LOOK_ALIKES)
def test_look_alikes_stay_calm(dialogs, utterance):
    """medical.md section 6: an emergency word in an idiom or a harmless context."""
    assert not said(dialogs["en-GB"].say(utterance)).startswith("Call")


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
        if said(turn).startswith("Call 9 1 1 now."):
            alarms.append(f"{text!r} -> {turn.intent} {turn.slots}")
    assert alarms == []


# --------------------------------------------------------------------------- measured blind


@pytest.mark.parametrize("path", TRIAGE_SETS, ids=[p.name for p in TRIAGE_SETS])
def test_blind_triage_sets_through_the_dialog(path):
    """Sets written blind from medical.md alone (each file's header gives its first run).
    Every emergency gets the call as its first words, every urgent sign the way to be seen
    today, and at most 3% of calm sentences raise the alarm."""
    score = score_triage_file(CONTENT, path)
    print(f"\n  {score.name}: {score.summary()}")
    missed = [m for m in score.misses() if m.expected in (EMERGENCY, URGENT)]
    assert missed == [], "\n".join(f"{m.text}: {m.got}" for m in missed)
    calm = score.of("calm")
    assert score.calm_alarmed <= 0.03 * len(calm), "\n".join(
        f"{c.text}: {c.first_words}" for c in calm if c.heard == EMERGENCY
    )


@pytest.mark.parametrize("path", HELD_OUT, ids=[p.name for p in HELD_OUT])
def test_older_held_out_sets_every_emergency_and_urgent_sign_and_no_alarm(path):
    score = score_red_flags(CONTENT, resolver_for(model_path("en-US")), path)
    print(f"\n  {path.name}: {score.emergencies - len(score.missed)}/{score.emergencies} emergencies called")
    assert score.missed == () and score.false_alarms == ()


# --------------------------------------------------------------------------- words Alexa could not resolve

from test_lambda import envelope, invoke  # noqa: E402

# Intents whose slots take a description: a Symptom slot (reported) or a phrase slot.
FREE_TEXT_SLOTS = sorted(
    (intent.name, slot.name)
    for intent in [*CONTENT.question_intents.values(), *CONTENT.action_intents.values()]
    for slot in intent.slots
    if slot.type in ("Symptom", "AMAZON.SearchQuery") and not slot.asked_about
)
# One raw description per red flag, in words that are not one of the model's values.
RAW = {
    "whole_body_spasms": "every muscle i have is knotting up at once",
    "locked_jaw": "my jaw is jammed shut since i cut my foot on a nail",
    "poison": "i was spraying roundup on the fence and now i'm cramping",
    "unbearable_pain": "the pain is ten out of ten and i'm screaming",
    "clot_in_lung": "my calf is swollen and now i can't get my breath",
    "chest_pain": "my chest is crushing",
    "stroke": "her face has dropped down one side",
    "breathing": "i cant breathe properly",
    "seizure": "he's thrashing about on the floor and won't answer",
    "dark_urine": "my pee is the colour of cola after the marathon",
    "heat_stroke": "he's boiling hot and muddled after working in the sun",
    "meningitis": "high fever and she can't bend her neck forward",
    "cold_limb": "my foot has gone white and icy",
    "compartment": "the plaster on my arm is too tight and my fingers are puffing up",
    "sudden_weakness": "i suddenly can't move my legs",
    "cauda_equina": "my back is in spasm and i can't feel my bum",
    "envenomation": "a redback got me on the hand",
    "tetany": "my lips are tingling and my hands are curling into claws",
    "overdose": "took way too many of my muscle relaxers",
    "confusion": "she's talking gobbledygook and her arms keep jerking",
    "long_cramp": "it's been twenty minutes and it still won't let go",
    "injury": "felt like someone kicked me in the calf",
    "fluid_loss": "i've had the runs for two days and now my legs are cramping",
    "quinine_bleeding": "since starting quinine tablets ive got purple blotches on my shins",
    "red_swollen_leg": "my left calf is red and puffy and hot",
    "frequent_cramps": "i get them nearly every single night",
    "new_medicine": "ever since i started a statin",
    "weakness": "my legs are getting weaker",
    "claudication": "my calf aches when i walk and goes away when i stop",
    "alcohol": "i drink a lot most nights",
    "numb_legs": "my feet have been a bit numb on and off for weeks",
}
BENIGN = [
    "my toes feel a bit tight", "a cramp in my calf", "the chest of drawers", "after my run",
    "it woke me up at three", "my hamstring again", "stiff after the gym", "a fit of the giggles",
]


def no_match_event(intent: str, slot: str, words: str, locale: str, attributes: dict | None = None) -> dict:
    """An IntentRequest whose slot carries words Alexa heard but could not resolve."""
    event = copy.deepcopy(envelope("cramp_now_calf"))
    event["session"]["new"] = False
    event["session"]["attributes"] = attributes or {}
    event["request"]["locale"] = locale
    filled = {"name": slot, "value": words, "confirmationStatus": "NONE"}
    if not intent.startswith("DescribeIntent"):  # a phrase slot carries no entity resolution
        filled["resolutions"] = {"resolutionsPerAuthority": [{
            "authority": "amzn1.er-authority.echo-sdk.test.Symptom", "status": {"code": "ER_SUCCESS_NO_MATCH"},
        }]}
    event["request"]["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {slot: filled}}
    return event


def test_the_raw_words_are_no_values_of_the_model_and_every_flag_has_some():
    values = {normalize(p) for phrases in CONTENT.slot_types["Symptom"].values() for p in phrases}
    assert set(RAW) == set(CONTENT.red_flags)
    assert [w for w in RAW.values() if normalize(w) in values] == []
    assert ("DescribeIntent", "description") in FREE_TEXT_SLOTS and len(FREE_TEXT_SLOTS) > 15


@pytest.mark.parametrize("intent,slot", FREE_TEXT_SLOTS, ids=[f"{i}.{s}" for i, s in FREE_TEXT_SLOTS])
def test_unresolved_words_in_any_free_text_slot_get_their_flags_answer(intent, slot):
    """Every red flag, said in words Alexa could not resolve, in every intent with a slot
    for them, mid-routine for good measure: the flag's own answer, first."""
    conversation = Conversation(CONTENT)
    mid_routine = {"routine": {"routine": "calf", "segment": 1, "paused": False}}
    for flag_id, words in RAW.items():
        for locale in ("en-AU", "en-US"):
            response = invoke(no_match_event(intent, slot, words, locale, mid_routine))
            expected = conversation.red_flag(now(CONTENT.red_flags[flag_id]), locale)
            assert ssml_to_plain(response["response"]["outputSpeech"]["ssml"]) == expected.speech.plain(), (flag_id, words)
            assert response["response"]["shouldEndSession"] is True


@functools.cache
def blind_triage_cases() -> tuple[dict, ...]:
    """Every case of the blind triage sets, read once for all the intents that replay them."""
    return tuple(c for path in TRIAGE_SETS for c in load_set(path)["cases"])


LAMBDA_TRIAGE = triage_for(load_content(for_requests=True))  # the one lambda_handler reads with


@functools.cache
def findings_of_text(text: str):
    return Triage.findings(LAMBDA_TRIAGE, text)


@pytest.mark.parametrize("intent,slot", FREE_TEXT_SLOTS, ids=[f"{i}.{s}" for i, s in FREE_TEXT_SLOTS])
def test_the_blind_sets_emergencies_as_unresolved_words_get_the_call_and_calm_ones_never(intent, slot, monkeypatch):
    """Every intent and slot hears the same texts, so the triage reads each text once for
    them all (its findings are a function of the text alone); what each intent does with
    them, from the envelope to the words spoken, runs in full."""
    monkeypatch.setattr(LAMBDA_TRIAGE, "findings", findings_of_text)
    cases = blind_triage_cases()
    alarms, missed = [], []
    for case in cases:
        if case["level"] not in (EMERGENCY, "calm"):
            continue
        response = invoke(no_match_event(intent, slot, case["text"], case["locale"]))
        heard = level_heard(CONTENT, response, case["locale"])
        if case["level"] == EMERGENCY and heard != EMERGENCY:
            missed.append(case["text"])
        if case["level"] == "calm" and heard == EMERGENCY:
            alarms.append(case["text"])
    assert missed == []
    assert len(alarms) <= 0.03 * sum(c["level"] == "calm" for c in cases), alarms
    for words in BENIGN:
        assert level_heard(CONTENT, invoke(no_match_event(intent, slot, words, "en-GB")), "en-GB") != EMERGENCY


def test_a_red_flag_in_any_slot_of_any_intent_is_answered_first():
    for intent in ("AMAZON.HelpIntent", "FoodIntent", "AMAZON.YesIntent", "SomeNewIntent"):
        event = no_match_event(intent, "whatever", "i can't catch my breath", "en-GB", {"offer_from": "cause_night"})
        response = invoke(event)
        assert ssml_to_plain(response["response"]["outputSpeech"]["ssml"]).startswith("Call 9 9 9 now.")
        assert response["response"]["shouldEndSession"] is True
        assert response["sessionAttributes"] == {}  # the pending offer is gone with the session


def test_a_sign_split_across_two_slots_is_heard():
    event = no_match_event("CrampNowIntent", "symptom", "gone white and icy cold", "en-US")
    event["request"]["intent"]["slots"]["body_part"] = {"name": "body_part", "value": "foot", "confirmationStatus": "NONE"}
    assert ssml_to_plain(invoke(event)["response"]["outputSpeech"]["ssml"]).startswith("Call 9 1 1 now.")


def test_an_emergency_outranks_an_urgent_sign_in_the_same_request():
    event = no_match_event("SymptomIntent", "symptom", "my calf is red and swollen", "en-US")
    event["request"]["intent"]["slots"]["other_symptom"] = {
        "name": "other_symptom", "value": "and now i'm coughing up blood", "confirmationStatus": "NONE",
    }
    assert ssml_to_plain(invoke(event)["response"]["outputSpeech"]["ssml"]).startswith("Call 9 1 1 now.")


# --------------------------------------------------------------------------- nobody left with nothing


@pytest.mark.parametrize("locale", LOCALES)
def test_what_answers_nothing_ends_with_what_to_do_in_an_emergency(locale):
    line = f"If this is an emergency, call {NUMBERS[locale]}."
    conversation = Conversation(CONTENT)
    assert conversation.fallback(locale).speech.plain().endswith(line)
    assert conversation.error(locale).speech.plain().endswith(line)
    fallback = envelope("fallback")
    fallback["request"]["locale"] = locale
    assert ssml_to_plain(invoke(fallback)["response"]["outputSpeech"]["ssml"]).endswith(line)
    repeat = envelope("repeat_after_answer")
    repeat["session"]["attributes"] = {}
    repeat["request"]["locale"] = locale
    text = ssml_to_plain(invoke(repeat)["response"]["outputSpeech"]["ssml"])
    assert text.startswith("There's nothing to repeat yet.") and text.endswith(line)


def test_words_nothing_recognises_are_not_dropped():
    """A symptom slot with words the triage can't place: the answer, then what to do if
    they could be serious (in a routine, after its first instruction)."""
    line = "If anything else you told me could be serious, call 9 1 1."
    event = no_match_event("CrampNowIntent", "symptom", "my toes feel funny and fizzy", "en-US")
    event["request"]["intent"]["slots"]["body_part"] = {
        "name": "body_part", "value": "calf", "confirmationStatus": "NONE",
        "resolutions": {"resolutionsPerAuthority": [{
            "authority": "amzn1.er-authority.echo-sdk.test.BodyPart", "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": "calf", "id": "now_calf"}}],
        }]},
    }
    text = ssml_to_plain(invoke(event)["response"]["outputSpeech"]["ssml"])
    first_step = CONTENT.routines["calf_now"].steps[0].do
    assert text.startswith(first_step) and line in text[: len(first_step) + 200]
    question = ssml_to_plain(invoke(no_match_event("CauseIntent", "symptom", "a weird buzzing", "en-US"))["response"]["outputSpeech"]["ssml"])
    assert line in question
    described = ssml_to_plain(invoke(no_match_event("DescribeIntent", "description", "my husband is acting a bit odd", "en-US"))["response"]["outputSpeech"]["ssml"])
    assert described.startswith(CONTENT.topics["not_sure"].speech) and line in described
    calm = ssml_to_plain(invoke(no_match_event("CauseIntent", "symptom", "chest pain", "en-US"))["response"]["outputSpeech"]["ssml"])
    assert calm.startswith("Call 9 1 1 now.")  # words it does place are answered as the sign


def test_a_free_description_reaches_the_triage_through_the_dialog(dialogs):
    turn = dialogs["en-GB"].say("i think my dad's gone all floppy down one side")
    assert_call_first(turn, "en-GB")
    turn = dialogs["en-GB"].say("my husband is acting a bit strange tonight")
    assert not said(turn).startswith("Call")
