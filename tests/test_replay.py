"""ASK CLI replay files, offline: the main conversations, replayed and compared word for word.

Each tests/dialogs/NAME.json is an `ask dialog --replay` file; NAME.expected.txt beside it
is what the offline dialog prints for it. When an answer changes on purpose, regenerate
the transcript with `python -m skill dialog --replay tests/dialogs/NAME.json > ...` and
read the diff before committing it.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from skill.tools.simulator.replay import ReplayError, read_replay

ROOT = Path(__file__).resolve().parents[1]
DIALOGS = sorted((Path(__file__).parent / "dialogs").glob("*.json"))


def dialog(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skill", "dialog", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120
    )


def test_the_main_conversations_have_replay_files():
    names = {path.stem for path in DIALOGS}
    assert {"cramp_at_night", "question_with_follow_up", "full_routine", "red_flag_mid_routine", "help_and_stop"} <= names


@pytest.mark.parametrize("path", DIALOGS, ids=[p.stem for p in DIALOGS])
def test_every_replay_file_gives_its_expected_transcript(path):
    result = dialog("--replay", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == path.with_suffix(".expected.txt").read_text()


@pytest.mark.parametrize("path", DIALOGS, ids=[p.stem for p in DIALOGS])
def test_every_replay_file_is_one_ask_cli_accepts(path):
    data = json.loads(path.read_text())
    assert set(data) == {"skillId", "locale", "type", "userInput"} and data["type"] == "text"
    assert data["skillId"].startswith("amzn1.ask.skill.") and data["locale"] in {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}
    assert all(item.strip() == item and item for item in data["userInput"])


def test_without_quit_the_replay_goes_on_with_what_is_typed(tmp_path):
    replay = tmp_path / "open.yaml"
    replay.write_text(yaml.safe_dump({"skillId": "amzn1.ask.skill.x", "locale": "en-US", "type": "text", "userInput": ["open cramp coach"]}))
    result = dialog("--replay", str(replay), stdin="help\n")
    assert result.stdout.count("Alexa >") == 2 and "User  > help" in result.stdout


def test_record_writes_a_replay_file_that_replays_the_same(tmp_path):
    recorded = tmp_path / "session.json"
    first = dialog("--record", str(recorded), stdin="open cramp coach\nwhat causes cramps\nno\n")
    data = json.loads(recorded.read_text())
    assert data["userInput"] == ["open cramp coach", "what causes cramps", "no", ".quit"]
    assert data["locale"] == "en-US" and data["type"] == "text"
    assert dialog("--replay", str(recorded)).stdout == first.stdout


def test_dot_record_in_the_repl_writes_what_was_said_so_far(tmp_path):
    recorded = tmp_path / "so_far.yaml"
    result = dialog(stdin=f"open cramp coach\nhelp\n.record {recorded} --append-quit\nstop\n")
    assert f"[recorded 2 inputs to {recorded}]" in result.stdout
    assert yaml.safe_load(recorded.read_text())["userInput"] == ["open cramp coach", "help", ".quit"]


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"locale": "en-US", "userInput": ["hi"]}', "'skillId' is required"),
        ('{"skillId": "x", "userInput": ["hi"]}', "'locale' is required"),
        ('{"skillId": "x", "locale": "en-US", "userInput": []}', "'userInput' must be a non-empty list"),
        ('{"skillId": "x", "locale": "en-US", "userInput": ["hi", "  "]}', "userInput item 2 is blank"),
        ("{not json", "not valid JSON"),
    ],
)
def test_a_replay_file_ask_cli_would_refuse_is_a_clear_error(tmp_path, content, reason):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ReplayError, match=reason):
        read_replay(path)
    result = dialog("--replay", str(path))
    assert result.returncode == 2 and reason in result.stderr and "Traceback" not in result.stderr


def test_locale_comes_from_the_replay_file_not_the_command_line(tmp_path):
    path = DIALOGS[0]
    result = dialog("--replay", str(path), "--locale", "en-AU")
    assert result.returncode == 2 and "don't pass --locale with --replay" in result.stderr


# ------------------------------------------------------------ failing cleanly (issue: dialog must fail cleanly)


def test_a_replay_file_that_is_not_utf8_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"skillId": "amzn1.ask.skill.x", "locale": "en-US",\n "userInput": ["caf\u00e9 au lait"]}'.encode("latin-1"))
    result = dialog("--replay", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"python -m skill dialog: {path}: not UTF-8 text (byte 0xe9 on line 2, offset 71); save it as UTF-8"
    ]
    # A byte-order mark does not shift where the bad byte is said to be.
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with pytest.raises(ReplayError, match=r"byte 0xe9 on line 2, offset 74\)"):
        read_replay(path)


def test_a_utf8_byte_order_mark_is_accepted_as_ask_cli_strips_it(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"skillId": "amzn1.ask.skill.x", "locale": "en-US", "userInput": ["help"]}).encode())
    assert read_replay(path).inputs == ("help",)


def test_a_yaml_syntax_error_is_reported_on_one_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("skillId: x\nlocale: [en\nuserInput: a\n")
    with pytest.raises(ReplayError) as error:
        read_replay(path)
    assert str(error.value) == f"{path}: not valid YAML: expected ',' or ']', but got ':' (line 3, column 10)"


def test_a_voice_replay_is_read_as_text_as_ask_cli_does(tmp_path):
    """ask-cli 2 never looks at "type" (DialogReplayFile.getType has no caller) and sends
    every userInput to the simulation API as text; so does the offline dialog."""
    from skill.tools.simulator.dialog import Dialog, run

    text_file = ROOT / "tests" / "dialogs" / "help_and_stop.json"
    voice = tmp_path / "help_and_stop_voice.json"
    voice.write_text(json.dumps({**json.loads(text_file.read_text()), "type": "voice"}))
    replay = read_replay(voice)
    assert replay == read_replay(text_file)
    out = io.StringIO()
    assert run(Dialog.for_locale(replay.locale, skill_id=replay.skill_id), replay.inputs, out, echo=True) == 0
    assert out.getvalue() == text_file.with_suffix(".expected.txt").read_text()


def test_record_into_a_missing_folder_fails_before_anything_is_said(tmp_path):
    missing = tmp_path / "no such folder" / "session.json"
    result = dialog("--record", str(missing), stdin="open cramp coach\nhelp\n")
    assert result.returncode == 2 and result.stdout == ""  # nothing typed was answered, so nothing is lost
    assert result.stderr.splitlines() == [
        f"python -m skill dialog: cannot record to {missing}: the folder {missing.parent} does not exist"
    ]
    assert not missing.parent.exists()


class _Typing:
    """stdin that is not a terminal, running `between` after the first line is read."""

    def __init__(self, lines, between):
        self.lines, self.between = lines, between

    def isatty(self):
        return False

    def __iter__(self):
        for number, line in enumerate(self.lines):
            if number == 1:
                self.between()
            yield line


def test_a_recording_that_cannot_be_written_at_the_end_is_kept_and_replays(tmp_path, monkeypatch, capsys):
    import tempfile

    from skill.__main__ import main

    folder = tmp_path / "session"
    folder.mkdir()
    elsewhere = tmp_path / "tmp"
    elsewhere.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(elsewhere))
    # The folder is there when the dialog starts, and gone by the time it ends.
    monkeypatch.setattr(sys, "stdin", _Typing(["open cramp coach\n", "what causes cramps\n", "no\n"], folder.rmdir))
    assert main(["dialog", "--record", str(folder / "s.json")]) == 2
    out, err = capsys.readouterr()
    [kept] = elsewhere.glob("cramp-coach-recording-*.json")
    assert err.splitlines() == [
        f"python -m skill dialog: cannot write {folder / 's.json'} (No such file or directory); the 3 inputs are kept in {kept}"
    ]
    assert read_replay(kept).inputs == ("open cramp coach", "what causes cramps", "no", ".quit")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["dialog", "--replay", str(kept)]) == 0
    assert capsys.readouterr().out == out


def test_keep_replay_falls_back_to_the_temporary_folder(tmp_path, monkeypatch):
    import tempfile

    from skill.tools.simulator.replay import keep_replay

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    written, reason = keep_replay(tmp_path / "gone" / "s.yaml", "amzn1.ask.skill.x", "en-GB", ["help"], append_quit=True)
    assert reason == "No such file or directory" and written.parent == tmp_path and written.suffix == ".yaml"
    assert read_replay(written).inputs == ("help", ".quit") and read_replay(written).locale == "en-GB"
    assert keep_replay(tmp_path / "here.json", "amzn1.ask.skill.x", "en-GB", ["help"]) == (tmp_path / "here.json", None)


def test_dot_record_into_a_missing_folder_says_so_and_the_dialog_goes_on(tmp_path):
    from skill.tools.simulator.dialog import Dialog, run

    out = io.StringIO()
    run(Dialog.for_locale(), ["open cramp coach", f".record {tmp_path}/gone/s.json", "help"], out, echo=True)
    lines = out.getvalue().splitlines()
    assert f"        [not recorded: cannot write {tmp_path}/gone/s.json: No such file or directory]" in lines
    assert lines[-2:][0] == "User  > help" and out.getvalue().count("Alexa >") == 2
