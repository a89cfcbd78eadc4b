"""build_skill(): every handler registered in one visible place; handle_event() runs one request.

Lambda, the offline dialog (and later the self-hosted endpoint) all call these, so the
skill cannot tell which door a request came through.
"""

from __future__ import annotations

import json
import logging
import re
import time

from .sdk import Skill  # first: it keeps the SDK's service clients from loading

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_model import RequestEnvelope

from .core.content import Content
from .core.compiled import load_content
from .core.conversation import Conversation
from .core.session import SessionState
from .envelope import field, is_for_skill
from .handlers.builtins import (
    FallbackHandler,
    HelpHandler,
    NoHandler,
    RepeatHandler,
    StopHandler,
    YesHandler,
)
from .handlers.launch import LaunchHandler
from .handlers.name_free import CanFulfillHandler
from .handlers.reminders import PermissionAnswerHandler, ReminderListHandler, SetReminderHandler
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
log = logging.getLogger(__name__)
MAX_RESPONSE_BYTES = 24 * 1024  # Alexa's older, stricter documented limit (alexa-platform.md section 2)


class InvalidRequestError(ValueError):
    """The event is not an Alexa request envelope for this skill: nobody to answer in speech.

    The one clean refusal: Lambda reports it to Alexa as a failed invocation, and the
    self-hosted endpoint answers 400.
    """


def build_skill(content: Content | None = None, skill_id: str | None = None) -> Skill:
    """The skill. With `skill_id`, handle_event refuses requests from any other skill id."""
    conversation = Conversation(content if content is not None else load_content())
    # Order matters: the first handler whose can_handle is true answers. Red flags first,
    # whatever the intent and whatever the session was doing; before them only the
    # name-free check, which may not speak (the request after it gets the red flag).
    request_handlers = (
        CanFulfillHandler(conversation),
        RedFlagHandler(conversation),
        LaunchHandler(conversation),
        QuestionHandler(conversation),
        RoutineStartHandler(conversation),
        ListRoutinesHandler(conversation),
        RoutineNavigationHandler(conversation),
        PainWorseHandler(conversation),
        SetReminderHandler(conversation),
        ReminderListHandler(conversation),
        PermissionAnswerHandler(conversation),
        HelpHandler(conversation),
        StopHandler(conversation),
        RepeatHandler(conversation),
        YesHandler(conversation),
        NoHandler(conversation),
        FallbackHandler(conversation),  # every other intent
        QuietRequestHandler(),  # every other request type
    )
    # skill_id is checked by handle_event first, whatever shape the envelope has.
    return Skill(request_handlers, [CatchAllExceptionHandler(conversation)], skill_id=skill_id)


def handle_event(skill: Skill, event: object, context: object = None) -> dict:
    """Run one request envelope (as parsed JSON) through the skill; return the response JSON.

    Each request is logged as one JSON line: its type, intent and locale, how long it
    took and how it ended. Never what the person said: no slot values, no words.
    """
    start = time.perf_counter()
    failed = REQUEST_FAILED.set(False)
    outcome = "crashed"
    try:
        if not isinstance(field(event, "request"), dict):
            outcome = "rejected"
            raise InvalidRequestError("not an Alexa request envelope: no 'request' object")
        if skill.skill_id is not None and not is_for_skill(event, skill.skill_id):
            outcome = "rejected"
            raise InvalidRequestError("request is for another skill id")
        try:
            envelope = skill.serializer.deserialize(payload=json.dumps(_with_our_attributes(event)), obj_type=RequestEnvelope)
        except (SerializationException, TypeError, ValueError, RecursionError) as error:
            outcome = "rejected"
            raise InvalidRequestError("not a valid Alexa request envelope") from error
        body = _within_limit(skill.serializer.serialize(skill.invoke(request_envelope=envelope, context=context)))
        response = body.get("response") or {}
        if REQUEST_FAILED.get():
            outcome = "error"
        elif "canFulfillIntent" in response:
            outcome = f"can fulfil {response['canFulfillIntent'].get('canFulfill')}"
        elif not response.get("outputSpeech"):
            outcome = "silent"
        else:
            outcome = "listening" if response.get("shouldEndSession") is False else "ended"
        return body
    finally:
        REQUEST_FAILED.reset(failed)
        _log_request(event, outcome, start)


def _with_our_attributes(event: dict) -> dict:
    """The event with its session attributes reduced to those the skill writes, each of
    the right type and size, so nothing forged reaches the SDK or comes back out."""
    session = event.get("session")
    if not isinstance(session, dict) or "attributes" not in session:
        return event
    attributes = SessionState.from_attributes(session["attributes"]).to_attributes()
    return {**event, "session": {**session, "attributes": attributes}}


def _within_limit(body: dict) -> dict:
    """Alexa refuses a response over MAX_RESPONSE_BYTES. The skill's own responses are far
    smaller (tests/test_robustness.py), so this only trips on a bug: keep the speech and
    send the speech alone and end the session, and say so in the log."""
    if len(json.dumps(body)) <= MAX_RESPONSE_BYTES:
        return body
    log.error("response over %d bytes: only its speech is sent", MAX_RESPONSE_BYTES)
    response = {key: value for key, value in body["response"].items() if key in ("outputSpeech", "shouldEndSession")}
    response["shouldEndSession"] = True  # with nothing remembered, the next turn would be lost
    return {**body, "response": response, "sessionAttributes": {}}


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
