"""Opening the skill, and going back to its start."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type

from .adapter import respond
from .base import ConversationHandler


class LaunchHandler(ConversationHandler):
    """ "Open cramp coach" and "go home": what to do for a cramp now, then the offer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input) or is_intent_name(
            "AMAZON.NavigateHomeIntent"
        )(handler_input)

    def handle(self, handler_input: HandlerInput):
        return respond(handler_input, self.conversation.welcome())
