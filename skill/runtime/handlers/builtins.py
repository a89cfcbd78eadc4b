"""Alexa's built-in intents: help, stop and cancel, repeat, yes and no, fallback."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type

from ..core.reminder import DEFAULT_TIME, Time
from .adapter import request_locale, respond, session_state
from .base import ConversationHandler
from .reminders import set_reminder


class HelpHandler(ConversationHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.HelpIntent")(handler_input)

    def handle(self, handler_input: HandlerInput):
        return respond(handler_input, self.conversation.help())


class StopHandler(ConversationHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.StopIntent")(handler_input) or is_intent_name(
            "AMAZON.CancelIntent"
        )(handler_input)

    def handle(self, handler_input: HandlerInput):
        return respond(handler_input, self.conversation.goodbye())


class RepeatHandler(ConversationHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.RepeatIntent")(handler_input)

    def handle(self, handler_input: HandlerInput):
        return respond(handler_input, self.conversation.repeat(session_state(handler_input), request_locale(handler_input)))


class YesHandler(ConversationHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.YesIntent")(handler_input)

    def handle(self, handler_input: HandlerInput):
        state = session_state(handler_input)
        if state.offer_reminder:  # at the end of the bedtime stretches
            return respond(handler_input, set_reminder(self.conversation, handler_input, Time(*DEFAULT_TIME)))
        return respond(handler_input, self.conversation.accept_offer(state, request_locale(handler_input)))


class NoHandler(ConversationHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.NoIntent")(handler_input)

    def handle(self, handler_input: HandlerInput):
        return respond(handler_input, self.conversation.decline_offer(session_state(handler_input)))


class FallbackHandler(ConversationHandler):
    """AMAZON.FallbackIntent, and any intent this code does not know (a newer model)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput):
        return respond(handler_input, self.conversation.fallback(request_locale(handler_input)))
