"""Every question intent in content/intents.yaml, answered from its topic."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from .adapter import intent_name, request_locale, respond, session_state, slots_heard
from .base import ConversationHandler


class QuestionHandler(ConversationHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) in self.conversation.content.question_intents

    def handle(self, handler_input: HandlerInput):
        reply = self.conversation.answer(
            intent_name(handler_input),
            slots_heard(handler_input),
            request_locale(handler_input),
            session_state(handler_input),
        )
        return respond(handler_input, reply)
