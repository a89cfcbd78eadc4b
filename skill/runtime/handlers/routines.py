"""Guided routines: start one, list them, and move through one by voice."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name

from .adapter import intent_name, respond, session_state, slots_heard
from .base import ConversationHandler


class RoutineStartHandler(ConversationHandler):
    """ "Guide me through a calf stretch"; with no routine named, the list to pick from."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("RoutineIntent")(handler_input)

    def handle(self, handler_input: HandlerInput):
        routine = slots_heard(handler_input).get("routine")
        return respond(handler_input, self.conversation.start_routine(routine.id if routine else None))


class ListRoutinesHandler(ConversationHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ListRoutinesIntent")(handler_input)

    def handle(self, handler_input: HandlerInput):
        return respond(handler_input, self.conversation.list_routines())


class RoutineNavigationHandler(ConversationHandler):
    """Next, skip, previous, pause, resume, start over and "I'm done"."""

    ACTIONS = {
        "AMAZON.NextIntent": "next_segment",
        "SkipIntent": "next_segment",  # a response plays whole steps, so skip moves on like next
        "AMAZON.PreviousIntent": "previous_segment",
        "AMAZON.PauseIntent": "pause",
        "AMAZON.ResumeIntent": "resume",
        "AMAZON.StartOverIntent": "start_over",
        "DoneIntent": "finish_routine",
    }

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) in self.ACTIONS

    def handle(self, handler_input: HandlerInput):
        action = getattr(self.conversation, self.ACTIONS[intent_name(handler_input)])
        return respond(handler_input, action(session_state(handler_input)))


class PainWorseHandler(ConversationHandler):
    """ "It hurts more": stop, and when to see a doctor. Red flags are answered before this."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("PainWorseIntent")(handler_input)

    def handle(self, handler_input: HandlerInput):
        return respond(handler_input, self.conversation.pain_worse())
