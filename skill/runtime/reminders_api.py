"""The Alexa Reminders API, over HTTPS with the standard library.

Reached as Alexa says in each request: `context.System.apiEndpoint`, with the request's
`apiAccessToken` as the bearer token. The token is never logged or kept. The SDK's own
client is not used: importing it brings every service client (skill/runtime/sdk.py).
Every failure becomes a RemindersError whose `kind` the skill can say something about.
"""

from __future__ import annotations

import json
from urllib.parse import quote

PATH = "/v1/alerts/reminders"
TIMEOUT_SECONDS = 3.0  # Alexa waits 8 s for the whole answer

PERMISSION, UNSUPPORTED, TOO_MANY, UNAVAILABLE = "permission", "unsupported", "too_many", "unavailable"


class RemindersError(Exception):
    def __init__(self, kind: str, status: int | None = None):
        super().__init__(f"reminders API: {kind}" + (f" (HTTP {status})" if status else ""))
        self.kind = kind
        self.status = status


class RemindersApi:
    def __init__(self, endpoint: str, token: str, timeout: float | None = None):
        self.endpoint = endpoint.rstrip("/")
        self._token = token
        self.timeout = TIMEOUT_SECONDS if timeout is None else timeout

    def create(self, body: dict) -> str:
        return str(self._call("POST", PATH, body).get("alertToken") or "")

    def reminders(self) -> list[dict]:
        alerts = self._call("GET", PATH).get("alerts")
        return [a for a in alerts if isinstance(a, dict)] if isinstance(alerts, list) else []

    def delete(self, alert_token: str) -> None:
        self._call("DELETE", f"{PATH}/{quote(alert_token, safe='')}")

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        # Imported here: urllib.request brings http, ssl and email, about a tenth of a
        # cold start, and most requests set no reminder.
        import urllib.error
        import urllib.request

        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.endpoint + path, data=data, method=method,
            headers={"Authorization": f"Bearer {self._token}", "Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise RemindersError(_kind(error.code, error.read()), error.code) from None
        except (OSError, ValueError):  # refused, reset, timed out, a bad endpoint
            raise RemindersError(UNAVAILABLE) from None
        try:
            parsed = json.loads(payload) if payload.strip() else {}
        except ValueError:
            raise RemindersError(UNAVAILABLE) from None
        return parsed if isinstance(parsed, dict) else {}


def _kind(status: int, body: bytes) -> str:
    """401: no permission; 403: this device can't take reminders (as Amazon's samples
    read them); too many reminders; anything else, not now."""
    if status == 401:
        return PERMISSION
    if status == 403:
        return UNSUPPORTED
    try:
        code = str(json.loads(body).get("code", ""))
    except (ValueError, AttributeError):
        code = ""
    if "MAX_REMINDERS" in code or "MAXIMUM" in code:
        return TOO_MANY
    if status == 400 and "DEVICE_NOT_SUPPORTED" in code:
        return UNSUPPORTED
    return UNAVAILABLE
