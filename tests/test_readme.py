"""Every transcript in the README and docs/ is what `python -m skill dialog` says.

A transcript is a ```text block of `User  >` and `Alexa >` lines; an `<!-- locale: xx-XX -->`
line just before it picks the locale (en-US otherwise), and `<!-- name-free -->` says it
without the skill's name (`dialog --name-free`). Answers may wrap onto lines
indented like the dialog's own markers; they are compared word for word, markers
such as `[session ended]` included, so a README can never drift from the skill again.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from skill.tools.simulator.dialog import Dialog, run

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKERS = re.compile(r"\[session ended\]|\[no session is open\]|\[name-free: [^\]]+\]|\[Alexa asks for permission [^\]]+\]")
_BLOCK = re.compile(
    r"(?:<!-- (?:locale: (?P<locale>[a-z]{2}-[A-Z]{2})|(?P<name_free>name-free)) -->\n)?```text\n(?P<body>.*?)```", re.S
)


def turns(text: str) -> list[tuple[str, str]]:
    """(speaker, words) for each line the dialog prints, wrapped lines joined."""
    parsed: list[tuple[str, str]] = []
    for line in text.splitlines():
        if line.startswith(("User  > ", "Alexa > ")):
            parsed.append((line[:5].strip(), line[8:]))
        elif MARKERS.fullmatch(line.strip()):
            parsed.append(("marker", line.strip()))
        elif line.startswith("        ") and parsed and parsed[-1][0] == "Alexa":
            parsed[-1] = ("Alexa", parsed[-1][1] + " " + line.strip())
        elif line.strip():
            raise AssertionError(f"not a line the dialog prints: {line!r}")
    return [(speaker, " ".join(words.split())) for speaker, words in parsed]


def transcripts():
    for document in DOCUMENTS:
        for number, match in enumerate(_BLOCK.finditer(document.read_text()), 1):
            if "User  > " in match["body"]:
                name = f"{document.relative_to(ROOT)}#{number}"
                yield pytest.param(match["locale"] or "en-US", bool(match["name_free"]), match["body"], id=name)


@pytest.mark.parametrize("locale, name_free, transcript", list(transcripts()))
def test_the_transcript_is_what_the_dialog_says(locale, name_free, transcript):
    expected = turns(transcript)
    said = [words for speaker, words in expected if speaker == "User"]
    out = io.StringIO()
    dialog = Dialog.for_locale(locale)
    dialog.name_free = name_free
    run(dialog, said, out, echo=True)  # as when lines are piped in
    assert turns(out.getvalue()) == expected


def test_the_readme_has_transcripts_to_check():
    assert sum(1 for param in transcripts() if param.id.startswith("README.md")) >= 3
