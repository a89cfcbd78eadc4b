"""What the skill says, decided in plain Python: content and session state in, a Reply out.

Nothing here knows about Alexa requests or the SDK. The handlers translate a request into
a call on `Conversation`, and `Reply` back into a response.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from collections.abc import Mapping

from .content import EMERGENCY, Content, RedFlag, Routine, Topic
from .routines import Progress, number_words, segment_moves, segment_speech, segments
from .session import SessionState
from .speech import Pause, Speech

# A beat between an answer and the offer that follows it, so the question stands apart.
OFFER_PAUSE = Pause(600)


class Card(NamedTuple):
    title: str
    text: str


class Screen(NamedTuple):
    """What a device with a screen shows during a routine."""

    title: str
    progress: str  # "Part 2 of 5"
    steps: tuple[tuple[str, int | None], ...]  # the instructions being played, with holds


class Reply(NamedTuple):
    speech: Speech
    # Present exactly when the skill has asked something and keeps listening.
    reprompt: Speech | None = None
    card: Card | None = None
    # The topic whose follow-up was just offered: "yes" will hear it.
    offer_from: str | None = None
    # Where the person is in a routine, carried to the next turn.
    routine: Progress | None = None
    # "Want to go back to the calf stretch?" was just asked.
    offer_resume: bool = False
    screen: Screen | None = None

    @property
    def ends_session(self) -> bool:
        return self.reprompt is None

    def next_state(self) -> SessionState:
        # In a routine, "repeat" plays the part again from where the person is, so the
        # (long) speech is not carried in the session; an offer to go back to it is.
        remembered = self.routine is None or self.offer_resume
        return SessionState(
            offer_from=self.offer_from,
            offer_resume=self.offer_resume,
            routine=self.routine,
            last_speech=self.speech if remembered else None,
            last_reprompt=self.reprompt if remembered else None,
        )


class Conversation:
    def __init__(self, content: Content):
        self.content = content
        self.prompts = content.prompts

    def _asking(self, text: str, reprompt: str) -> Reply:
        return Reply(Speech.of(text), reprompt=Speech.of(reprompt))

    def welcome(self) -> Reply:
        return self._asking(self.prompts.welcome, self.prompts.welcome_reprompt)

    def help(self) -> Reply:
        return self._asking(self.prompts.help, self.prompts.help_reprompt)

    def fallback(self) -> Reply:
        return self._asking(self.prompts.fallback, self.prompts.fallback_reprompt)

    def error(self) -> Reply:
        return self._asking(self.prompts.error, self.prompts.error_reprompt)

    def goodbye(self) -> Reply:
        return Reply(Speech.of(self.prompts.goodbye))

    def answer(
        self,
        intent_name: str,
        slot_ids: Mapping[str, str | None],
        locale: str | None = None,
        state: SessionState = SessionState(),
    ) -> Reply:
        """Answer a question intent; an intent that is not ours gets the fallback.

        In the middle of a routine the answer ends by offering to go back to it.
        """
        topic = self.content.topic_for(intent_name, slot_ids)
        if topic is None:
            return self.fallback()
        flag = self.content.asked_about_flag(intent_name, slot_ids)
        if flag is not None:
            # Asked about, perhaps by someone who has it: the red flag's answer, but an
            # emergency opens with "if this is happening now".
            return self.red_flag(flag, locale, asked_about=True)
        progress = self._progress(state)
        if progress is None or topic.routine is not None:
            return self.answer_topic(topic)
        offer = self.prompts.back_to_routine.format(name=self.content.routines[progress.routine].name)
        return Reply(
            Speech.of(topic.speech, OFFER_PAUSE, offer),
            reprompt=Speech.of(offer, self.prompts.offer_reprompt),
            card=self._card(topic.title, topic.card),
            routine=progress,
            offer_resume=True,
        )

    def answer_topic(self, topic: Topic) -> Reply:
        if topic.routine is not None:
            return self.start_routine(topic.routine, announce=False)
        card = self._card(topic.title, topic.card)
        offer = topic.follow_up
        if offer is None:
            return Reply(Speech.of(topic.speech), card=card)
        return Reply(
            Speech.of(topic.speech, OFFER_PAUSE, offer.prompt),
            reprompt=Speech.of(offer.prompt, self.prompts.offer_reprompt),
            card=card,
            offer_from=topic.id,
        )

    def accept_offer(self, state: SessionState) -> Reply:
        progress = self._progress(state)
        if progress is not None and (state.offer_resume or state.offer_from is None):
            # "Want to go back?" "Yes." Or "yes" / "go on" after "Say next to go on".
            return self.resume(state) if state.offer_resume else self.next_segment(state)
        topic = self.content.topics.get(state.offer_from) if state.offer_from else None
        if topic is None or topic.follow_up is None:
            return self._asking(self.prompts.nothing_offered, self.prompts.help_reprompt)
        if topic.follow_up.topic is not None:
            return self.answer_topic(self.content.topics[topic.follow_up.topic])
        if topic.follow_up.routine is not None:
            return self.start_routine(topic.follow_up.routine)
        return Reply(
            Speech.of(topic.follow_up.text), card=self._card(topic.title, topic.follow_up.text)
        )

    def decline_offer(self, state: SessionState) -> Reply:
        if state.offer_resume or (state.offer_from is None and self._progress(state) is not None):
            return Reply(Speech.of(self.prompts.routine_stopped))
        if state.offer_from is None:
            return self.goodbye()
        return Reply(Speech.of(self.prompts.declined))

    def repeat(self, state: SessionState) -> Reply:
        progress = self._progress(state)
        if progress is not None and not state.offer_resume and state.offer_from is None:
            return self._play(progress.routine, progress.segment)
        if state.last_speech is None:
            return self._asking(self.prompts.nothing_to_repeat, self.prompts.help_reprompt)
        return Reply(state.last_speech, reprompt=state.last_reprompt, offer_from=state.offer_from)

    # -- guided routines

    def list_routines(self) -> Reply:
        names = [routine.name for routine in self.content.routines.values()]
        listed = ", ".join(names[:-1]) + f", and {names[-1]}" if len(names) > 1 else names[0]
        return self._asking(self.prompts.routines_list.format(names=listed), self.prompts.routines_list_reprompt)

    def start_routine(self, routine_id: str | None, announce: bool = True) -> Reply:
        """Play a routine's first segment. Asked for by name, it opens with its name and
        safety note; started from a cramp happening now, the first words are what to do."""
        routine = self.content.routines.get(routine_id or "")
        if routine is None:
            return self.list_routines()
        if announce:
            return self._play(routine.id, 0, self.prompts.routine_start.format(name=routine.name), routine.safety)
        return self._play(routine.id, 0, after_first_step=routine.safety)

    def next_segment(self, state: SessionState) -> Reply:
        progress = self._progress(state)
        if progress is None:
            return self.no_routine()
        return self._play(progress.routine, progress.segment + 1)

    def previous_segment(self, state: SessionState) -> Reply:
        progress = self._progress(state)
        if progress is None:
            return self.no_routine()
        if progress.segment == 0:
            name = self.content.routines[progress.routine].name
            return self._play(progress.routine, 0, self.prompts.routine_first.format(name=name))
        return self._play(progress.routine, progress.segment - 1)

    def start_over(self, state: SessionState) -> Reply:
        progress = self._progress(state)
        return self.no_routine() if progress is None else self._play(progress.routine, 0)

    def resume(self, state: SessionState) -> Reply:
        """Back to the exact segment the person was on, after a pause or a question."""
        progress = self._progress(state)
        if progress is None:
            return self.no_routine()
        name = self.content.routines[progress.routine].name
        return self._play(progress.routine, progress.segment, self.prompts.routine_resume.format(name=name))

    def pause(self, state: SessionState) -> Reply:
        progress = self._progress(state)
        if progress is None:
            return self.no_routine()
        return Reply(
            Speech.of(self.prompts.routine_paused),
            reprompt=Speech.of(self.prompts.routine_paused_reprompt),
            routine=Progress(progress.routine, progress.segment, paused=True),
        )

    def finish_routine(self, state: SessionState) -> Reply:
        """ "I'm done": praise and stop; with no routine going, a goodbye."""
        if self._progress(state) is None:
            return self.goodbye()
        return Reply(Speech.of(self.prompts.routine_stopped))

    def pain_worse(self) -> Reply:
        """It hurts more: stop, and when to see a doctor. Any routine ends with the session."""
        return Reply(Speech.of(self.prompts.pain_worse), card=self._card("If it hurts more", self.prompts.pain_worse))

    def no_routine(self) -> Reply:
        return self._asking(self.prompts.no_routine, self.prompts.routines_list_reprompt)

    def _progress(self, state: SessionState) -> Progress | None:
        """The routine in progress, if the session names one that exists."""
        progress = state.routine
        if progress is None or progress.routine not in self.content.routines:
            return None
        if progress.segment >= len(segments(self.content.routines[progress.routine], self.prompts)):
            return None
        return progress

    def _play(
        self, routine_id: str, index: int, *lead: str, after_first_step: str | None = None
    ) -> Reply:
        """One segment of a routine, then "Say next to go on"; after the last, the end."""
        routine = self.content.routines[routine_id]
        bounds = segments(routine, self.prompts)
        if index >= len(bounds):
            done = self.prompts.routine_done.format(name=routine.name)
            return Reply(Speech.of(done), card=self._routine_card(routine))
        played = segment_speech(routine, index, self.prompts)
        if after_first_step is not None:
            first, *rest = played.pieces
            played = Speech.of(first, after_first_step, Speech(tuple(rest)))
        screen = Screen(
            routine.title,
            f"Part {index + 1} of {len(bounds)}",
            tuple((m.step.do, m.step.hold) for m in segment_moves(routine, index, self.prompts) if m.rep == 1 and m.side == 1),
        )
        last = index == len(bounds) - 1
        if last:  # still listening: "repeat", "go back" and "start over" work at the end too
            closing = (self.prompts.routine_done.format(name=routine.name), self.prompts.routine_last)
        else:
            closing = (self.prompts.routine_next,)
        return Reply(
            Speech.of(*lead, played, *closing),
            reprompt=Speech.of(self.prompts.routine_last if last else self.prompts.routine_next_reprompt),
            card=self._routine_card(routine),
            routine=Progress(routine.id, index),
            screen=screen,
        )

    def _routine_card(self, routine: Routine) -> Card:
        lines = []
        for number, step in enumerate(routine.steps, 1):
            extra = []
            if step.hold:
                extra.append(f"hold {step.hold} seconds")
            if step.reps > 1:
                extra.append(f"{number_words(step.reps)} times")
            if step.sides:
                extra.append("each side")
            lines.append(f"{number}. {step.do}" + (f" ({', '.join(extra)})" if extra else ""))
        return self._card(routine.title, f"{routine.safety}\n" + "\n".join(lines))

    # -- red flags

    def red_flag(self, flag: RedFlag, locale: str | None, asked_about: bool = False) -> Reply:
        """The answer to a red flag, whatever was asked and whatever was going on.

        An emergency: the call to make, first, with the locale's number; that the skill
        can't call; why, in one sentence; nothing more. The session ends, so anything in
        progress ends with it. A see-a-doctor-soon sign: its advice, calmly.
        """
        facts = self.content.locales.get(locale or "")
        if flag.urgency == EMERGENCY:
            if facts is None:
                call, title = self.prompts.emergency_call_any_number, self.prompts.emergency_card_title_any_number
            else:
                call = self.prompts.emergency_call.format(number=spoken_digits(facts.emergency_number))
                title = self.prompts.emergency_card_title.format(number=facts.emergency_number)
            opening = self.prompts.sign_opening if asked_about else self.prompts.emergency_opening
            speech = Speech.of(opening, call, self.prompts.emergency_cannot_call, flag.why)
            card_text = f"{title}, or your local emergency number. {flag.title}: {flag.why}"
            return Reply(speech, card=self._card(title, f"{card_text} {self.prompts.emergency_cannot_call}"))
        line = facts.urgent_line if facts is not None else None
        urgent = self.prompts.urgent_line.format(line=spoken_digits(line)) if line else None
        card_urgent = self.prompts.urgent_line.format(line=line) if line else None
        return Reply(
            Speech.of(flag.advice, urgent),
            card=self._card(flag.title, " ".join(filter(None, [flag.advice, card_urgent]))),
        )

    def _card(self, title: str, text: str) -> Card:
        return Card(title, f"{text}\n\n{self.prompts.card_footer}")


def spoken_digits(text: str) -> str:
    """Numbers said digit by digit, as people say emergency numbers: "911" -> "9 1 1"."""
    return re.sub(r"\d+", lambda match: " ".join(match.group()), text)
