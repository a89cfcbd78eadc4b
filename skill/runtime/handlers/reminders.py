"""The nightly stretch reminder: set it, say when it is, cancel it, and the answer to
Alexa's request for permission. Through the Alexa Reminders API (reminders_api.py);
nothing is stored by the skill, so "when" and "cancel" read the API's own list."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type

from ..core.conversation import Conversation, Reply
from ..core.reminder import Time, time_from_slot, time_of
from ..reminders_api import PERMISSION, RemindersApi, RemindersError
from .adapter import api_access, request_locale, request_time, respond, slot_value
from .base import ConversationHandler

_TOKEN_PREFIX = "reminder "


def set_reminder(conversation: Conversation, handler_input: HandlerInput, time: Time, asked: bool = False) -> Reply:
    """Create it; if the API says the person hasn't allowed reminders (401), ask for the
    permission by voice, or, when that was just asked and still isn't granted, the card.
    (Tried first rather than read from the request's consent token: the API decides.)"""
    access = api_access(handler_input)
    if access is None:
        return conversation.reminder_failed("unavailable")
    body = conversation.reminder_body(time, request_locale(handler_input), request_time(handler_input))
    try:
        RemindersApi(*access).create(body)
    except RemindersError as error:
        if error.kind == PERMISSION:
            return conversation.reminder_permission_card() if asked else conversation.reminder_permission(time)
        return conversation.reminder_failed(error.kind)
    return conversation.reminder_set(time)


class SetReminderHandler(ConversationHandler):
    """ "Remind me to stretch every night at nine", "set a bedtime stretch reminder"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ReminderIntent")(handler_input)

    def handle(self, handler_input: HandlerInput):
        time = time_from_slot(slot_value(handler_input, "time"))
        return respond(handler_input, set_reminder(self.conversation, handler_input, time))


class PermissionAnswerHandler(ConversationHandler):
    """Alexa's Connections.Response to the skill's AskFor: the person said yes, no or
    nothing, or this device can't ask by voice (then the card in the Alexa app)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return is_request_type("Connections.Response")(handler_input) and getattr(request, "name", None) == "AskFor"

    def handle(self, handler_input: HandlerInput):
        request = handler_input.request_envelope.request
        token = getattr(request, "token", None) or ""
        code = str(getattr(getattr(request, "status", None), "code", ""))
        payload = getattr(request, "payload", None)
        answer = payload.get("status") if isinstance(payload, dict) else None
        if code != "200":
            return respond(handler_input, self.conversation.reminder_permission_card())
        if answer != "ACCEPTED" or not token.startswith(_TOKEN_PREFIX):
            return respond(handler_input, self.conversation.reminder_declined())
        time = time_from_slot(token.removeprefix(_TOKEN_PREFIX))
        return respond(handler_input, set_reminder(self.conversation, handler_input, time, asked=True))


class ReminderListHandler(ConversationHandler):
    """ "Cancel my stretch reminder" deletes the skill's reminders; "what time is my
    reminder" says when. The API lists only this skill's reminders, and the skill sets
    only this one kind."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("CancelReminderIntent")(handler_input) or is_intent_name("ReminderTimeIntent")(handler_input)

    def handle(self, handler_input: HandlerInput):
        access = api_access(handler_input)
        cancel = is_intent_name("CancelReminderIntent")(handler_input)
        if access is None:
            return respond(handler_input, self.conversation.reminder_failed("unavailable"))
        api = RemindersApi(*access)
        try:
            reminders = api.reminders()
            if cancel:
                for reminder in reminders:
                    api.delete(str(reminder.get("alertToken", "")))
        except RemindersError as error:
            if error.kind == PERMISSION:  # never allowed, so there is none to cancel or tell
                reminders = []
            else:
                return respond(handler_input, self.conversation.reminder_failed(error.kind))
        if cancel:
            return respond(handler_input, self.conversation.reminder_cancelled(len(reminders)))
        return respond(handler_input, self.conversation.reminder_when([t for t in map(time_of, reminders) if t]))
