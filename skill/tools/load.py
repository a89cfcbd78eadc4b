"""`python -m skill load URL`: the self-hosted endpoint under load, from another process.

Sends real request envelopes (launch, a question, a routine step, an emergency, a
name-free check) from concurrent clients, with bad requests interleaved: malformed JSON,
the wrong content type, an empty body and an oversized one. Good requests must all get
200 with speech (the name-free check, with its canFulfillIntent answer), bad ones a 4xx; it prints p50 and p99 latency and exits 1 on any error. Run the endpoint with
--no-verify for this (the requests are not signed).
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from .bench import request_events
from ..endpoint.web import MAX_BODY_BYTES

# One bad request after every BAD_EVERY good ones, cycling through these.
BAD_EVERY = 9
BAD_REQUESTS = [
    ("malformed JSON", b'{"version": "1.0", "request": ', "application/json"),
    ("wrong content type", b"<speak>hello</speak>", "text/xml"),
    ("empty body", b"", "application/json"),
    ("oversized body", b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}", "application/json"),
]


def _send(url: str, body: bytes, content_type: str, timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run(url: str, total: int, concurrency: int, timeout: float = 10.0) -> dict:
    goods = [json.dumps(event).encode() for event in request_events().values()]
    plan = []
    for index in range(total):
        if index % (BAD_EVERY + 1) == BAD_EVERY:
            plan.append(BAD_REQUESTS[(index // (BAD_EVERY + 1)) % len(BAD_REQUESTS)])
        else:
            plan.append(("good", goods[index % len(goods)], "application/json"))
    latencies: list[float] = []
    problems: Counter = Counter()
    statuses: Counter = Counter()
    lock = threading.Lock()

    def one(item) -> None:
        kind, body, content_type = item
        start = time.perf_counter()
        try:
            status, payload = _send(url, body, content_type, timeout)
        except Exception as error:  # a refused or dropped connection is a failure of the server
            with lock:
                problems[f"{kind}: {type(error).__name__}"] += 1
            return
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            statuses[(kind, status)] += 1
            if kind == "good":
                latencies.append(elapsed)
                answered = status == 200 and (b'"outputSpeech"' in payload or b'"canFulfillIntent"' in payload)
                if not answered:
                    problems[f"good request answered {status}"] += 1
            elif not 400 <= status < 500:
                problems[f"{kind} answered {status}"] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, plan))
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": total,
        "concurrency": concurrency,
        "seconds": round(wall, 2),
        "good": len(latencies),
        "p50_ms": round(statistics.median(ordered), 2) if ordered else None,
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * (len(ordered) - 1)))], 2) if ordered else None,
        "statuses": {f"{kind} {status}": count for (kind, status), count in sorted(statuses.items())},
        "problems": dict(problems),
    }


def main(url: str, total: int, concurrency: int) -> int:
    result = run(url, total, concurrency)
    print(json.dumps(result, indent=2))
    return 1 if result["problems"] else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
