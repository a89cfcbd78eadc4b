"""The self-hosted endpoint: a Flask app serving the same skill object as Lambda at POST /.

Every request is verified as Alexa requires (skill/endpoint/verify.py) before the skill sees it.
Anything wrong answers 400 with nothing that helps an attacker, and the reason goes to
the log; a body over MAX_BODY_BYTES answers 413. The configuration names are
flask-ask-sdk's, so its users feel at home: ASK_SDK_VERIFY_SIGNATURE and
ASK_SDK_VERIFY_TIMESTAMP (both on unless set False before create_app).

`serve()` runs it on waitress, a production WSGI server: it reads each request whole
before a worker thread sees it, so slow or half-sent requests hold no thread, and it has
no debugger or reloader to switch on.
"""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, request
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask
from werkzeug.exceptions import HTTPException

from ..runtime.app import InvalidRequestError, handle_event
from .verify import RequestRejected, Verifier

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 128 * 1024  # an Alexa request is a few kilobytes
# waitress: how many connections it holds open at once (each costs a socket and a buffer,
# not a thread), and how long an idle or half-sent one may wait before it is closed.
CONNECTION_LIMIT = 1000
CONNECTION_TIMEOUT_SECONDS = 15
THREADS = 8


def _json(status: int, payload: dict) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def create_app(skill, skill_id: str | None = None, verifier: Verifier | None = None, config: dict | None = None) -> Flask:
    app = Flask("cramp_coach")
    app.config.update({"ASK_SDK_VERIFY_SIGNATURE": True, "ASK_SDK_VERIFY_TIMESTAMP": True, **(config or {})})
    # Whatever FLASK_DEBUG says: errors are answered by the handlers below, never shown.
    app.config.update({"DEBUG": False, "PROPAGATE_EXCEPTIONS": False})
    verifier = verifier or Verifier(skill_id=skill_id)
    verifier.verify_signature = bool(app.config["ASK_SDK_VERIFY_SIGNATURE"])
    verifier.verify_timestamp = bool(app.config["ASK_SDK_VERIFY_TIMESTAMP"])

    @app.post("/")
    def alexa() -> Response:
        if request.mimetype != "application/json":
            log.warning("rejected: content type %s", request.mimetype[:40] or "none")
            return _json(415, {"error": "unsupported media type"})
        # The exact bytes Alexa signed, read up to one byte past the limit: a longer body,
        # chunked or not, is refused whole rather than cut and checked in part.
        body = request.stream.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            log.warning("rejected: body over %d bytes", MAX_BODY_BYTES)
            return _json(413, {"error": "request entity too large"})
        try:
            envelope = json.loads(body)
        except (ValueError, RecursionError):  # not JSON, too deeply nested, or a number too long
            log.warning("rejected: body is not JSON")
            return _json(400, {"error": "bad request"})
        try:
            verifier.verify(request.headers, body, envelope)
        except RequestRejected as rejected:
            log.warning("rejected: %s", rejected.reason)
            return _json(400, {"error": "bad request"})
        try:
            return _json(200, handle_event(skill, envelope))
        except InvalidRequestError:
            log.warning("rejected: not a valid Alexa request envelope")
            return _json(400, {"error": "bad request"})

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        # 405 for GET, 413 for an oversized body, 404 elsewhere: plain JSON, no detail.
        return _json(error.code or 500, {"error": (error.name or "error").lower()})

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.error("request failed: %s", type(error).__name__)
        return _json(500, {"error": "internal server error"})

    return app


class PlainErrorTask(ErrorTask):
    """waitress's own refusals (a body over the limit, a malformed request) in the
    endpoint's JSON: the status's name and nothing about limits or parsing."""

    def execute(self) -> None:
        error = self.request.error
        body = json.dumps({"error": error.reason.lower()}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class Channel(HTTPChannel):
    """A connection whose protocol errors are answered by PlainErrorTask."""

    error_task_class = PlainErrorTask


def serve(app: Flask, host: str, port: int) -> None:
    """Serve `app` on waitress until interrupted."""
    listeners: dict = {}
    server = create_server(
        app,
        map=listeners,
        host=host,
        port=port,
        threads=THREADS,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=CONNECTION_TIMEOUT_SECONDS,
        cleanup_interval=min(CONNECTION_TIMEOUT_SECONDS, 30),
        # A body over the limit, chunked or not, is refused with 413 before it is all read.
        max_request_body_size=MAX_BODY_BYTES,
        ident="",
    )
    for listener in listeners.values():  # one per address the host resolves to
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = Channel
    server.print_listen("Serving on http://{}:{}")
    server.run()
