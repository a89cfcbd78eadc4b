"""Loading the content: from content/*.yaml (through loader.py) or from the compiled JSON.

`compile-content` saves the validated content as JSON; start-up then rebuilds it (about
a millisecond) instead of parsing and checking every YAML file. A compiled copy is used
only if the code that reads content made it. In a checkout it must also match the YAML
(a checksum of both), and the tools keep content/compiled.json fresh themselves: a load
that had to read the YAML writes it. The Lambda package holds the compiled copy alone,
made and checked by the build, and no PyYAML: it never reads YAML.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import zlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from .content import (
    SYMPTOM_TYPE, ActionIntent, BuiltinIntent, Content, FollowUp, LocaleFacts, Prompts, QuestionIntent, RedFlag, Routine,
    RoutineStep, SlotSpec, Source, Topic,
)
from .triage import Rules, Sign

DEFAULT_CONTENT_DIR = Path(
    os.environ.get("CRAMP_COACH_CONTENT", Path(__file__).resolve().parents[3] / "content")
)

COMPILED_NAME = "compiled.json"
log = logging.getLogger(__name__)
# The Lambda build compiles "for requests only": without what only the interaction model
# needs (samples, and the Symptom type's many phrases, which the triage reads from the red
# flags themselves) and without the sources each entry names, which the build checks and
# nothing says aloud. The other slot types keep their values' phrases: a name-free check
# may carry a slot's words with no resolution (core/name_free.py). Tools never load it.
_BUILD_ONLY_FIELDS = {
    "asked": lambda asked: MappingProxyType({}),
    "samples": lambda samples: (),
    "slot_types": lambda types: MappingProxyType(
        {name: MappingProxyType(dict.fromkeys(values, ())) if name == SYMPTOM_TYPE else values for name, values in types.items()}
    ),
    "sources": lambda sources: MappingProxyType({}) if isinstance(sources, Mapping) else (),
}


def load_content(directory: Path | str = DEFAULT_CONTENT_DIR, *, for_requests: bool = False) -> Content:
    """Read and validate all content under `directory`; raise ContentError if unusable.

    `for_requests` (the Lambda function) may use a compiled copy made without phrases.
    In a checkout, the compiled copy is used while it matches the YAML, and the YAML is
    read (and compiled for the next start) when it doesn't. The Lambda package holds the
    compiled copy and neither YAML nor the means to read it (PyYAML, loader.py): it starts
    from that, never parsing YAML (see _stale_in_package).
    """
    directory = Path(directory)
    sources = sorted(directory.rglob("*.yaml"))
    compiled = _compiled(directory, for_requests)
    if compiled is not None and not sources:
        return compiled["content"]  # a built package: the YAML was checked by the build
    if compiled is not None and (importlib.util.find_spec("yaml") is None or not _LOADER.exists()):
        return _stale_in_package(directory, sources, compiled["content"])
    fingerprint = _checksum([*_CODE, _LOADER, *sources])
    if compiled is not None and compiled["fingerprint"] == fingerprint:
        return compiled["content"]
    from .loader import Loader  # the YAML parser and every check: not needed once compiled

    content = Loader(directory).load()
    with contextlib.suppress(OSError):  # a read-only folder, as on Lambda: next time, the YAML again
        _save(directory / COMPILED_NAME, fingerprint, False, content)
    return content


def _stale_in_package(directory: Path, sources: list[Path], built: Content) -> Content:
    """YAML edited on a deployed function (there is no PyYAML there to read it): the
    function goes on answering from the content it was built with, checked at build time,
    and says in its log, at every cold start, what to do."""
    names = ", ".join(str(path.relative_to(directory.parent)) for path in sources)
    log.error(
        "content edited after the build (%s): answering from the content it was built with; "
        "edit content/ in the project and deploy again (sam build && sam deploy)", names,
    )
    return built


def _compiled(directory: Path, for_requests: bool) -> dict | None:
    """The compiled copy, if there is one made by this code and fit for this use."""
    try:
        compiled = json.loads((directory / COMPILED_NAME).read_bytes(), object_hook=_decode)
        usable = compiled["code"] == code_fingerprint() and (for_requests or not compiled["for_requests"])
        if usable and isinstance(compiled["content"], Content):
            return compiled
    except Exception:  # missing, damaged or from other code: read the YAML instead
        pass
    return None


def _save(path: Path, fingerprint: str, for_requests: bool, content: Content) -> None:
    """Write the compiled copy whole or not at all (a temporary file, then a rename), so a
    process starting meanwhile never reads half of one."""
    import tempfile  # here: a cold start on Lambda never writes, and tempfile costs ~7 ms to import
    compiled = {"code": code_fingerprint(), "fingerprint": fingerprint, "for_requests": for_requests, "content": content}
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".compiled-", delete=False) as out:
        try:
            json.dump(_encode(compiled), out, ensure_ascii=False, separators=(",", ":"))
        except BaseException:
            os.unlink(out.name)
            raise
    os.chmod(out.name, 0o644)  # a temporary file is private; Lambda reads the package as another user
    os.replace(out.name, path)


def compile_content(
    directory: Path | str = DEFAULT_CONTENT_DIR, target: Path | str | None = None, for_requests: bool = False
) -> Path:
    """Validate the content and save it for a fast start-up; raise ContentError if unusable."""
    from .loader import Loader

    directory = Path(directory)
    content = Loader(directory).load()
    if for_requests:
        content = _for_requests(content)
    path = Path(target) if target is not None else directory / COMPILED_NAME
    _save(path, content_fingerprint(directory), for_requests, content)
    return path


def _for_requests(value):
    if isinstance(value, Routine):  # its phrases only name it in the model
        value = value._replace(said=())
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(
            *(_BUILD_ONLY_FIELDS[f](v) if f in _BUILD_ONLY_FIELDS else _for_requests(v) for f, v in zip(value._fields, value))
        )
    if isinstance(value, Mapping):
        return MappingProxyType({k: _for_requests(v) for k, v in value.items()})
    if isinstance(value, tuple):
        return tuple(_for_requests(v) for v in value)
    return value


# Every NamedTuple of this module, for JSON: {"@": "Topic", ...fields}; a read-only
# mapping is {"@map": {...}}; a tuple {"@tuple": [...]}.
def _encode(value):
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {"@": type(value).__name__, **{f: _encode(v) for f, v in zip(value._fields, value)}}
    if isinstance(value, tuple):
        return {"@tuple": [_encode(v) for v in value]}
    if isinstance(value, Mapping):
        return {"@map": {k: _encode(v) for k, v in value.items()}}
    return value


def _decode(obj: dict):
    if "@" in obj:
        cls = _TYPES[obj.pop("@")]
        return cls(**obj)
    if "@tuple" in obj:
        return tuple(obj["@tuple"])
    if "@map" in obj:
        return MappingProxyType(obj["@map"])
    return obj


# The code that rebuilds the content from the JSON; and the YAML checks, which the Lambda
# package leaves out (the Makefile): it has no YAML to check.
_CODE = [Path(__file__).with_name(name) for name in ("content.py", "compiled.py", "triage.py")]
_LOADER = Path(__file__).with_name("loader.py")


def code_fingerprint() -> str:
    """A checksum of the code that rebuilds the content: a compiled copy made by other
    code is never used."""
    return _checksum(_CODE)


def content_fingerprint(directory: Path) -> str:
    """A checksum of the YAML and of the code that reads and checks it. (zlib's crc32:
    cheap at start-up, and enough to tell an edited file from the compiled one; nothing
    here is a secret.)"""
    return _checksum([*_CODE, _LOADER, *sorted(directory.rglob("*.yaml"))])


def _checksum(paths: list[Path]) -> str:
    checksum = 0
    for path in paths:
        checksum = zlib.crc32(path.name.encode() + b"\0" + path.read_bytes(), checksum)
    return f"{checksum:08x}"


_TYPES = {cls.__name__: cls for cls in (
    Source, FollowUp, Topic, RoutineStep, Routine, ActionIntent, SlotSpec, QuestionIntent, BuiltinIntent,
    RedFlag, LocaleFacts, Prompts, Content, Rules, Sign,
)}
