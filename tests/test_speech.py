"""The one module that writes SSML: escaping, limits, and speech kept as data."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from skill.runtime.core.speech import Pause, Speech, SpeechError, estimated_seconds, ssml_to_plain


def test_text_is_escaped_so_the_ssml_stays_valid_xml():
    ssml = Speech.of('Salt & pepper <b> "quoted" it\'s').ssml()
    assert ssml == "<speak>Salt &amp; pepper &lt;b&gt; \"quoted\" it's</speak>"
    assert ElementTree.fromstring(ssml).text == 'Salt & pepper <b> "quoted" it\'s'


def test_characters_xml_forbids_are_dropped():
    assert Speech.of("bell\x07 and\x00 null").ssml() == "<speak>bell and null</speak>"


def test_lone_surrogates_are_dropped_so_the_ssml_can_be_sent_as_utf8():
    ssml = Speech.from_json(["half \ud800 a pair\udfff", "kept 😀"]).ssml()
    assert ssml == "<speak>half  a pair kept 😀</speak>"
    ssml.encode("utf-8")


def test_pauses_become_breaks_and_whitespace_is_tidied():
    speech = Speech.of("Hold it.", Pause(3000), "  Relax\n now. ", None)
    assert speech.ssml() == '<speak>Hold it. <break time="3000ms"/> Relax now.</speak>'
    assert speech.plain() == "Hold it. [pause 3s] Relax now."


@pytest.mark.parametrize("ms", [0, -5, 10_001])
def test_a_pause_alexa_cannot_play_is_refused(ms):
    with pytest.raises(SpeechError):
        Pause(ms)


def test_speech_over_alexas_8000_characters_is_refused():
    Speech.of("a" * 7900).ssml()
    with pytest.raises(SpeechError, match="8000"):
        Speech.of("a" * 8000).ssml()


def test_speech_round_trips_through_json():
    speech = Speech.of("One & two.", Pause(600), "Three?")
    assert Speech.from_json(speech.to_json()) == speech


@pytest.mark.parametrize(
    "garbage",
    [None, "", "<speak>x</speak>", [], [1], [{"pause_ms": 20_000}], [{"pause_ms": True}],
     [{"pause_ms": 5, "x": 1}], ["a" * 9000], {"text": "x"}],
)
def test_malformed_saved_speech_is_dropped_not_trusted(garbage):
    assert Speech.from_json(garbage) is None


def test_plain_text_shows_long_pauses_only():
    ssml = '<speak>A <break time="500ms"/> B <break time="2s"/> C <break strength="x-strong"/> D</speak>'
    assert ssml_to_plain(ssml) == "A B [pause 2s] C [pause 1s] D"


def test_estimated_duration_counts_words_and_pauses():
    speech = Speech.of(" ".join(["word"] * 149), Pause(10_000), "word", Pause(5_000))
    assert estimated_seconds(speech.ssml()) == pytest.approx(60 + 15)
    assert speech.seconds() == pytest.approx(60 + 15)


def test_pauses_that_meet_are_one_silence_and_must_stay_within_ten_seconds():
    assert Speech.of("a", Pause(4_000), Pause(5_000), "b").pieces == ("a", Pause(9_000), "b")
    with pytest.raises(SpeechError):
        Speech.of("a", Pause(6_000), Speech.of(Pause(5_000), "b"))
