"""Guided routines, followed by ear: played through, navigated by voice, and timed."""

from __future__ import annotations

import io
import subprocess
import sys
import wave
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from skill.tools import audio
from skill.runtime.core.compiled import load_content
from skill.runtime.core.routines import hold_count, moves, segments
from skill.runtime.core.speech import MAX_BREAK_MS, estimated_seconds, ssml_to_plain
from test_lambda import envelope, intent_event, invoke

ROOT = Path(__file__).resolve().parents[1]
CONTENT = load_content()
ROUTINES = list(CONTENT.routines.values())
PROMPTS = CONTENT.prompts
HOLDS = sorted({step.hold for routine in ROUTINES for step in routine.steps if step.hold})


def said(turn) -> str:
    return ssml_to_plain(turn.speech_ssml)


def segment_count(routine) -> int:
    return len(segments(routine, PROMPTS))


def start(dialog, routine) -> object:
    return dialog.say(f"ask cramp coach to guide me through the {routine.said[0]}")


# -- content and timing


def test_every_routine_of_the_issue_is_there_with_safety_and_sources():
    assert set(CONTENT.routines) == {"bedtime", "calf_now", "calf", "foot", "hamstring", "thigh", "hand", "neck", "lower_back"}
    for routine in ROUTINES:
        assert routine.safety and routine.sources and routine.steps
        assert any(step.hold for step in routine.steps), routine.id
    assert any(step.sides for step in CONTENT.routines["calf"].steps)


@pytest.mark.parametrize("seconds", HOLDS)
def test_a_hold_takes_the_time_the_content_asks_for_at_alexas_rate(seconds):
    hold = hold_count(seconds, PROMPTS)
    # From "Hold." to "relax": the pauses plus the spoken count.
    assert hold.seconds() == pytest.approx(seconds + len(PROMPTS.relax.split()) * 0.4, rel=0.2)
    assert abs(hold.seconds() - seconds) <= 0.2 * seconds
    text = hold.plain()
    assert text.startswith("Hold.") and text.endswith("one, and relax.")


@pytest.mark.parametrize("routine", ROUTINES, ids=[r.id for r in ROUTINES])
def test_every_step_of_every_routine_is_timed_within_twenty_percent(routine):
    for move in moves(routine):
        if move.step.hold:
            measured = hold_count(move.step.hold, PROMPTS).seconds()
            assert abs(measured - move.step.hold) <= 0.2 * move.step.hold, (routine.id, move)


@pytest.mark.parametrize("seconds", HOLDS)
def test_a_hold_really_lasts_its_time_when_spoken_by_espeak(seconds):
    """An independent measure: espeak-ng says the hold at the skill's rate, and the sound
    is timed. (The dev extra installs espeak-ng's library.)"""
    whole = audio.duration_seconds(audio.synthesize(hold_count(seconds, PROMPTS).ssml()))
    relax = audio.duration_seconds(audio.synthesize(f"<speak>{PROMPTS.relax}</speak>"))
    measured = whole - relax  # from "Hold." to "and relax"
    assert abs(measured - seconds) <= 0.2 * seconds, measured


def breaks_and_silences(ssml: str) -> list[float]:
    """Every stretch of silence in the SSML, in seconds (breaks with no words between)."""
    silences, current = [], 0.0
    for element in ElementTree.fromstring(ssml).iter():
        if element.tag == "break":
            current += float(element.get("time")[:-2]) / 1000
        if element.tail and element.tail.strip() or element.text and element.text.strip() and element.tag != "speak":
            silences.append(current)
            current = 0.0
        if element.tag == "speak" and element.text and element.text.strip():
            silences.append(current)
            current = 0.0
    silences.append(current)
    return silences


@pytest.mark.parametrize("routine", ROUTINES, ids=[r.id for r in ROUTINES])
def test_every_response_is_short_enough_and_never_silent_for_more_than_ten_seconds(dialog, routine):
    turn = start(dialog, routine)
    for _ in range(segment_count(routine)):
        ssml = turn.speech_ssml
        assert len(ssml) < 6000
        assert estimated_seconds(ssml) <= 90
        assert max(breaks_and_silences(ssml)) <= MAX_BREAK_MS / 1000
        turn = dialog.say("next")


# -- played through, in the dialog


