"""Speech as data, and the one place that writes SSML.

Everything the skill says is a `Speech`: a sequence of plain-text pieces and pauses.
Text is escaped here and nowhere else, pauses are capped at Alexa's 10-second break
limit, and the rendered SSML is checked against the 8000-character output limit.
A `Speech` also round-trips through JSON, so the last thing said can live in session
attributes (for "repeat") without ever storing raw SSML that a forged request could alter.
"""


import re
from functools import lru_cache
from typing import NamedTuple
from typing import Union
from collections.abc import Iterable

MAX_SSML_CHARS = 8000  # Alexa rejects longer outputSpeech.
MAX_BREAK_MS = 10_000  # Alexa's limit for one <break time>.
# Alexa's speaking rate, as the skill assumes it: about 150 words a minute, a calm pace
# (its default voice runs a little faster, so estimates err on the long side). Holds are
# timed with it, and `python -m skill routine --wav` renders at the same rate.
WORDS_PER_MINUTE = 150

# Characters XML 1.0 forbids even when escaped, which would make the SSML unparseable,
# and lone surrogates, which no UTF-8 encoder can send.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What text must not contain raw inside SSML (quotes only matter in attributes, and this
# module writes every attribute itself). Not xml.sax.saxutils: it imports urllib.request,
# 20 ms of every Lambda cold start.
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class SpeechError(ValueError):
    """Speech that Alexa would refuse to say (too long, or an impossible pause)."""


class _PauseFields(NamedTuple):
    ms: int


class Pause(_PauseFields):
    """A silence of `ms` milliseconds, rendered as <break> (never over 10 s)."""

    __slots__ = ()

    def __new__(cls, ms: int) -> "Pause":
        if not 0 < ms <= MAX_BREAK_MS:
            raise SpeechError(f"a pause must be 1..{MAX_BREAK_MS} ms, not {ms}")
        return super().__new__(cls, ms)


Piece = Union[str, Pause]


class Speech(NamedTuple):
    """Immutable speech: text and pauses in the order they are said."""

    pieces: tuple[Piece, ...]

    @classmethod
    def of(cls, *parts: "Piece | Speech | None") -> "Speech":
        """Join text, pauses and other speech; `None` parts are skipped. Pauses that meet
        are one silence, so together they too must stay within Alexa's 10 seconds."""
        pieces: list[Piece] = []
        for part in parts:
            if part is None:
                continue
            for piece in part.pieces if isinstance(part, Speech) else (part,):
                if isinstance(piece, Pause):
                    if pieces and isinstance(pieces[-1], Pause):
                        piece = Pause(pieces.pop().ms + piece.ms)
                    pieces.append(piece)
                elif isinstance(piece, str):
                    text = " ".join(piece.split())
                    if text:
                        pieces.append(text)
                else:
                    raise TypeError(f"cannot speak {type(piece).__name__}")
        return cls(tuple(pieces))

    def seconds(self) -> float:
        """How long Alexa takes to say this: words at WORDS_PER_MINUTE, plus every pause."""
        return sum(p.ms / 1000 if isinstance(p, Pause) else spoken_seconds(p) for p in self.pieces)

    @lru_cache(maxsize=256)  # noqa: B019 - speech is immutable, and routine parts repeat
    def ssml(self) -> str:
        """The SSML document Alexa will speak, escaped and within Alexa's limits."""
        body = []
        for piece in self.pieces:
            if isinstance(piece, Pause):
                body.append(f'<break time="{piece.ms}ms"/>')
            else:
                body.append(_INVALID_XML_CHARS.sub("", piece).translate(_XML_ESCAPES))
        ssml = "<speak>" + " ".join(body) + "</speak>"
        if len(ssml) > MAX_SSML_CHARS:
            raise SpeechError(f"speech is {len(ssml)} characters; Alexa allows {MAX_SSML_CHARS}")
        return ssml

    def plain(self) -> str:
        return ssml_to_plain(self.ssml())

    def to_json(self) -> list:
        return [{"pause_ms": p.ms} if isinstance(p, Pause) else p for p in self.pieces]

    @classmethod
    def from_json(cls, data: object) -> "Speech | None":
        """Rebuild speech saved by `to_json`; anything malformed gives None, never an error."""
        if not isinstance(data, list) or not data:
            return None
        pieces: list[Piece] = []
        for item in data:
            if isinstance(item, str):
                pieces.append(item)
            elif isinstance(item, dict) and set(item) == {"pause_ms"}:
                ms = item["pause_ms"]
                if not isinstance(ms, int) or isinstance(ms, bool) or not 0 < ms <= MAX_BREAK_MS:
                    return None
                pieces.append(Pause(ms))
            else:
                return None
        speech = cls.of(*pieces)
        try:
            speech.ssml()
        except SpeechError:
            return None
        return speech


def _parse(ssml: str):
    # Imported here: only tools and tests read SSML back, never a request.
    import xml.etree.ElementTree as ElementTree

    return ElementTree.fromstring(ssml)


def ssml_to_plain(ssml: str) -> str:
    """What a listener hears, as text: tags dropped, pauses of a second or more shown."""
    root = _parse(ssml)
    words: list[str] = []
    for text, pause_ms in _walk(root):
        if text is not None:
            words.append(text)
        elif pause_ms >= 1000:
            words.append(f"[pause {pause_ms / 1000:g}s]")
    return " ".join(" ".join(words).split())


def spoken_seconds(text: str) -> float:
    """How long Alexa takes to say `text`, at WORDS_PER_MINUTE."""
    return len(text.split()) * 60 / WORDS_PER_MINUTE


def estimated_seconds(ssml: str) -> float:
    """How long Alexa takes to say this SSML, at WORDS_PER_MINUTE plus every pause."""
    root = _parse(ssml)
    words = 0
    pause_ms = 0
    for text, ms in _walk(root):
        if text is not None:
            words += len(text.split())
        else:
            pause_ms += ms
    return words * 60 / WORDS_PER_MINUTE + pause_ms / 1000


def _walk(element) -> Iterable[tuple[str | None, int]]:
    """Yield (text, 0) for spoken text and (None, ms) for each break, in document order."""
    if element.tag == "break":
        yield None, _break_ms(element)
    elif element.text:
        yield element.text, 0
    for child in element:
        yield from _walk(child)
        if child.tail:
            yield child.tail, 0


_STRENGTH_MS = {"none": 0, "x-weak": 0, "weak": 250, "medium": 500, "strong": 750, "x-strong": 1000}


def _break_ms(element) -> int:
    time = element.get("time")
    if time is None:
        return _STRENGTH_MS.get(element.get("strength", "medium"), 500)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", time.strip())
    if not match:
        return 0
    value, unit = float(match.group(1)), match.group(2)
    return int(value if unit == "ms" else value * 1000)
