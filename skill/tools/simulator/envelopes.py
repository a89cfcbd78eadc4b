"""Request envelopes shaped like the ones Alexa sends, for the offline dialog.

They carry what a skill reads: session (id, new, attributes, application, user), the
System context, and the request with its locale and, for intents, every declared slot
with Alexa's entity-resolution block. With screen=True the device is an Echo Show-like
hub: it declares Alexa.Presentation.APL and sends its Viewport and Viewports, as a real
screen device does, so the skill answers with its RenderDocument directive.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .nlu import Resolution

LOCAL_SKILL_ID = "amzn1.ask.skill.cramp-coach-local"
_USER_ID = "amzn1.ask.account.LOCAL-DIALOG-USER"
_DEVICE_ID = "amzn1.ask.device.LOCAL-DIALOG-DEVICE"

# A landscape hub, 1280x800, described as in tests/fixtures/requests/apl_device_launch.json.
APL_MAX_VERSION = "2024.1"
SCREEN_WIDTH, SCREEN_HEIGHT, SCREEN_DPI = 1280, 800, 213
_VIDEO = {"codecs": ["H_264_42", "H_264_41"]}
_SCREEN_CONTEXT = {
    "Viewport": {
        "experiences": [{"arcMinuteWidth": 346, "arcMinuteHeight": 216, "canRotate": False, "canResize": False}],
        "mode": "HUB",
        "shape": "RECTANGLE",
        "pixelWidth": SCREEN_WIDTH,
        "pixelHeight": SCREEN_HEIGHT,
        "dpi": SCREEN_DPI,
        "currentPixelWidth": SCREEN_WIDTH,
        "currentPixelHeight": SCREEN_HEIGHT,
        "touch": ["SINGLE"],
        "keyboard": [],
        "video": _VIDEO,
    },
    "Viewports": [
        {
            "type": "APL",
            "id": "main",
            "shape": "RECTANGLE",
            "dpi": SCREEN_DPI,
            "presentationType": "STANDARD",
            "canRotate": False,
            "configuration": {
                "current": {
                    "mode": "HUB",
                    "video": _VIDEO,
                    "size": {"type": "DISCRETE", "pixelWidth": SCREEN_WIDTH, "pixelHeight": SCREEN_HEIGHT},
                }
            },
        }
    ],
}


@dataclass
class Session:
    skill_id: str
    id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    new: bool = True
    attributes: dict = field(default_factory=dict)


def _envelope(session: Session, request: dict, screen: bool = False) -> dict:
    application = {"applicationId": session.skill_id}
    interfaces = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": APL_MAX_VERSION}}} if screen else {}
    screen_context = copy.deepcopy(_SCREEN_CONTEXT) if screen else {}
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
            **screen_context,
            "System": {
                "application": application,
                "user": {"userId": _USER_ID},
                "device": {"deviceId": _DEVICE_ID, "supportedInterfaces": interfaces},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": {
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **request,
        },
    }


def launch_request(session: Session, locale: str, screen: bool = False) -> dict:
    return _envelope(session, {"type": "LaunchRequest", "locale": locale}, screen)


def session_ended_request(session: Session, locale: str, reason: str = "USER_INITIATED", screen: bool = False) -> dict:
    return _envelope(session, {"type": "SessionEndedRequest", "locale": locale, "reason": reason}, screen)


def intent_request(session: Session, locale: str, resolution: Resolution, screen: bool = False) -> dict:
    return _envelope(session, {"type": "IntentRequest", "locale": locale, "intent": _intent(session, resolution)}, screen)


def can_fulfill_request(session: Session, locale: str, resolution: Resolution, screen: bool = False) -> dict:
    """Alexa asking, before a request said without the skill's name, whether the skill can
    answer it: the intent and slots it would send, in a new session."""
    request = {"type": "CanFulfillIntentRequest", "locale": locale, "intent": _intent(session, resolution)}
    return _envelope(session, request, screen)


def _intent(session: Session, resolution: Resolution) -> dict:
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
    return intent