@pytest.mark.parametrize("routine", ROUTINES, ids=[r.id for r in ROUTINES])
def test_every_routine_plays_from_start_to_end_hands_free(dialog, routine):
    turn = start(dialog, routine)
    assert turn.intent == "RoutineIntent" and turn.slots["routine"]["id"] == routine.id
    if routine.when_none_named:  # the first words are what to do; a line says there are others
        assert said(turn).startswith(f"{routine.steps[0].do} {routine.safety}")
        assert said(turn).endswith("Say next to go on. Say list stretches to hear the others.")
    else:
        assert said(turn).startswith(f"Let's do the {routine.name}. {routine.safety}")
    heard = [said(turn)]
    for _ in range(segment_count(routine) - 1):
        assert said(turn).endswith(("Say next to go on.", "Say list stretches to hear the others."))
        turn = dialog.say("next")
        heard.append(said(turn))
    if routine.when_none_named:  # at the end of the bedtime one, a nightly reminder is offered
        assert heard[-1].endswith(f"That's the end of the {routine.name}. Well done. "
                                  "Want me to remind you to do these stretches every night at 9 PM?")
    else:
        assert heard[-1].endswith(f"That's the end of the {routine.name}. Well done. Say start over to do it again, or stop.")
    everything = " ".join(heard)
    for step in routine.steps:
        assert step.do in everything
    timed = [move for move in moves(routine) if move.step.hold]
    assert everything.count("one, and relax.") == sum(not move.step.until_eased for move in timed)
    assert everything.count("Keep holding until the cramp lets go.") == sum(move.step.until_eased for move in timed)
    end = dialog.say("no" if routine.when_none_named else "next")
    assert said(end) == ("Okay, no reminder. You can ask me again any time." if routine.when_none_named
                         else f"That's the end of the {routine.name}. Well done.")
    assert not dialog.session_open


def test_at_three_in_the_morning_a_calf_cramp_is_guided_without_another_word(dialog):
    turn = dialog.say("ask cramp coach my calf is cramping")
    text = said(turn)
    assert text.startswith("Straighten the cramping leg.")
    # One hold, counted out, that never says "relax" while the cramp is still there.
    assert "Hold." in text and "relax" not in text
    assert text.endswith("Keep holding until the cramp lets go. Say next to go on.")


# -- navigation in every position

NAVIGATION = ["next", "skip this one", "go back", "repeat", "start over", "pause", "resume"]


