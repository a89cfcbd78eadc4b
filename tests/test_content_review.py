"""The clinical review's corrections (issue 13), as a listener hears them, and the questions
people ask answered with an answer to *that* question."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CheckedDialog
from skill.runtime.core.compiled import load_content
from skill.runtime.core.loader import Loader
from skill.runtime.core.speech import ssml_to_plain
from skill.tools.simulator.accuracy import level_heard, score_answers_file

CONTENT = load_content()
DATA = Path(__file__).parent / "data"
ANSWER_SETS = sorted(DATA.glob("answers_*.yaml"))


def said(turn) -> str:
    return ssml_to_plain(turn.speech_ssml)


def ask(text: str, locale: str = "en-US", *before: str) -> str:
    dialog = CheckedDialog(locale)
    for line in before:
        dialog.say(line)
    return said(dialog.say(text))


def every_text():
    for topic in CONTENT.topics.values():
        yield topic.id, " ".join(filter(None, (topic.speech, topic.card, topic.follow_up and topic.follow_up.text)))


# ------------------------------------------------------------------ the corrections


def test_a_cramp_happening_now_is_held_until_it_lets_go_and_never_told_to_relax():
    first = ask("my calf is cramping")
    assert "relax" not in first.lower(), first
    assert first.endswith("Keep holding until the cramp lets go. Say next to go on."), first
    assert first.count("Keep holding.") >= 4  # one continuous hold, counted with no end


def test_the_general_stretch_names_the_calf_and_a_plain_thigh_gets_front_and_back():
    assert "If it's your calf, straighten" in CONTENT.topics["now_general"].speech
    thigh = ask("my thigh is cramping")
    assert thigh.startswith("Is it the front or the back of your thigh?")
    assert "heel toward your bottom" in thigh and "lean forward" in thigh
    groin = ask("i have a cramp in my groin")
    assert "soles of your feet together" in groin and "calf" not in groin


@pytest.mark.parametrize("text", ["i have writer's cramp", "my hand cramps when i write"])
def test_writers_cramp_is_not_stretched_but_sent_to_a_doctor(text):
    answer = ask(text)
    assert "dystonia" in answer and "see a doctor" in answer and "Stretching doesn't fix it" in answer
    assert "Hold." not in answer and "spread your fingers" not in answer


def test_nothing_says_stretching_works_as_a_fact():
    claims = re.compile(r"works? best|stretch(?:ing|es)? (?:works?|helps?)\b|staying active help\b")
    assert [(topic, claims.search(text.lower()).group()) for topic, text in every_text() if claims.search(text.lower())] == []
    assert "may help" in ask("does stretching help leg cramps")


def test_quinine_is_not_bought_a_prescription_is_not_stopped_alone_and_the_uk_gp_trial_is_said():
    answer = ask("is quinine safe for leg cramps")
    assert answer.startswith("Don't buy quinine for cramps, and don't use tonic water")
    assert "If a doctor prescribed it for you, talk to them before you stop" in answer
    topic = CONTENT.topics["tonic_quinine"]
    assert "In the UK, a GP may still try quinine" in topic.follow_up.text and "NHS" in topic.sources


@pytest.mark.parametrize("text", [
    "i take quinine for my cramps and now i have purple spots on my legs",
    "i'm on quinine and i keep getting nosebleeds",
])
def test_bleeding_or_spots_on_quinine_is_a_doctor_today_not_the_meningitis_answer(text):
    dialog = CheckedDialog("en-GB")
    turn = dialog.say(text)
    assert level_heard(CONTENT, turn.response, "en-GB") == "urgent"
    assert "meningitis" not in said(turn) and "Quinine can harm the blood" in said(turn)


def test_a_fever_and_stiff_neck_on_quinine_is_still_meningitis():
    turn = CheckedDialog("en-GB").say("i'm on quinine and i have purple spots and a fever and a stiff neck")
    assert level_heard(CONTENT, turn.response, "en-GB") == "emergency"


@pytest.mark.parametrize("locale,care", [("en-GB", "call NHS 1 1 1"), ("en-US", "go to urgent care"), ("en-AU", "see a GP")])
def test_how_long_and_a_long_cramp_agree_get_seen_today(locale, care):
    answer = ask("how long should a cramp last", locale)
    assert f"If one lasts more than ten minutes even with stretching, Get medical help today: {care}" in answer
    long_cramp = CheckedDialog(locale).say("it's been twenty minutes and my cramp won't let go")
    assert level_heard(CONTENT, long_cramp.response, locale) == "urgent"


def test_topic_answers_say_the_locales_own_number():
    assert "call triple zero now" in ask("could my leg cramp be a blood clot", "en-AU")
    card = CheckedDialog("en-AU").say("could my leg cramp be a blood clot").response["response"]["card"]["content"]
    assert "call 000 at once" in card and "triple zero" not in card
    assert "your local emergency number" not in " ".join(text for _, text in every_text())


def test_a_clot_is_described_as_the_review_asked():
    assert CONTENT.topics["clot"].speech.startswith(
        "A clot can feel like a cramp that won't go, often with swelling, warmth or redness in one leg, "
        "especially after surgery, a long journey or in pregnancy."
    )


def test_children_get_growing_pains_and_their_warning_signs_and_no_bare_yes():
    answer = ask("can children get leg cramps")
    assert not answer.startswith(("Yes", "Sometimes"))
    assert all(word in answer for word in ("growing pains", "limps", "fever", "joint", "daytime"))
    assert "growing pains" in ask("my son wakes up with growing pains what should i do").lower()


def test_conditions_answer_without_a_bare_sometimes_and_dialysis_and_liver_have_their_own():
    assert not CONTENT.topics["cause_conditions"].speech.startswith(("Sometimes", "Yes"))
    dialysis = ask("why do i get cramps on dialysis")
    assert "kidney team" in dialysis and "Don't take magnesium or potassium supplements" in dialysis
    assert "liver team" in ask("i have cirrhosis why do i get cramps")


def test_the_runners_stretch_has_the_same_repetitions_in_speech_card_and_routine():
    topic, routine = CONTENT.topics["prevent_stretching"], CONTENT.routines["calf"]
    lean = next(step for step in routine.steps if step.hold)
    assert (lean.reps, lean.sides, lean.hold) == (3, True, 30)
    assert "three times on each leg" in topic.speech and "three times on each leg" in topic.card
    assert "back leg straight" in " ".join(step.do for step in routine.steps) and "leg straight" in topic.speech
    assert "five times" not in topic.speech.lower() + topic.card.lower()


def test_heavy_fluid_loss_is_seen_today_and_heavy_drinking_is_for_a_doctor_soon():
    sick = CheckedDialog("en-GB").say("i've been vomiting all day and now my legs are cramping")
    assert level_heard(CONTENT, sick.response, "en-GB") == "urgent" and "Hold." not in said(sick)
    drink = CheckedDialog("en-GB").say("i drink heavily and get cramps")
    assert level_heard(CONTENT, drink.response, "en-GB") == "soon"


# ------------------------------------------------------------------ answers that fit the question


@pytest.mark.parametrize("text,expected", [
    ("lower back stretches please", "ease your bottom back toward your heels"),
    ("stretch the back of my thigh", "back of your thigh"),
    ("give me a good stretch for my calves before i go to sleep", "runner's stretch"),
    ("my calf cramps every time i walk a block and stops when i rest", "goes when you rest"),
    ("im 30 weeks pregnant and get calf cramps every night", "common in pregnancy"),
    ("should i stop my statin", "Don't stop your statin on your own"),
    ("do sports drinks help with cramps", "sweat"),
    ("is period pain a cramp", "Period cramps come from the womb"),
    ("how do i get rid of a stitch", "A stitch is"),
])
def test_a_question_gets_its_own_answer_not_a_neighbours(text, expected):
    assert expected in ask(text)


def test_lets_do_the_hamstring_one_after_the_menu_starts_it():
    assert ask("let's do the hamstring one", "en-US", "list stretches").startswith("Let's do the stretch for the back of your thigh")


def test_uh_huh_to_an_offer_is_a_yes_and_huh_is_still_say_that_again():
    first = ask("how do i get rid of a foot cramp")
    assert ask("uh huh", "en-US", "how do i get rid of a foot cramp").startswith("Stretch your calves and feet every day")
    assert ask("huh", "en-US", "how do i get rid of a foot cramp") == first


def test_right_im_back_after_a_pause_picks_up_the_routine():
    assert ask("right im back", "en-US", "start the calf stretch", "pause").startswith("Picking up the calf stretch")


def test_how_often_to_stretch_asked_mid_routine_is_answered_then_offers_to_go_back():
    answer = ask("is it ok to do this every day", "en-US", "start the calf stretch")
    assert answer.startswith("Yes, gentle stretching every day is safe") and "calf stretch" in answer.split("safe", 1)[1]


# ------------------------------------------------------------------ the blind sets


def test_questions_written_blind_are_answered_with_an_answer_to_that_question():
    """Sets written from medical.md alone by people who saw neither content nor model;
    each file's first run, before any tuning for it, is in its header."""
    scores = [score_answers_file(path) for path in ANSWER_SETS]
    right = sum(s.total - len(s.misses) for s in scores)
    total = sum(s.total for s in scores)
    misses = [m for s in scores for m in s.misses]
    assert total >= 210 and right / total >= 0.95, "\n".join(f"{m.text}: {m.expected}" for m in misses)


def test_a_topic_may_hold_only_the_number_and_care_placeholders(tmp_path):
    source = Path(__file__).resolve().parents[1] / "content"
    for path in source.rglob("*.yaml"):
        target = tmp_path / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text())
    worry = tmp_path / "answers" / "worry.yaml"
    worry.write_text(worry.read_text().replace("call {number} now.", "call {phone} now.", 1))
    with pytest.raises(Exception, match=r"worry.yaml: entry 'clot': field 'speech': may hold only the placeholders"):
        Loader(tmp_path).load()


def test_the_difference_between_a_cramp_and_a_seizure_is_answered_then_the_call_if_it_is_happening():
    answer = ask("what's the difference between a cramp and a seizure")
    assert answer.startswith("A cramp is one muscle tightening, and you stay awake")
    assert answer.endswith("If this is happening now, call 9 1 1 or your local emergency number.")
    assert ask("my husband is having a seizure").startswith("Call 9 1 1 now.")
