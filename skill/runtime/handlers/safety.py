"""The safety net: red flags are answered before any other handler sees the request.

It is the first handler in the chain, so it runs for every intent in every session
state, and a new intent is covered without anyone remembering to add a check.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from .adapter import intent_name, request_locale, respond, slots_heard
from .base import ConversationHandler


_FINDING = "red_flag_finding"


class RedFlagHandler(ConversationHandler):
    """Any slot of any intent whose value or words report a red flag."""

    def _finding(self, handler_input: HandlerInput):
        # Read once per request (can_handle, then handle), kept with the request only:
        # nothing a person said is held beyond it.
        this_request = handler_input.attributes_manager.request_attributes
        if _FINDING not in this_request:
            this_request[_FINDING] = self.conversation.safety.reported(intent_name(handler_input), slots_heard(handler_input))
        return this_request[_FINDING]

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return self._finding(handler_input) is not None

    def handle(self, handler_input: HandlerInput):
        reply = self.conversation.red_flag(self._finding(handler_input), request_locale(handler_input))
        return respond(handler_input, reply)
