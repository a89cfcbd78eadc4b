"""What the offline resolver works out from a model, stored so that nobody waits for it.

Training the classifier takes tens of seconds, and normalising the model's phrases (the
Symptom type alone has thousands) a second or two. `python -m skill build-models` stores
both beside the models (interaction_models/resolver.bin); for any other model, such as
one being edited, the first dialog works them out and keeps them in the user's cache.
Either is used only under the training key it was made with (Resolver.training_key: the
model, the skill's triage and the resolver's code), so a stale file is never trusted.

The file: a line of JSON (the key, each phrase as normalised, the classifier's labels,
bias and features in order), then every feature's weights as little-endian doubles, all
compressed. Exact, and read in a fraction of the time the weights take as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import zlib
from array import array
from pathlib import Path
from typing import NamedTuple

from ..interaction_model import RESOLVER_PATH
from .classifier import Classifier


class Stored(NamedTuple):
    normalised: dict[str, str]  # every sample's words and every slot value, as normalize() makes them
    classifier: Classifier


_READ: dict[str, Stored] = {}  # per training key, for the process


def stored_for(key: str) -> Stored | None:
    """What was stored under this key: beside the models, or in the user's cache."""
    if key not in _READ:
        found = read_file(RESOLVER_PATH, key) or read_file(_cache_path(key), key)
        if found is None:
            return None
        _READ[key] = found
    return _READ[key]


def keep(key: str, stored: Stored) -> None:
    """Keep what the resolver worked out in the user's cache, for the next start."""
    _READ[key] = stored
    _write_quietly(_cache_path(key), to_bytes(key, stored))


def read_file(path: Path, key: str) -> Stored | None:
    try:
        return from_bytes(path.read_bytes(), key)
    except (OSError, ValueError, KeyError, TypeError, zlib.error):
        return None


def to_bytes(key: str, stored: Stored) -> bytes:
    classifier = stored.classifier
    header = {
        "key": key, "normalised": stored.normalised,
        "labels": classifier.labels, "bias": classifier.bias, "features": list(classifier.weights),
    }
    table = array("d", (w for row in classifier.weights.values() for w in row))
    if sys.byteorder == "big":
        table.byteswap()
    return zlib.compress(json.dumps(header).encode() + b"\n" + table.tobytes(), 9)


def from_bytes(data: bytes, key: str) -> Stored | None:
    """What the bytes hold, or None if they were made under another key."""
    line, _, packed = zlib.decompress(data).partition(b"\n")
    header = json.loads(line)
    if header["key"] != key:
        return None
    table = array("d")
    table.frombytes(packed)
    if sys.byteorder == "big":
        table.byteswap()
    values, size, features = table.tolist(), len(header["labels"]), header["features"]
    if len(values) != size * len(features):
        raise ValueError("truncated weights")
    weights = {f: values[n * size:(n + 1) * size] for n, f in enumerate(features)}
    return Stored(header["normalised"], Classifier(header["labels"], weights, header["bias"]))


def _cache_path(key: str) -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "cramp-coach" / f"resolver-{key}.bin"


def _write_quietly(path: Path, data: bytes) -> None:
    """Write atomically, or not at all: a cache that can't be written only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as out:
            out.write(data)
        os.replace(out.name, path)
    except OSError:
        pass
