"""A local stand-in for the Alexa Reminders API, for the offline dialog and the tests.

It serves POST/GET /v1/alerts/reminders and DELETE /v1/alerts/reminders/{alertToken} on
127.0.0.1, with bodies shaped as Amazon documents them (alertToken, createdTime,
updatedTime, status, version, href; a list as totalCount and alerts), and keeps the
reminders in memory. The skill reaches it as it reaches Alexa's: through the request's
apiEndpoint and apiAccessToken. A token it was not told is granted gets 401, as a person
who never allowed reminders does. `fail_next` makes the next call fail with a status
and error code; `delay` makes every answer wait.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/v1/alerts/reminders"


class RemindersStandIn:
    def __init__(self):
        self.reminders: dict[str, dict] = {}  # alertToken -> the reminder as the API lists it
        self.granted: set[str] = set()  # bearer tokens allowed to use reminders
        self.calls: list[tuple[str, str]] = []  # (method, path), in order
        self.delay = 0.0
        self._fail: list[tuple[int, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail_next(self, status: int, code: str = "") -> None:
        self._fail.append((status, code))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, method: str, path: str, token: str, body: bytes) -> tuple[int, dict]:
        with self._lock:
            self.calls.append((method, path))
            if self._fail:
                status, code = self._fail.pop(0)
                return status, {"code": code, "message": f"stand-in failure {status}"}
            if token not in self.granted:
                return 401, {"code": "UNAUTHORIZED", "message": "The customer has not granted the permission."}
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000")
            if method == "POST" and path == PATH:
                try:
                    request = json.loads(body)
                except ValueError:
                    return 400, {"code": "INVALID_REQUEST", "message": "body is not JSON"}
                alert = str(uuid.uuid4())
                self.reminders[alert] = {
                    "alertToken": alert, "createdTime": now, "updatedTime": now, "status": "ON", "version": "1",
                    "trigger": request.get("trigger"), "alertInfo": request.get("alertInfo"),
                    "pushNotification": request.get("pushNotification"), "href": f"{PATH}/{alert}",
                }
                return 200, {k: self.reminders[alert][k] for k in ("alertToken", "createdTime", "updatedTime", "status", "version", "href")}
            if method == "GET" and path == PATH:
                return 200, {"totalCount": str(len(self.reminders)), "alerts": list(self.reminders.values()), "links": None}
            if method == "DELETE" and path.startswith(PATH + "/"):
                if self.reminders.pop(path.rsplit("/", 1)[1], None) is None:
                    return 404, {"code": "NOT_FOUND", "message": "The reminder is not found."}
                return 200, {}
            return 404, {"code": "NOT_FOUND", "message": f"{method} {path}"}

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                if standin.delay:
                    time.sleep(standin.delay)
                status, answer = standin._answer(self.command, self.path, token, body)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _serve

            def log_message(self, *args) -> None:  # quiet: the dialog prints what Alexa says
                pass

        return Handler
