"""What the skill remembers between turns of one session, and nothing more.

Session attributes die with the session, so nothing about a person's health outlives it.
The state is read defensively: attributes arrive in the request and may be missing,
stale or forged, and a bad value is dropped rather than trusted.
"""


import json
from typing import NamedTuple
from collections.abc import Mapping

from .content import is_content_id
from .routines import Progress
from .speech import Speech

OFFER_FROM = "offer_from"  # the topic whose follow-up offer awaits a yes or no
OFFER_RESUME = "offer_resume"  # "Want to go back to the calf stretch?" awaits a yes or no
ROUTINE = "routine"  # where the person is in a guided routine
LAST_SPEECH = "last_speech"  # what "repeat" says again
LAST_REPROMPT = "last_reprompt"
OFFER_REMINDER = "offer_reminder"  # "Want me to remind you every night?" awaits a yes or no
# The longest speech kept for "repeat", as JSON. What is kept is an answer or a question
# (a routine is replayed from its place, not stored), a few hundred bytes; the bound keeps
# a forged one from swelling every response toward Alexa's 24 KB (test_robustness).
MAX_REMEMBERED_SPEECH_BYTES = 2048


class SessionState(NamedTuple):
    offer_from: str | None = None
    offer_resume: bool = False
    routine: Progress | None = None
    last_speech: Speech | None = None
    last_reprompt: Speech | None = None
    offer_reminder: bool = False

    @classmethod
    def from_attributes(cls, attributes: object) -> "SessionState":
        if not isinstance(attributes, Mapping):
            return cls()
        offer_from = attributes.get(OFFER_FROM)
        routine = Progress.from_json(attributes.get(ROUTINE))
        return cls(
            offer_from=offer_from if is_content_id(offer_from) else None,
            offer_resume=attributes.get(OFFER_RESUME) is True and routine is not None,
            routine=routine,
            last_speech=_remembered(attributes.get(LAST_SPEECH)),
            last_reprompt=_remembered(attributes.get(LAST_REPROMPT)),
            offer_reminder=attributes.get(OFFER_REMINDER) is True,
        )

    def to_attributes(self) -> dict:
        attributes: dict = {}
        if self.offer_from is not None:
            attributes[OFFER_FROM] = self.offer_from
        if self.offer_resume:
            attributes[OFFER_RESUME] = True
        if self.routine is not None:
            attributes[ROUTINE] = self.routine.to_json()
        if self.last_speech is not None:
            attributes[LAST_SPEECH] = self.last_speech.to_json()
        if self.last_reprompt is not None:
            attributes[LAST_REPROMPT] = self.last_reprompt.to_json()
        if self.offer_reminder:
            attributes[OFFER_REMINDER] = True
        return attributes


def _remembered(data: object) -> Speech | None:
    speech = Speech.from_json(data)
    if speech is None or len(json.dumps(speech.to_json())) > MAX_REMEMBERED_SPEECH_BYTES:
        return None
    return speech
