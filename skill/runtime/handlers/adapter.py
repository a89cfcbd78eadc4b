"""The seam between ask-sdk-core and the pure core.

Requests are read here (slot ids, session state) and a core `Reply` becomes an SDK
response here, so the handlers stay a line or two long and nothing else touches the SDK's
response builder.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model import Response
from ask_sdk_model.slu.entityresolution import StatusCode
from ask_sdk_model.ui import SimpleCard

from ..core.conversation import Reply, Screen
from ..core.name_free import Fulfilment
from ..core.reminder import PERMISSION_SCOPE
from ..core.safety import Slot
from ..core.session import SessionState

@cache  # read once, the first time a screen needs it
def routine_document() -> dict:
    return json.loads((Path(__file__).resolve().parents[1] / "apl" / "routine.json").read_text())


def intent_name(handler_input: HandlerInput) -> str | None:
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    name = getattr(intent, "name", None)
    return name if isinstance(name, str) else None


def slots_heard(handler_input: HandlerInput) -> dict[str, Slot]:
    """Each slot: its entity-resolution id (None when Alexa matched no value) and the
    words Alexa heard, matched or not (ER_SUCCESS_NO_MATCH still carries them)."""
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    slots = getattr(intent, "slots", None)
    if not isinstance(slots, dict):
        return {}
    return {str(name): Slot(_resolved_id(slot), _words(slot)) for name, slot in slots.items()}


def _words(slot) -> str | None:
    value = getattr(slot, "value", None)
    return value if isinstance(value, str) and value.strip() else None


def _resolved_id(slot) -> str | None:
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        status = getattr(getattr(authority, "status", None), "code", None)
        if status != StatusCode.ER_SUCCESS_MATCH:
            continue
        for match in getattr(authority, "values", None) or []:
            value_id = getattr(getattr(match, "value", None), "id", None)
            if isinstance(value_id, str):
                return value_id
    return None


def slot_value(handler_input: HandlerInput, name: str) -> str | None:
    """A slot's value as Alexa sent it (a built-in type's, such as AMAZON.TIME's "21:00")."""
    return slots_heard(handler_input).get(name, Slot()).words


def api_access(handler_input: HandlerInput) -> tuple[str, str] | None:
    """(apiEndpoint, apiAccessToken) as Alexa sent them, for the Alexa APIs."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    endpoint, token = getattr(system, "api_endpoint", None), getattr(system, "api_access_token", None)
    return (endpoint, token) if isinstance(endpoint, str) and isinstance(token, str) and endpoint and token else None



def request_time(handler_input: HandlerInput) -> datetime:
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    return stamp if isinstance(stamp, datetime) else datetime.now(UTC)


def request_locale(handler_input: HandlerInput) -> str | None:
    locale = getattr(handler_input.request_envelope.request, "locale", None)
    return locale if isinstance(locale, str) else None


def session_state(handler_input: HandlerInput) -> SessionState:
    if handler_input.request_envelope.session is None:
        return SessionState()
    return SessionState.from_attributes(handler_input.attributes_manager.session_attributes)


def respond(handler_input: HandlerInput, reply: Reply) -> Response:
    builder = handler_input.response_builder
    builder.speak(reply.speech.ssml())
    if reply.reprompt is not None:
        builder.ask(reply.reprompt.ssml())
    if reply.card is not None:
        builder.set_card(SimpleCard(title=reply.card.title, content=reply.card.text))
    if reply.screen is not None and _supports_apl(handler_input):
        # Imported here: the APL models take milliseconds to import, and most devices have no screen.
        from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

        builder.add_directive(
            RenderDocumentDirective(token="routine", document=routine_document(), datasources=_datasources(reply.screen))
        )
    if reply.permission_card:
        from ask_sdk_model.ui import AskForPermissionsConsentCard

        builder.set_card(AskForPermissionsConsentCard(permissions=[PERMISSION_SCOPE]))
    if reply.ask_permission is not None:
        # Alexa asks for consent by voice, then sends the answer in a Connections.Response
        # (as in Amazon's Java sample, this response ends the skill's session).
        from ask_sdk_model.interfaces.connections import SendRequestDirective

        builder.add_directive(SendRequestDirective(name="AskFor", token=reply.ask_permission, payload={
            "@type": "AskForPermissionsConsentRequest", "@version": "2",
            "permissionScopes": [{"permissionScope": PERMISSION_SCOPE, "consentLevel": "ACCOUNT"}],
        }))
    builder.set_should_end_session(reply.ends_session)
    if handler_input.request_envelope.session is not None:
        # A closing session keeps nothing; an open one keeps only what the next turn needs.
        handler_input.attributes_manager.session_attributes = (
            {} if reply.ends_session else reply.next_state().to_attributes()
        )
    return builder.response


def _supports_apl(handler_input: HandlerInput) -> bool:
    try:
        return get_supported_interfaces(handler_input).alexa_presentation_apl is not None
    except AttributeError:  # a request with no device context
        return False


def _datasources(screen: Screen) -> dict:
    steps = [{"text": do if hold is None else f"{do} Hold {hold} seconds."} for do, hold in screen.steps]
    return {"routine": {"title": screen.title, "progress": screen.progress, "steps": steps}}


def can_fulfill_response(handler_input: HandlerInput, answer: Fulfilment) -> Response:
    """The answer to a CanFulfillIntentRequest: no speech, no card, and the session (if
    Alexa sent one) left as it came."""
    # Imported here: only name-free requests need these models.
    from ask_sdk_model.canfulfill import (
        CanFulfillIntent, CanFulfillIntentValues, CanFulfillSlot, CanFulfillSlotValues, CanUnderstandSlotValues,
    )

    slots = {
        name: CanFulfillSlot(can_understand=CanUnderstandSlotValues(slot.can_understand),
                             can_fulfill=CanFulfillSlotValues(slot.can_fulfill))
        for name, slot in answer.slots.items()
    }
    intent = CanFulfillIntent(can_fulfill=CanFulfillIntentValues(answer.can_fulfill), slots=slots or None)
    return handler_input.response_builder.set_can_fulfill_intent(intent).response


def silent(handler_input: HandlerInput) -> Response:
    """An empty response, for requests Alexa does not allow speech in reply to. It
    carries no session attributes: the session is over or was never one of ours."""
    if handler_input.request_envelope.session is not None:
        handler_input.attributes_manager.session_attributes = {}
    return handler_input.response_builder.response
