"""`python -m skill serve` as a production endpoint: a real server process, real sockets.

It runs on waitress, which reads each request whole before a worker thread sees it, so
clients that stall hold no thread; no environment variable turns on a debugger.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from skill.endpoint.web import MAX_BODY_BYTES

LAUNCH = (Path(__file__).parent / "fixtures" / "requests" / "launch.json").read_bytes()


def post(url: str, body: bytes, timeout: float = 10, **headers) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST", "/", body=body, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_with_flask_debug_set_there_is_no_debugger_console(serve):
    url = serve("--no-verify", env={"FLASK_DEBUG": "1", "FLASK_ENV": "development"})
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", "/console")
    response = connection.getresponse()
    assert response.status == 404 and b"debugger" not in response.read().lower()
    status, body = post(url, b'{"request": [], "version": "1.0"}')
    assert status == 400 and json.loads(body) == {"error": "bad request"}  # no traceback page


def test_four_hundred_stalled_clients_do_not_keep_others_waiting(serve):
    url = serve("--no-verify")
    parts = urlsplit(url)
    assert post(url, LAUNCH)[0] == 200  # the first request pays for the skill's lazy imports
    stalled = []
    try:
        for n in range(400):
            client = socket.create_connection((parts.hostname, parts.port), timeout=10)
            if n % 2:  # half never finish their headers; half promise a body and send ten bytes
                client.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: appl")
            else:
                client.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"version\"")
            stalled.append(client)
        started = time.perf_counter()
        status, body = post(url, LAUNCH)
        waited = time.perf_counter() - started
    finally:
        for client in stalled:
            client.close()
    print(f"\n  with 400 stalled connections open, a good request was answered in {waited * 1000:.0f} ms")
    assert status == 200 and json.loads(body)["response"]["outputSpeech"]


def test_a_chunked_body_over_the_limit_is_refused_with_413_and_the_server_goes_on(serve):
    url = serve("--no-verify")
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    chunks = (b"[" + b" " * 8190 + b"]" for _ in range(MAX_BODY_BYTES // 8192 + 2))
    connection.request("POST", "/", body=chunks, headers={"Content-Type": "application/json"}, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read()) == {"error": "request entity too large"}  # no limit, no parser's words
    connection.close()
    status, body = post(url, b" " * (MAX_BODY_BYTES + 1))
    assert status == 413 and json.loads(body) == {"error": "request entity too large"}
    within = (b'{"x": "' + b"a" * (MAX_BODY_BYTES // 2) + b'"}',)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("POST", "/", body=iter(within), headers={"Content-Type": "application/json"}, encode_chunked=True)
    assert connection.getresponse().status == 400  # read whole, then refused as no envelope
    connection.close()
    assert post(url, LAUNCH)[0] == 200
