"""What every response the skill sends must satisfy, checked wherever a test gets one."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree

from skill.runtime.core.speech import ssml_to_plain

# The tags Alexa's SSML supports (alexa-platform.md section 1).
ALEXA_TAGS = {
    "speak", "p", "s", "break", "emphasis", "prosody", "phoneme", "say-as", "sub", "w",
    "voice", "lang", "audio", "mark",
}
ALEXA_PREFIXED = ("{http://www.amazon.com/alexa}", "amazon:", "alexa:")
MAX_SSML = 8000
MAX_RESPONSE_BYTES = 24 * 1024  # the older, stricter of Amazon's two documented limits
# Words a listener should never hear: signs that an error or a missing value leaked out.
LEAKED_WORDS = {"error", "exception", "traceback", "none", "null", "undefined", "nan"}


def check_ssml(ssml: str) -> str:
    """Assert the SSML is valid for Alexa; return what it says as plain text."""
    assert len(ssml) <= MAX_SSML, f"SSML is {len(ssml)} characters"
    ssml.encode("utf-8")  # raises on a lone surrogate, which no device could be sent
    root = ElementTree.fromstring(ssml)  # raises on invalid XML, e.g. a raw '&'
    assert root.tag == "speak"
    for element in root.iter():
        assert element.tag in ALEXA_TAGS or element.tag.startswith(ALEXA_PREFIXED), element.tag
        if element.tag == "break" and "time" in element.attrib:
            time = element.attrib["time"]
            millis = float(time[:-2]) if time.endswith("ms") else float(time[:-1]) * 1000
            assert 0 < millis <= 10_000, f"break of {time}"
    text = ssml_to_plain(ssml)
    leaked = LEAKED_WORDS & set(re.findall(r"[a-z]+", text.lower()))
    assert not leaked and "{" not in text and "}" not in text, f"leaked {leaked} in {text!r}"
    return text


def assert_valid_response(envelope: dict) -> None:
    """The envelope is one Alexa would accept and a listener could act on."""
    assert envelope["version"] == "1.0"
    assert len(json.dumps(envelope).encode()) <= MAX_RESPONSE_BYTES
    response = envelope["response"]
    speech = response.get("outputSpeech")
    reprompt = (response.get("reprompt") or {}).get("outputSpeech")
    open_session = response.get("shouldEndSession") is False
    if speech is None:
        assert reprompt is None and not open_session, "a silent response must not keep listening"
        return
    assert speech["type"] == "SSML"
    said = check_ssml(speech["ssml"])
    assert said, "empty speech"
    if open_session:
        assert reprompt is not None, "the session stays open, so a reprompt is needed"
        check_ssml(reprompt["ssml"])
        # A line on what to do in an emergency may follow the question (the fallback).
        asked = re.sub(r"\s*If this is an emergency, call [^.?]+\.$", "", said)
        last_sentence = asked.rstrip(".").rsplit(". ", 1)[-1]
        assert asked.endswith("?") or last_sentence.startswith("Say "), (
            f"keeps listening without asking anything or saying what to say: {said!r}"
        )
    else:
        assert response.get("shouldEndSession") is True, "a spoken response says whether it ends"
        assert reprompt is None
        assert not said.endswith("?"), f"asks a question, then stops listening: {said!r}"
    card = response.get("card")
    if card is not None and card["type"] == "AskForPermissionsConsent":  # the reminders permission, asked in the app
        assert card["permissions"] == ["alexa::alerts:reminders:skill:readwrite"]
    elif card is not None:
        assert card["type"] == "Simple" and card["title"] and card["content"]
        assert len(card["title"]) + len(card["content"]) <= 8000
