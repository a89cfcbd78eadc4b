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

from ...runtime.core.content import TIME_TYPE
from ...runtime.core.reminder import PERMISSION_SCOPE
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


API_ENDPOINT = "https://api.amazonalexa.com"
API_TOKEN = "local-dialog-api-access-token"


@dataclass
class Session:
    skill_id: str
    id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    new: bool = True
    attributes: dict = field(default_factory=dict)
    # Where the skill reaches Alexa's APIs (the dialog's stand-in for reminders), and
    # whether the person has granted the reminders permission (a consent token is sent).
    api_endpoint: str = API_ENDPOINT
    consented: bool = False


def _envelope(session: Session, request: dict, screen: bool = False) -> dict:
    application = {"applicationId": session.skill_id}
    interfaces = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": APL_MAX_VERSION}}} if screen else {}
    screen_context = copy.deepcopy(_SCREEN_CONTEXT) if screen else {}
    user = {"userId": _USER_ID, **({"permissions": {"consentToken": "local-dialog-consent-token"}} if session.consented else {})}
    return {
        "version": "1.0",
        "session": {
            "new": session.new,
            "sessionId": session.id,
            "application": application,
            "attributes": session.attributes,
            "user": user,
        },
        "context": {
            **screen_context,
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": _DEVICE_ID, "supportedInterfaces": interfaces},
                "apiEndpoint": session.api_endpoint,
                "apiAccessToken": API_TOKEN,
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


def permission_answer(session: Session, locale: str, token: str, answer: str) -> dict:
    """Alexa's Connections.Response after it asked for the reminders permission by voice:
    "yes" (ACCEPTED), "no" (DENIED), or "no-voice" (this device can't ask: code 400)."""
    status = {"yes": "ACCEPTED", "no": "DENIED"}.get(answer, "NOT_ANSWERED")
    return _envelope(session, {
        "type": "Connections.Response", "locale": locale, "name": "AskFor", "token": token,
        "status": {"code": "400" if answer == "no-voice" else "200", "message": "OK"},
        "payload": {"permissionScope": PERMISSION_SCOPE, "status": status, "isCardThrown": False},
    })


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
            entry["value"] = alexa_time(slot.value) if slot.type == TIME_TYPE else slot.value
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


_HOURS = {w: n for n, w in enumerate("twelve one two three four five six seven eight nine ten eleven".split())}
_MINUTES = {"five": 5, "o five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
            "forty five": 45, "fifty": 50}
_PARTS = {"night": "NI", "tonight": "NI", "evening": "EV", "morning": "MO", "afternoon": "AF"}


def alexa_time(words: str) -> str:
    """Spoken time as AMAZON.TIME sends it: "nine pm" -> "21:00", "half past nine" ->
    "09:30" (no am or pm: as said), "night" -> "NI". Words it can't read go as they are."""
    text = " ".join(words.replace("p m", "pm").replace("a m", "am").replace("o'clock", "").split())
    half = "pm" if text.endswith("pm") or text.endswith("at night") else "am" if text.endswith("am") else None
    text = text.removesuffix("pm").removesuffix("am").removesuffix("at night").strip()
    if text in _PARTS:
        return _PARTS[text]
    minute = 0
    for lead, value in (("half past ", 30), ("quarter past ", 15)):
        if text.startswith(lead):
            text, minute = text.removeprefix(lead), value
    hour_word, _, rest = text.partition(" ")
    if hour_word not in _HOURS or (rest and rest not in _MINUTES):
        return words
    hour = _HOURS[hour_word] % 12 + (12 if half == "pm" else 0)
    minute = _MINUTES[rest] if rest else minute
    return f"{hour:02d}:{minute:02d}"
