"""Guided routines, played hands-free: the instructions, and holds that are really timed.

A routine is flattened into moves (a step, on one side, one repetition) and the moves
into segments of about SEGMENT_SECONDS of audio. One response plays one segment with no
word needed from the person: each hold is counted out as pauses of at most 10 seconds
with a spoken count between them, and the segment ends with "Say next to go on".

Where the person is fits in session attributes: the routine's id, the segment last
played, and whether it is paused (`Progress`). Nothing here knows about Alexa.
"""


from typing import NamedTuple
from functools import lru_cache

from .content import Prompts, Routine, RoutineStep, is_content_id
from .speech import Pause, Speech, spoken_seconds

SEGMENT_SECONDS = 75  # one response, with its opening and closing words: under about 90 s
COUNTDOWN_FROM = 5  # "five, four, three, two, one, and relax"
ANNOUNCE_EVERY = 10  # "twenty more seconds", "ten more seconds"
MAX_SEGMENTS = 1000  # far more than any routine has; a forged segment number stays small
_BEAT_MS = 1000  # the countdown's pace: one number a second

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_TENS = {30: "thirty", 40: "forty", 50: "fifty", 60: "sixty"}


def number_words(n: int) -> str:
    if n <= 20:
        return _NUMBER_WORDS[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens * 10] + (f" {_NUMBER_WORDS[ones]}" if ones else "")


class Move(NamedTuple):
    """One thing to do: a step, on one side, one repetition."""

    step: RoutineStep
    number: int  # the step's number in the routine, from 1
    side: int  # 1 or 2; 1 for a step without sides
    rep: int  # from 1


class Progress(NamedTuple):
    """Where the person is in a routine; kept in session attributes between turns."""

    routine: str
    segment: int  # the segment last played
    paused: bool = False

    def to_json(self) -> dict:
        return {"routine": self.routine, "segment": self.segment, "paused": self.paused}

    @classmethod
    def from_json(cls, data: object) -> "Progress | None":
        """Progress saved by `to_json`, or None for anything malformed. Whether the routine
        and segment still exist is for the caller, who has the content, to check."""
        if not isinstance(data, dict):
            return None
        routine, segment, paused = data.get("routine"), data.get("segment"), data.get("paused", False)
        if not is_content_id(routine) or not isinstance(paused, bool):
            return None
        if not isinstance(segment, int) or isinstance(segment, bool) or not 0 <= segment < MAX_SEGMENTS:
            return None
        return cls(routine, segment, paused)


def moves(routine: Routine) -> tuple[Move, ...]:
    return tuple(
        Move(step, number, side, rep)
        for number, step in enumerate(routine.steps, 1)
        for side in ((1, 2) if step.sides else (1,))
        for rep in range(1, step.reps + 1)
    )


@lru_cache(maxsize=64)
def hold_count(seconds: int, prompts: Prompts, until_eased: bool = False) -> Speech:
    """A hold of `seconds`, counted out: "Hold." ... "twenty more seconds" ... "five, four,
    three, two, one, and relax." Each pause is the time to the next word minus the time
    the words before it take to say, so the whole lasts `seconds` (no pause over 10 s).

    A hold `until_eased` (a cramp happening now) has no end to count down to: it is
    "Hold.", "Keep holding." every ten seconds, then "Keep holding until the cramp lets go."
    """
    events: list[tuple[float, str]] = [(0, prompts.hold)]
    if until_eased:
        events += [(at, prompts.keep_holding) for at in range(ANNOUNCE_EVERY, seconds, ANNOUNCE_EVERY)]
        events.append((seconds, prompts.hold_until_eased))
    else:
        for left in range(ANNOUNCE_EVERY * ((seconds - 1) // ANNOUNCE_EVERY), COUNTDOWN_FROM, -ANNOUNCE_EVERY):
            events.append((seconds - left, prompts.seconds_left.format(seconds=number_words(left))))
        for left in range(min(COUNTDOWN_FROM, seconds - 1), 0, -1):
            events.append((seconds - left, number_words(left) + ","))
        events.append((seconds, prompts.relax))
    pieces: list = []
    for (at, text), (next_at, _) in zip(events, events[1:]):
        pieces.append(text)
        silence_ms = round((next_at - at - spoken_seconds(text)) * 1000)
        if silence_ms > 0:
            pieces.append(Pause(silence_ms))
    pieces.append(events[-1][1])
    return Speech.of(*pieces)


def move_speech(move: Move, prompts: Prompts, opens_segment: bool = False) -> Speech:
    """The move's words and hold. A repetition is just "Again."; but a segment always
    opens with the instruction, so someone coming back after a pause knows what to do."""
    if move.side == 2 and move.rep == 1:
        lead: tuple[str, ...] = (prompts.other_side, move.step.do) if opens_segment else (prompts.other_side,)
    elif move.rep > 1 and not opens_segment:
        lead = (prompts.again,)
    else:
        lead = (move.step.do,)
    hold = hold_count(move.step.hold, prompts, move.step.until_eased) if move.step.hold else None
    return Speech.of(*lead, hold)


@lru_cache(maxsize=64)
def segments(routine: Routine, prompts: Prompts) -> tuple[tuple[int, int], ...]:
    """(first move, end move) of each segment: as many whole moves as fit SEGMENT_SECONDS."""
    bounds, start, length = [], 0, 0.0
    all_moves = moves(routine)
    for index, move in enumerate(all_moves):
        seconds = move_speech(move, prompts, opens_segment=index == start).seconds()
        if index > start and length + seconds > SEGMENT_SECONDS:
            bounds.append((start, index))
            start, length = index, 0.0
        length += seconds
    bounds.append((start, len(all_moves)))
    return tuple(bounds)


def segment_moves(routine: Routine, index: int, prompts: Prompts) -> tuple[Move, ...]:
    first, end = segments(routine, prompts)[index]
    return moves(routine)[first:end]


@lru_cache(maxsize=256)  # a part is the same every time it is played
def segment_speech(routine: Routine, index: int, prompts: Prompts) -> Speech:
    played = segment_moves(routine, index, prompts)
    return Speech.of(*(move_speech(move, prompts, opens_segment=n == 0) for n, move in enumerate(played)))
