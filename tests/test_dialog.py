"""The offline dialog, driven the way a maintainer types into it."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from skill.runtime.core.conversation import Conversation
from skill.runtime.core.speech import ssml_to_plain

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = yaml.safe_load((Path(__file__).parent / "data" / "medical_questions.yaml").read_text())["questions"]


def said(turn) -> str:
    return ssml_to_plain(turn.speech_ssml)


def card_title(turn) -> str | None:
    return (turn.response["response"].get("card") or {}).get("title")


def answered_topic(content, turn) -> str | None:
    titles = {t.title: t.id for t in content.topics.values()}
    return titles.get(card_title(turn))


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["text"] for q in QUESTIONS])
@pytest.mark.parametrize("form", ["ask cramp coach {}", "{}", "open cramp coach|{}"])
def test_every_question_people_ask_gets_its_answer(dialog, content, question, form):
    *opening, utterance = form.format(question["text"]).split("|")
    for line in opening:
        dialog.say(line)
    turn = dialog.say(utterance)
    if "flag" in question:  # a sign reported in passing is answered first
        flag = content.red_flags[question["flag"]]
        assert card_title(turn) == flag.title and flag.advice in said(turn)
        return
    topic = content.topics[question["topic"]]
    if topic.routine is None:
        assert answered_topic(content, turn) == topic.id
        assert said(turn).startswith(Conversation(content).localised(topic.speech, "en-US"))
    else:  # guided: the routine's first instruction, then its counted hold
        assert said(turn).startswith(content.routines[topic.routine].steps[0].do)


def test_at_three_in_the_morning_the_first_words_are_what_to_do(dialog):
    turn = dialog.say("tell cramp coach my calf is cramping")
    assert said(turn).startswith("Straighten the cramping leg. Pull gently.")
    assert "Pull your toes and foot up toward your knee" in said(turn) and "Hold." in said(turn)


def test_launch_help_and_stop(dialog):
    launch = dialog.say("open cramp coach")
    assert said(launch).startswith("If you have a cramp now, straighten your leg")
    assert dialog.session_open
    help_turn = dialog.say("help")
    assert help_turn.intent == "AMAZON.HelpIntent"
    assert "not a substitute for a doctor" in said(help_turn) and dialog.session_open
    stop = dialog.say("stop")
    assert said(stop) == "Okay. Take care."
    assert not dialog.session_open


def test_cancel_ends_the_session(dialog):
    dialog.say("open cramp coach")
    assert dialog.say("never mind").intent == "AMAZON.CancelIntent"
    assert not dialog.session_open


def test_yes_hears_the_follow_up_which_can_offer_more(dialog, content):
    dialog.say("ask cramp coach why do i get cramps at night")
    turn = dialog.say("yes please")
    assert turn.intent == "AMAZON.YesIntent"
    assert answered_topic(content, turn) == "prevent_night"
    assert said(turn).endswith("Want a simple stretch to do before bed?")
    turn = dialog.say("sure")
    assert answered_topic(content, turn) == "prevent_stretching"


def test_no_declines_the_offer_and_ends(dialog):
    dialog.say("ask cramp coach does magnesium help")
    turn = dialog.say("no thanks")
    assert said(turn) == "Okay. I hope you feel better soon."
    assert not dialog.session_open


def test_repeat_says_exactly_the_same_again(dialog):
    first = dialog.say("ask cramp coach my foot is cramping")
    again = dialog.say("say that again")
    assert again.intent == "AMAZON.RepeatIntent"
    assert again.speech_ssml == first.speech_ssml
    assert said(dialog.say("yes")).startswith("Stretch your calves and feet every day")


def test_a_question_answered_while_an_offer_waits_replaces_the_offer(dialog, content):
    dialog.say("ask cramp coach why do i get cramps at night")
    turn = dialog.say("does pickle juice work")
    assert answered_topic(content, turn) == "pickle_juice"
    assert answered_topic(content, dialog.say("yes")) == "now_general"


def test_something_unrelated_gets_the_fallback_and_the_session_stays_open(dialog):
    dialog.say("open cramp coach")
    turn = dialog.say("play some jazz")
    assert turn.intent == "AMAZON.FallbackIntent"
    assert said(turn).startswith("Sorry, I can't help with that.")
    assert dialog.session_open


def test_an_unknown_body_part_gets_general_advice_with_no_match(dialog, content):
    turn = dialog.say("ask cramp coach my elbow is cramping")
    assert turn.intent == "CrampNowIntent"
    slot = turn.request["request"]["intent"]["slots"]["body_part"]
    assert slot["value"] == "elbow"
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    assert answered_topic(content, turn) == "now_general"


def test_a_synonym_resolves_to_its_id_as_alexa_sends_it(dialog):
    turn = dialog.say("ask cramp coach i have a cramp in the arch of my foot")
    slot = turn.request["request"]["intent"]["slots"]["body_part"]
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["authority"].endswith(".BodyPart")
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"] == {"name": "foot", "id": "now_foot"}
    assert turn.slots == {"body_part": {"value": "arch of my foot", "id": "now_foot", "status": "ER_SUCCESS_MATCH"}}


def test_an_empty_slot_is_sent_without_a_value(dialog):
    turn = dialog.say("ask cramp coach what causes cramps")
    assert turn.request["request"]["intent"]["slots"] == {
        "situation": {"name": "situation", "confirmationStatus": "NONE"},
        "body_part": {"name": "body_part", "confirmationStatus": "NONE"},
        "symptom": {"name": "symptom", "confirmationStatus": "NONE"},
    }


def test_a_body_part_in_a_question_is_context_not_the_answer(dialog, content):
    turn = dialog.say("ask cramp coach why do my calves cramp at night")
    assert turn.intent == "CauseIntent"
    assert {name: slot["id"] for name, slot in turn.slots.items()} == {"situation": "cause_night", "body_part": "now_calf"}
    assert answered_topic(content, turn) == "cause_night"


def test_the_session_carries_attributes_and_ends_when_the_response_does(dialog):
    first = dialog.say("ask cramp coach why do i get cramps at night")
    assert first.request["session"]["new"] is True
    second = dialog.say("yes")
    assert second.request["session"]["new"] is False
    assert second.request["session"]["sessionId"] == first.request["session"]["sessionId"]
    assert second.request["session"]["attributes"] == first.response["sessionAttributes"]
    dialog.say("no")
    assert not dialog.session_open
    third = dialog.say("what causes cramps")
    assert third.request["session"]["new"] is True
    assert third.request["session"]["sessionId"] != first.request["session"]["sessionId"]


def test_exit_at_the_keyboard_prints_nothing_extra():
    result = run_cli("dialog", stdin="open cramp coach\nexit\n")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-2:] == ["User  > exit", "        [session ended]"]


def test_exit_ends_the_session_as_alexa_does(dialog):
    dialog.say("open cramp coach")
    turn = dialog.say("exit")
    assert turn.request["request"]["type"] == "SessionEndedRequest"
    assert turn.request["request"]["reason"] == "USER_INITIATED"
    assert turn.speech_ssml is None
    assert not dialog.session_open


@pytest.mark.parametrize(
    "utterance",
    ["open cramp coach", "Alexa, open Cramp Coach.", "launch cramp coach", "start cramp coach",
     "talk to cramp coach", "ask cramp coach", "cramp coach"],
)
def test_ways_to_open_the_skill(dialog, utterance):
    turn = dialog.say(utterance)
    assert turn.request["request"]["type"] == "LaunchRequest"


@pytest.mark.parametrize(
    "utterance, topic",
    [
        ("ask cramp coach about magnesium", "magnesium"),
        ("tell cramp coach that my foot is cramping", "now_foot"),
        ("ask cramp coach to tell me about tonic water", "tonic_quinine"),
        ("Alexa, ask Cramp Coach: why do I get cramps at night?", "cause_night"),
        ("open cramp coach and tell me about restless legs", "restless_legs"),
        ("does pickle juice work using cramp coach", "pickle_juice"),
    ],
)
def test_one_shot_questions(dialog, content, utterance, topic):
    turn = dialog.say(utterance)
    assert turn.request["session"]["new"] is True
    assert answered_topic(content, turn) == topic


# ---------------------------------------------------------------- the command line


def run_cli(*args: str, stdin: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skill", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_json_mode_prints_one_object_per_turn_with_the_full_envelopes():
    result = run_cli("dialog", "--json", stdin="open cramp coach\nmy foot is cramping\nyes\n")
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(turns) == 3
    for turn in turns:
        assert set(turn) == {"utterance", "intent", "slots", "request", "response"}
    assert turns[0]["intent"] is None and turns[0]["request"]["request"]["type"] == "LaunchRequest"
    assert turns[1]["intent"] == "CrampNowIntent"
    assert turns[1]["slots"]["body_part"]["id"] == "now_foot"
    assert turns[1]["response"]["response"]["shouldEndSession"] is False
    assert turns[2]["intent"] == "AMAZON.YesIntent"
    assert turns[2]["response"]["response"]["shouldEndSession"] is True


def test_plain_mode_reads_like_ask_dialog():
    result = run_cli("dialog", stdin="open cramp coach\nstop\n.quit\nhelp\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "User  > open cramp coach"
    assert lines[1].startswith("Alexa > If you have a cramp now")
    assert lines[2:] == ["User  > stop", "Alexa > Okay. Take care.", "        [session ended]"]


def test_ssml_mode_shows_the_markup():
    result = run_cli("dialog", "--ssml", stdin="ask cramp coach does magnesium help\n")
    assert "Alexa > <speak>Probably not, for most people." in result.stdout
    assert '<break time="600ms"/>' in result.stdout


def test_an_unknown_locale_is_a_clear_error():
    result = run_cli("dialog", "--locale", "fr-FR", stdin="open cramp coach\n")
    assert result.returncode == 2
    assert "no interaction model for fr-FR (available: en-AU, en-CA, en-GB, en-IN, en-US)" in result.stderr
    assert "Traceback" not in result.stderr


def test_accuracy_reads_a_set_by_its_shape_and_names_a_file_it_cannot_score(tmp_path):
    """A maintainer scoring a fresh blind set, whatever its file is called."""
    fresh = tmp_path / "round_five.yaml"
    fresh.write_text('cases:\n  - {text: "my chest is crushing and my arm is numb", locale: en-GB, level: emergency}\n')
    scored = run_cli("accuracy", str(fresh), stdin="")
    assert scored.returncode == 0, scored.stderr
    assert "round_five.yaml: emergencies with the call first 1/1" in scored.stdout
    unknown = tmp_path / "notes.yaml"
    unknown.write_text("things: [1, 2]\n")
    refused = run_cli("accuracy", str(unknown), stdin="")
    assert refused.returncode == 2
    assert f"{unknown}: not a set this command scores" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_broken_content_stops_the_dialog_with_the_problem_named(tmp_path):
    broken = tmp_path / "content"
    (broken / "answers").mkdir(parents=True)
    for name in ("sources.yaml", "prompts.yaml", "intents.yaml"):
        (broken / name).write_text((ROOT / "content" / name).read_text())
    (broken / "answers" / "all.yaml").write_text("topics:\n  - id: now_calf\n    title: Calf\n")
    result = run_cli("dialog", stdin="open cramp coach\n", env={"CRAMP_COACH_CONTENT": str(broken)})
    assert result.returncode == 2
    assert "content/answers/all.yaml: entry 'now_calf': field 'speech': missing" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- sound without a player


def test_speak_with_no_audio_player_writes_the_answers_to_one_wav_and_says_where(tmp_path):
    import wave
    from array import array

    from skill.tools import audio

    try:
        audio._find_espeak()
    except audio.AudioUnavailable:
        pytest.skip("espeak-ng is not installed here")
    empty_bin, tmp = tmp_path / "bin", tmp_path / "tmp"
    empty_bin.mkdir()
    tmp.mkdir()
    assert audio.find_player(str(empty_bin)) is None
    result = run_cli("dialog", "--speak", stdin="open cramp coach\nhelp\n", env={"PATH": str(empty_bin), "TMPDIR": str(tmp)})
    assert result.returncode == 0 and result.stdout.count("Alexa >") == 2
    [wav] = tmp.glob("cramp-coach-dialog-*.wav")
    assert result.stderr.splitlines() == [
        f"        [no audio player found (aplay, paplay, play, afplay): the answers are written to {wav}]"
    ]
    with wave.open(str(wav)) as sound:
        seconds = sound.getnframes() / sound.getframerate()
        samples = sound.readframes(sound.getnframes())
    assert seconds > 10  # both answers, not only the first
    assert max(abs(sample) for sample in array("h", samples)) > 1000  # sound, not silence


def test_wav_file_is_whole_after_each_sound_it_is_given(tmp_path):
    import wave

    from skill.tools.audio import WavFile

    def tone(frames: int) -> bytes:
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setparams((1, 2, 8000, 0, "NONE", "not compressed"))
            w.writeframes(b"\x00\x40" * frames)
        return out.getvalue()

    wav = WavFile(tmp_path / "a.wav")
    for total in (100, 350):
        wav.add(tone(total - (0 if total == 100 else 100)))
        with wave.open(str(tmp_path / "a.wav")) as read:  # read while still being written
            assert read.getnframes() == total
    wav.close()


# ---------------------------------------------------------------- a device with a screen


def test_with_a_screen_the_requests_declare_apl_and_a_viewport(dialog):
    assert dialog.say("open cramp coach").request["context"]["System"]["device"]["supportedInterfaces"] == {}
    dialog.dialog.screen = True
    request = dialog.say("help").request
    assert request["context"]["System"]["device"]["supportedInterfaces"] == {
        "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.1"}}
    }
    assert request["context"]["Viewport"]["pixelWidth"] == 1280 and request["context"]["Viewports"][0]["type"] == "APL"


def test_screen_prints_the_routine_the_screen_shows_under_the_answer(content):
    result = run_cli("dialog", "--screen", stdin="guide me through a calf stretch\n")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    steps = [step.do for step in content.routines["calf"].steps]
    assert lines[0] == "User  > guide me through a calf stretch" and lines[1].startswith("Alexa > Let's do the calf stretch.")
    assert re.fullmatch(r"Screen: Calf stretch - Part 1 of \d+", lines[2])
    shown = [re.sub(r"^        \d+\. | Hold \d+ seconds\.$", "", line) for line in lines[3:]]
    assert shown and shown == steps[: len(shown)]


def test_dot_screen_switches_the_screen_in_the_dialog(content):
    from skill.tools.simulator.dialog import Dialog, run

    out = io.StringIO()
    run(Dialog.for_locale(), ["guide me through a calf stretch", ".screen", "start over", ".screen off", "next"], out, echo=True)
    text = out.getvalue()
    assert "        [screen on: the device declares Alexa.Presentation.APL, 1280x800]" in text
    assert "        [screen off: a device without a screen, as an Echo Dot]" in text
    assert text.count("Screen: Calf stretch - Part 1 of") == 1  # only the turn made with the screen on


# -- name-free: what Alexa does with a request said without the skill's name


def test_dot_name_free_shows_the_skills_answer_and_sends_the_request_only_on_yes_or_maybe():
    from skill.tools.simulator.dialog import Dialog, run

    out = io.StringIO()
    lines = [".name-free my calf is cramping", "stop", ".name-free what's the weather", ".name-free i have crushing chest pain",
             "open cramp coach", ".name-free my calf is cramping"]
    run(Dialog.for_locale(), lines, out, echo=True)
    text = out.getvalue().splitlines()
    assert text[:3] == [
        "User  > my calf is cramping",
        "        [name-free: YES (understand/fulfil body_part: YES/YES)]",
        text[2],
    ] and text[2].startswith("Alexa > Straighten the cramping leg.")
    at = text.index("User  > what's the weather")
    assert text[at + 1] == "        [name-free: NO; Alexa would not send this to the skill]"
    assert text[at + 2] == "User  > i have crushing chest pain"  # nothing was sent, nothing said
    assert text[at + 3] == "        [name-free: YES (understand/fulfil symptom: YES/YES)]"
    assert text[at + 4].startswith("Alexa > Call 9 1 1 now.")
    # Inside a session Alexa sends everything to the skill: there is no name-free turn.
    assert text[-1] == "        [usage: .name-free TEXT, with no session open (say exit first)]"


def test_name_free_flag_sends_a_check_first_with_no_session_open_and_prints_it_in_json():
    result = run_cli("dialog", "--name-free", "--json", stdin="my foot is cramping\nnext\nstop\nwhat time is it\n")
    assert result.returncode == 0, result.stderr
    first, second, _, fourth = (json.loads(line) for line in result.stdout.splitlines())
    assert first["canFulfillIntent"] == {"canFulfill": "YES", "slots": {"body_part": {"canUnderstand": "YES", "canFulfill": "YES"}}}
    assert first["request"]["request"]["type"] == "IntentRequest" and first["request"]["session"]["new"] is True
    assert "canFulfillIntent" not in second  # the session is open: no check
    assert second["intent"] == "AMAZON.NextIntent"
    # After "stop" no session is open: the next words go name-free, and this is not ours.
    assert fourth["canFulfillIntent"] == {"canFulfill": "NO"}
    assert fourth["intent"] == "AMAZON.FallbackIntent" and fourth["request"] is None and fourth["response"] is None


# -- the nightly reminder: Alexa's permission flow and the Reminders API, simulated


def test_a_reminder_asked_for_with_no_permission_asks_by_voice_then_sets_it_in_json():
    result = run_cli("dialog", "--json", stdin="remind me to stretch every night at nine pm\nwhat time is my reminder\n")
    assert result.returncode == 0, result.stderr
    asked, answered, when = (json.loads(line) for line in result.stdout.splitlines())
    assert asked["intent"] == "ReminderIntent" and asked["slots"]["time"]["value"] == "nine pm"
    assert asked["request"]["request"]["intent"]["slots"]["time"]["value"] == "21:00"  # as AMAZON.TIME sends it
    [directive] = asked["response"]["response"]["directives"]
    assert (directive["type"], directive["name"]) == ("Connections.SendRequest", "AskFor")
    assert asked["permission"] == "yes"
    assert answered["request"]["request"]["type"] == "Connections.Response"
    assert answered["response"]["response"]["outputSpeech"]["ssml"].startswith("<speak>Done. Every night at 9 PM")
    assert when["response"]["response"]["outputSpeech"]["ssml"] == "<speak>Your stretch reminder is every night at 9 PM.</speak>"


@pytest.mark.parametrize("answer, said", [
    ("no", "Okay, no reminder. You can ask me again any time."),
    ("no-voice", "I've sent a card to your Alexa app. Allow reminders there, then ask me again."),
])
def test_a_refused_permission_or_a_device_that_cant_ask_gets_a_clear_answer(answer, said):
    result = run_cli("dialog", "--reminders-permission", answer, stdin="set a bedtime stretch reminder\n")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[2].startswith("        [Alexa asks for permission to set reminders: ")
    assert lines[3] == f"Alexa > {said}"
