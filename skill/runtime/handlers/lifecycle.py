"""Requests that get no speech, and the last resort when something fails."""

from __future__ import annotations

import logging
from contextvars import ContextVar

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type

from ..core.conversation import Conversation
from .adapter import request_locale, respond, silent

log = logging.getLogger(__name__)
# Set when this handler answered, so the request's log line says "error".
REQUEST_FAILED: ContextVar[bool] = ContextVar("request_failed", default=False)


def _speech_allowed(handler_input: HandlerInput) -> bool:
    if is_request_type("Connections.Response")(handler_input):
        # The answer to the skill's own request for permission, which it answers in speech.
        return getattr(handler_input.request_envelope.request, "name", None) == "AskFor"
    return is_request_type("LaunchRequest")(handler_input) or is_request_type("IntentRequest")(handler_input)


class QuietRequestHandler(AbstractRequestHandler):
    """SessionEndedRequest, System.ExceptionEncountered and any other non-spoken request.

    Alexa rejects speech in reply to these. The reason is logged; the session's
    attributes are gone with the session.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return not _speech_allowed(handler_input)

    def handle(self, handler_input: HandlerInput):
        request = handler_input.request_envelope.request
        reason = getattr(request, "reason", None)
        error = getattr(request, "error", None)
        log.info(
            "no speech for %s (reason %s, error %s)",
            getattr(request, "object_type", type(request).__name__),
            getattr(reason, "value", reason),
            getattr(getattr(error, "type", None), "value", None),
        )
        return silent(handler_input)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Apologise in speech, with something useful to do; log where, never what was said.

    The exception's message can quote a slot value, so only its type and the code
    locations of the traceback are logged.
    """

    def __init__(self, conversation: Conversation):
        self.conversation = conversation

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception):
        import traceback  # only when something has failed

        frames = traceback.extract_tb(exception.__traceback__)
        where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames))
        log.error("request failed: %s at %s", type(exception).__name__, where or "unknown")
        REQUEST_FAILED.set(True)
        if not _speech_allowed(handler_input):
            return silent(handler_input)
        return respond(handler_input, self.conversation.error(request_locale(handler_input)))
