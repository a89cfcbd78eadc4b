"""CanFulfillIntentRequest: Alexa asking, before a name-free request, whether the skill
can answer it (core/name_free.py decides). It runs before the safety net: this request
may not speak, and the request that follows gets the emergency answer if there is one."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type

from ..core.conversation import Conversation
from .adapter import intent_name, can_fulfill_response, slots_heard


class CanFulfillHandler(AbstractRequestHandler):
    def __init__(self, conversation: Conversation):
        self.conversation = conversation

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput):
        answer = self.conversation.can_fulfill(intent_name(handler_input), slots_heard(handler_input))
        return can_fulfill_response(handler_input, answer)