@pytest.mark.parametrize("position", ["first", "middle", "last"])
@pytest.mark.parametrize("utterance", NAVIGATION)
def test_navigation_works_at_the_first_middle_and_last_part(dialog, position, utterance):
    routine = CONTENT.routines["calf"]
    count = segment_count(routine)
    assert count >= 3
    index = {"first": 0, "middle": count // 2, "last": count - 1}[position]
    turn = start(dialog, routine)
    for _ in range(index):
        turn = dialog.say("next")
    played = said(turn)
    turn = dialog.say(utterance)
    text = said(turn)
    segment = (turn.response.get("sessionAttributes") or {}).get("routine", {}).get("segment")
    if utterance in ("next", "skip this one"):
        if position == "last":
            assert text.startswith("That's the end of the calf stretch.") and not dialog.session_open
        else:
            assert segment == index + 1
    elif utterance == "go back":
        assert segment == max(index - 1, 0)
        if position == "first":
            assert text.startswith("This is the start of the calf stretch.")
    elif utterance == "repeat":
        assert segment == index and text == played.removeprefix(f"Let's do the calf stretch. {routine.safety} ")
    elif utterance == "start over":
        assert segment == 0
    elif utterance == "pause":
        assert text == "Paused. Say resume when you're ready." and dialog.session_open
        resumed = dialog.say("resume")
        assert said(resumed).startswith("Picking up the calf stretch.")
        assert resumed.response["sessionAttributes"]["routine"]["segment"] == index
    elif utterance == "resume":
        assert segment == index and text.startswith("Picking up the calf stretch.")


@pytest.mark.parametrize("utterance", ["stop", "cancel"])
def test_stop_and_cancel_end_the_routine(dialog, utterance):
    start(dialog, CONTENT.routines["neck"])
    turn = dialog.say(utterance)
    assert not dialog.session_open and turn.response["sessionAttributes"] == {}


def test_im_done_ends_the_routine_with_praise(dialog):
    start(dialog, CONTENT.routines["neck"])
    turn = dialog.say("i'm done")
    assert turn.intent == "DoneIntent"
    assert said(turn) == PROMPTS.routine_stopped and not dialog.session_open


def test_which_stretches_lists_every_routine(dialog):
    turn = dialog.say("ask cramp coach which stretches can you do")
    assert turn.intent == "ListRoutinesIntent" and dialog.session_open
    for routine in ROUTINES:
        assert routine.name in said(turn)


def test_a_question_mid_routine_is_answered_then_offers_to_go_back(dialog, content):
    start(dialog, CONTENT.routines["hamstring"])
    dialog.say("next")
    turn = dialog.say("why do i get cramps at night")
    assert said(turn).startswith(content.topics["cause_night"].speech)
    assert said(turn).endswith("Want to go back to the stretch for the back of your thigh?")
    back = dialog.say("yes")
    assert said(back).startswith("Picking up the stretch for the back of your thigh.")
    assert back.response["sessionAttributes"]["routine"]["segment"] == 1


def test_no_to_going_back_ends_kindly(dialog):
    start(dialog, CONTENT.routines["hamstring"])
    dialog.say("what helps a cramp")
    turn = dialog.say("no")
    assert said(turn) == PROMPTS.routine_stopped and not dialog.session_open


@pytest.mark.parametrize("utterance", ["it hurts more", "the pain is getting worse", "this stretch hurts"])
def test_pain_getting_worse_stops_the_routine(dialog, utterance):
    start(dialog, CONTENT.routines["thigh"])
    turn = dialog.say(utterance)
    assert turn.intent == "PainWorseIntent"
    assert said(turn).startswith("Stop the stretch now") and "see a doctor" in said(turn)
    assert not dialog.session_open


def test_a_red_flag_mid_routine_still_comes_first(dialog):
    start(dialog, CONTENT.routines["thigh"])
    turn = dialog.say("it hurts more and my chest is tight")
    assert said(turn).startswith("Call 9 1 1 now.")


@pytest.mark.parametrize("utterance", ["next", "go back", "pause", "resume", "start over", "skip this one"])
def test_navigation_with_no_routine_going_says_how_to_start_one(dialog, utterance):
    dialog.say("open cramp coach")
    turn = dialog.say(utterance)
    assert said(turn).startswith("There's no stretch going right now.") and dialog.session_open


def test_a_forged_or_stale_routine_in_the_session_is_ignored():
    for bad in ({"routine": "nope", "segment": 0}, {"routine": "calf", "segment": 99}, {"routine": "calf", "segment": "1"}):
        response = invoke(intent_event("AMAZON.NextIntent", attributes={"routine": bad}))
        assert ssml_to_plain(response["response"]["outputSpeech"]["ssml"]).startswith("There's no stretch going")


# -- screens


def test_a_screen_device_gets_the_routine_shown_and_a_speaker_does_not():
    plain = invoke(intent_event("RoutineIntent", {"routine": "calf"}))
    assert "directives" not in plain["response"] or not plain["response"]["directives"]
    screen_event = intent_event("RoutineIntent", {"routine": "calf"})
    screen_event["context"] = envelope("apl_device_launch")["context"]
    shown = invoke(screen_event)
    [directive] = shown["response"]["directives"]
    assert directive["type"] == "Alexa.Presentation.APL.RenderDocument"
    data = directive["datasources"]["routine"]
    assert data["title"] == "Calf stretch" and data["progress"] == f"Part 1 of {segment_count(CONTENT.routines['calf'])}"
    assert [step["text"] for step in data["steps"]][-1].endswith("until your back calf stretches. Hold 30 seconds.")


def test_answers_that_are_not_routines_carry_no_screen():
    screen_event = intent_event("CauseIntent", {})
    screen_event["context"] = envelope("apl_device_launch")["context"]
    assert not invoke(screen_event)["response"].get("directives")


# -- hearing it locally


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_routine_can_be_written_as_sound_and_its_length_measured(tmp_path):
    out = tmp_path / "calf.wav"
    result = run_cli("routine", "calf", "--wav", str(out))
    assert result.returncode == 0, result.stderr
    with wave.open(str(out)) as sound:
        seconds = sound.getnframes() / sound.getframerate()
    holds = sum(m.step.hold or 0 for m in moves(CONTENT.routines["calf"]))
    assert holds < seconds < holds * 2
    assert f"wrote {out}" in result.stdout


def test_without_espeak_a_clear_message_says_how_to_install_it(monkeypatch, capsys):
    from skill.__main__ import main

    def missing():
        raise audio.AudioUnavailable(audio.INSTALL_HINT)

    monkeypatch.setattr(audio, "_engine", None)
    monkeypatch.setattr(audio, "_find_espeak", missing)
    assert main(["routine", "neck", "--wav", "/tmp/never-written.wav"]) == 2
    err = capsys.readouterr().err
    assert "espeak-ng is not installed" in err and "apt install espeak-ng" in err
    assert not Path("/tmp/never-written.wav").exists()


def test_dialog_speak_hands_each_answer_to_espeak(monkeypatch, capsys):
    from skill.__main__ import main

    spoken = []
    monkeypatch.setattr(audio, "play", spoken.append)
    monkeypatch.setattr(sys, "stdin", io.StringIO("open cramp coach\nhelp\n"))
    assert main(["dialog", "--speak"]) == 0
    assert len(spoken) == 2 and all(ssml.startswith("<speak>") for ssml in spoken)


def test_dialog_speak_without_espeak_says_how_to_install_it_and_carries_on(monkeypatch, capsys):
    from skill.__main__ import main

    def missing(ssml):
        raise audio.AudioUnavailable(audio.INSTALL_HINT)

    monkeypatch.setattr(audio, "play", missing)
    monkeypatch.setattr(sys, "stdin", io.StringIO("open cramp coach\nhelp\n"))
    assert main(["dialog", "--speak"]) == 0
    out, err = capsys.readouterr()
    assert out.count("Alexa >") == 2
    assert err.count("not spoken: espeak-ng is not installed") == 2


# -- bedtime: stretches asked for without a name


@pytest.mark.parametrize("utterance", [
    "start a stretching routine", "lead me through some stretches for my legs", "stretch my legs",
    "do my bedtime stretches", "ask cramp coach to start my bedtime stretches", "let's do some stretches",
])
def test_stretches_asked_for_without_a_name_start_the_bedtime_routine_at_once_with_timed_holds(dialog, utterance):
    bedtime = CONTENT.routines["bedtime"]
    text = said(dialog.say(utterance))
    assert text.startswith(bedtime.steps[0].do)  # an instruction first, no menu, no preamble
    assert "one, and relax." in text and "[pause" in text  # a timed hold in the first answer
    assert text.endswith("Say list stretches to hear the others.")
    assert dialog.session_open


def test_a_named_stretch_still_starts_its_own_routine_and_the_menu_is_only_for_asking(dialog):
    assert said(dialog.say("guide me through a calf stretch")).startswith("Let's do the calf stretch.")
    dialog.session = None
    listed = said(dialog.say("list stretches"))
    assert listed.startswith("I can guide you through these: bedtime leg stretches, ")


def test_the_bedtime_routine_lasts_three_to_four_minutes_on_the_bed_and_says_may_help():
    bedtime = CONTENT.routines["bedtime"]
    seconds = sum(move.step.hold or 0 for move in moves(bedtime))
    spoken = sum(len(move.step.do.split()) for move in moves(bedtime)) * 0.4  # Alexa speaks about 150 words a minute
    assert 180 <= seconds + spoken <= 240
    assert {"NHS", "MAYO-NLC"} <= set(bedtime.sources)
    assert "may help" in bedtime.steps[-1].do
    assert not any("stand" in step.do.lower() for step in bedtime.steps)  # nothing to balance on, half asleep


def test_at_the_end_of_the_bedtime_stretches_yes_sets_a_nightly_reminder_and_start_over_still_works(dialog):
    for utterance in ("do my bedtime stretches", "next", "next", "next"):
        dialog.say(utterance)
    again = dialog.say("start over")
    assert said(again).startswith(CONTENT.routines["bedtime"].steps[0].do)
    for _ in range(3):
        dialog.say("next")
    asked = dialog.say("yes")
    assert asked.permission == "yes" and said(asked.then).startswith("Done. Every night at 9 PM")
    [reminder] = dialog.reminders.reminders.values()
    assert reminder["trigger"]["recurrence"]["recurrenceRules"] == ["FREQ=DAILY;BYHOUR=21;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"]
