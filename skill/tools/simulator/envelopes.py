"""Request envelopes shaped like the ones Alexa sends, for the offline dialog.

They carry what a skill reads: session (id, new, attributes, application, user), the
System context, and the request with its locale and, for intents, every declared slot
with Alexa's entity-resolution block.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .nlu import Resolution

LOCAL_SKILL_ID = "amzn1.ask.skill.cramp-coach-local"
_USER_ID = "amzn1.ask.account.LOCAL-DIALOG-USER"
_DEVICE_ID = "amzn1.ask.device.LOCAL-DIALOG-DEVICE"


@dataclass
class Session:
    skill_id: str
    id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    new: bool = True
    attributes: dict = field(default_factory=dict)


def _envelope(session: Session, request: dict) -> dict:
    application = {"applicationId": session.skill_id}
    return {
        "version": "1.0",
        "session": {
            "new": session.new,
            "sessionId": session.id,
            "application": application,
            "attributes": session.attributes,
            "user": {"userId": _USER_ID},
        },
        "context": {
            "System": {
                "application": application,
                "user": {"userId": _USER_ID},
                "device": {"deviceId": _DEVICE_ID, "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": {
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **request,
        },
    }


def launch_request(session: Session, locale: str) -> dict:
    return _envelope(session, {"type": "LaunchRequest", "locale": locale})


def session_ended_request(session: Session, locale: str, reason: str = "USER_INITIATED") -> dict:
    return _envelope(session, {"type": "SessionEndedRequest", "locale": locale, "reason": reason})


def intent_request(session: Session, locale: str, resolution: Resolution) -> dict:
    slots = {}
    for slot in resolution.slots:
        entry: dict = {"name": slot.name, "confirmationStatus": "NONE"}
        if slot.value is not None:
            entry["value"] = slot.value
            entry["source"] = "USER"
        if slot.status is not None:
            authority = {
                "authority": f"amzn1.er-authority.echo-sdk.{session.skill_id}.{slot.type}",
                "status": {"code": slot.status},
            }
            if slot.id is not None:
                authority["values"] = [{"value": {"name": slot.canonical, "id": slot.id}}]
            entry["resolutions"] = {"resolutionsPerAuthority": [authority]}
        slots[slot.name] = entry
    intent: dict = {"name": resolution.intent, "confirmationStatus": "NONE"}
    if slots:
        intent["slots"] = slots
    return _envelope(session, {"type": "IntentRequest", "locale": locale, "intent": intent})
