"""build_skill(): every handler registered in one visible place; handle_event() runs one request.

Lambda, the offline dialog (and later the self-hosted endpoint) all call these, so the
skill cannot tell which door a request came through.
"""

from __future__ import annotations

import json
import logging
import re
import time

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope

from .core.content import Content, load_content
from .core.conversation import Conversation
from .handlers.builtins import (
    FallbackHandler,
    HelpHandler,
    NoHandler,
    RepeatHandler,
    StopHandler,
    YesHandler,
)
from .handlers.launch import LaunchHandler
from .handlers.lifecycle import REQUEST_FAILED, CatchAllExceptionHandler, QuietRequestHandler
from .handlers.questions import QuestionHandler
from .handlers.routines import (
    ListRoutinesHandler,
    PainWorseHandler,
    RoutineNavigationHandler,
    RoutineStartHandler,
)
from .handlers.safety import RedFlagHandler


# The built-in intents these handlers answer; `check-models` requires each model to
# declare them, so none is missed at deploy time.
BUILT_IN_INTENTS = frozenset(
    {
        "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent",
        "AMAZON.FallbackIntent", "AMAZON.RepeatIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
        "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent",
        "AMAZON.StartOverIntent",
    }
)


REQUEST_LOG = logging.getLogger("cramp_coach.requests")


class InvalidRequestError(ValueError):
    """The event is not an Alexa request envelope; there is nobody to answer in speech."""


def build_skill(content: Content | None = None, skill_id: str | None = None) -> CustomSkill:
    """The skill. With `skill_id`, requests from any other skill id are refused."""
    conversation = Conversation(content if content is not None else load_content())
    builder = SkillBuilder()
    builder.skill_id = skill_id
    # Order matters: the first handler whose can_handle is true answers. Red flags first,
    # whatever the intent and whatever the session was doing.
    for handler in (
        RedFlagHandler(conversation),
        LaunchHandler(conversation),
        QuestionHandler(conversation),
        RoutineStartHandler(conversation),
        ListRoutinesHandler(conversation),
        RoutineNavigationHandler(conversation),
        PainWorseHandler(conversation),
        HelpHandler(conversation),
        StopHandler(conversation),
        RepeatHandler(conversation),
        YesHandler(conversation),
        NoHandler(conversation),
        FallbackHandler(conversation),  # every other intent
        QuietRequestHandler(),  # every other request type
    ):
        builder.add_request_handler(handler)
    builder.add_exception_handler(CatchAllExceptionHandler(conversation))
    return builder.create()


def handle_event(skill: CustomSkill, event: object, context: object = None) -> dict:
    """Run one request envelope (as parsed JSON) through the skill; return the response JSON.

    Each request is logged as one JSON line: its type, intent and locale, how long it
    took and how it ended. Never what the person said: no slot values, no words.
    """
    start = time.perf_counter()
    failed = REQUEST_FAILED.set(False)
    outcome = "crashed"
    try:
        if not isinstance(event, dict) or not isinstance(event.get("request"), dict):
            outcome = "rejected"
            raise InvalidRequestError("not an Alexa request envelope: no 'request' object")
        try:
            envelope = skill.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
        except (SerializationException, TypeError, ValueError) as error:
            outcome = "rejected"
            raise InvalidRequestError("not a valid Alexa request envelope") from error
        body = skill.serializer.serialize(skill.invoke(request_envelope=envelope, context=context))
        response = body.get("response") or {}
        if REQUEST_FAILED.get():
            outcome = "error"
        elif not response.get("outputSpeech"):
            outcome = "silent"
        else:
            outcome = "listening" if response.get("shouldEndSession") is False else "ended"
        return body
    finally:
        REQUEST_FAILED.reset(failed)
        _log_request(event, outcome, start)


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.]{0,79}")
_LOCALE = re.compile(r"[a-z]{2}-[A-Z]{2}")


def _log_request(event: object, outcome: str, start: float) -> None:
    if not REQUEST_LOG.isEnabledFor(logging.INFO):
        return
    request = event.get("request") if isinstance(event, dict) else None
    request = request if isinstance(request, dict) else {}
    intent = request.get("intent") if isinstance(request.get("intent"), dict) else {}

    def safe(value: object, pattern: re.Pattern) -> str | None:
        # Names and codes only: anything else in these fields could be someone's words.
        if value is None:
            return None
        return value if isinstance(value, str) and pattern.fullmatch(value) else "other"

    REQUEST_LOG.info(json.dumps({
        "type": safe(request.get("type"), _NAME),
        "intent": safe(intent.get("name"), _NAME),
        "locale": safe(request.get("locale"), _LOCALE),
        "latency_ms": round((time.perf_counter() - start) * 1000, 2),
        "outcome": outcome,
    }))
