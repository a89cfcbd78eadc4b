"""What the skill says, decided in plain Python: content and session state in, a Reply out.

Nothing here knows about Alexa requests or the SDK. The handlers translate a request into
a call on `Conversation`, and `Reply` back into a response.
"""


import re
from datetime import datetime
from typing import NamedTuple

from .content import Content, Routine, Topic
from .name_free import Fulfilment, NameFreeCheck
from .reminder import DEFAULT_TIME, Time, daily_reminder
from .routines import Progress, number_words, segment_moves, segment_speech, segments
from .safety import SafetyNet, Slots
from .session import SessionState
from .speech import Pause, Speech
from .triage import EMERGENCY, URGENT, Finding

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
    # Ask Alexa for permission to set reminders, by voice: the token comes back with the
    # answer (the time to set), so nothing is kept meanwhile.
    ask_permission: str | None = None
    # Or show the card in the Alexa app that asks for it.
    permission_card: bool = False
    # "Want me to remind you every night?" was just asked.
    offer_reminder: bool = False

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
            offer_reminder=self.offer_reminder,
        )


class Conversation:
    def __init__(self, content: Content):
        self.content = content
        self.prompts = content.prompts
        self.safety = SafetyNet(content)
        self._name_free = NameFreeCheck(content, self.safety)

    def can_fulfill(self, intent_name: str | None, slots: Slots) -> Fulfilment:
        """Whether a request said without the skill's name is one it can answer (name_free.py)."""
        return self._name_free.answer(intent_name, slots)

    # -- the nightly stretch reminder (core/reminder.py; the API call is the handler's)

    def reminder_body(self, time: Time, locale: str | None, now: datetime) -> dict:
        return daily_reminder(time, locale or "en-US", self.prompts.reminder_text, now)

    def reminder_set(self, time: Time) -> Reply:
        return Reply(Speech.of(self.prompts.reminder_set.format(time=time.spoken())))

    def reminder_permission(self, time: Time) -> Reply:
        return Reply(Speech.of(self.prompts.reminder_why_permission), ask_permission=f"reminder {time.token()}")

    def reminder_permission_card(self) -> Reply:
        return Reply(Speech.of(self.prompts.reminder_card_sent), permission_card=True)

    def reminder_declined(self) -> Reply:
        return Reply(Speech.of(self.prompts.reminder_declined))

    def reminder_failed(self, kind: str) -> Reply:
        """A device that can't, too many reminders, or the service not answering."""
        text = {"unsupported": self.prompts.reminder_unsupported, "too_many": self.prompts.reminder_too_many}
        return Reply(Speech.of(text.get(kind, self.prompts.reminder_unavailable)))

    def reminder_cancelled(self, how_many: int) -> Reply:
        return Reply(Speech.of(self.prompts.reminder_cancelled if how_many else self.prompts.reminder_none))

    def reminder_when(self, times: list[Time]) -> Reply:
        if not times:
            return Reply(Speech.of(self.prompts.reminder_none))
        return Reply(Speech.of(self.prompts.reminder_when.format(time=times[0].spoken())))

    def _asking(self, text: str, reprompt: str, *after: str) -> Reply:
        return Reply(Speech.of(text, *after), reprompt=Speech.of(reprompt))

    def welcome(self) -> Reply:
        return self._asking(self.prompts.welcome, self.prompts.welcome_reprompt)

    def help(self) -> Reply:
        return self._asking(self.prompts.help, self.prompts.help_reprompt)

    def fallback(self, locale: str | None = None) -> Reply:
        return self._asking(self.prompts.fallback, self.prompts.fallback_reprompt, self._safety_line(locale))

    def error(self, locale: str | None = None) -> Reply:
        return self._asking(self.prompts.error, self.prompts.error_reprompt, self._safety_line(locale))

    def _safety_line(self, locale: str | None) -> str:
        """Said last where nothing in particular was answered: whatever the person was
        trying to say, they hear what to do if it is an emergency."""
        return self.prompts.safety_line.format(**self.numbers(locale))

    def goodbye(self) -> Reply:
        return Reply(Speech.of(self.prompts.goodbye))

    def answer(
        self,
        intent_name: str,
        slots: Slots,
        locale: str | None = None,
        state: SessionState = SessionState(),
    ) -> Reply:
        """Answer a question intent; an intent that is not ours gets the fallback.

        In the middle of a routine the answer ends by offering to go back to it. Words in
        a symptom slot that nothing recognised are not dropped: the answer adds what to
        do if they could be serious.
        """
        slot_ids = {name: slot.id for name, slot in slots.items()}
        topic = self.content.topic_for(intent_name, slot_ids)
        if topic is None:
            return self.fallback(locale)
        asked = self.safety.asked_about(intent_name, slots)
        if asked is not None:
            # Asked about, perhaps by someone who has it: answered, and for an emergency,
            # the call if it is happening now.
            return self.red_flag(asked, locale, asked_about=True)
        unheard = self.prompts.unheard.format(**self.numbers(locale)) if self.safety.unheard(intent_name, slots) else None
        progress = self._progress(state)
        if progress is None or topic.routine is not None:
            return self.answer_topic(topic, locale, unheard)
        offer = self.prompts.back_to_routine.format(name=self.content.routines[progress.routine].name)
        return Reply(
            Speech.of(self.localised(topic.speech, locale), unheard, OFFER_PAUSE, offer),
            reprompt=Speech.of(offer, self.prompts.offer_reprompt),
            card=self._localised_card(topic.title, topic.card, locale),
            routine=progress,
            offer_resume=True,
        )

    def answer_topic(self, topic: Topic, locale: str | None = None, unheard: str | None = None) -> Reply:
        """A topic's answer; `unheard`, said after it (a routine: after its first step)."""
        if topic.routine is not None:
            return self.start_routine(topic.routine, announce=False, unheard=unheard)
        card = self._localised_card(topic.title, topic.card, locale)
        speech = self.localised(topic.speech, locale)
        offer = topic.follow_up
        if offer is None:
            return Reply(Speech.of(speech, unheard), card=card)
        return Reply(
            Speech.of(speech, unheard, OFFER_PAUSE, offer.prompt),
            reprompt=Speech.of(offer.prompt, self.prompts.offer_reprompt),
            card=card,
            offer_from=topic.id,
        )

    def localised(self, text: str, locale: str | None, written: bool = False) -> str:
        """A topic's text with the locale's emergency number for {number} and where to get
        seen today for {care}: spoken (digit by digit) or, on a card, `written`."""
        if "{" not in text:
            return text
        numbers, care = self.numbers(locale), self.urgent_care(locale)
        filled = text.replace("{number}", numbers["number"]).replace("{care}", care if written else spoken_digits(care))
        return _written(filled, numbers) if written else filled

    def _localised_card(self, title: str, text: str, locale: str | None) -> Card:
        return self._card(title, self.localised(text, locale, written=True))

    def accept_offer(self, state: SessionState, locale: str | None = None) -> Reply:
        progress = self._progress(state)
        if progress is not None and (state.offer_resume or state.offer_from is None):
            # "Want to go back?" "Yes." Or "yes" / "go on" after "Say next to go on".
            return self.resume(state) if state.offer_resume else self.next_segment(state)
        topic = self.content.topics.get(state.offer_from) if state.offer_from else None
        if topic is None or topic.follow_up is None:
            return self._asking(self.prompts.nothing_offered, self.prompts.help_reprompt)
        if topic.follow_up.topic is not None:
            return self.answer_topic(self.content.topics[topic.follow_up.topic], locale)
        if topic.follow_up.routine is not None:
            return self.start_routine(topic.follow_up.routine)
        text = topic.follow_up.text
        return Reply(
            Speech.of(self.localised(text, locale)),
            card=self._localised_card(topic.title, text, locale),
        )

    def decline_offer(self, state: SessionState) -> Reply:
        if state.offer_reminder:
            return self.reminder_declined()
        if state.offer_resume or (state.offer_from is None and self._progress(state) is not None):
            return Reply(Speech.of(self.prompts.routine_stopped))
        if state.offer_from is None:
            return self.goodbye()
        return Reply(Speech.of(self.prompts.declined))

    def repeat(self, state: SessionState, locale: str | None = None) -> Reply:
        progress = self._progress(state)
        if progress is not None and not state.offer_resume and state.offer_from is None:
            return self._play(progress.routine, progress.segment)
        if state.last_speech is None:
            return self._asking(self.prompts.nothing_to_repeat, self.prompts.help_reprompt, self._safety_line(locale))
        return Reply(state.last_speech, reprompt=state.last_reprompt, offer_from=state.offer_from)

    # -- guided routines

    def list_routines(self) -> Reply:
        names = [routine.name for routine in self.content.routines.values()]
        listed = ", ".join(names[:-1]) + f", and {names[-1]}" if len(names) > 1 else names[0]
        return self._asking(self.prompts.routines_list.format(names=listed), self.prompts.routines_list_reprompt)

    def start_routine(self, routine_id: str | None, announce: bool = True, unheard: str | None = None) -> Reply:
        """Play a routine's first segment. Asked for by name, it opens with its name and
        safety note; started from a cramp happening now, the first words are what to do."""
        # "Start a stretching routine", "do my bedtime stretches": that one at once, its first
        # words the first instruction, and a line on the others; the menu only when asked.
        unnamed = next((r for r in self.content.routines.values() if r.when_none_named), None)
        if unnamed is not None and routine_id in (None, unnamed.id):
            return self._play(unnamed.id, 0, after_first_step=unnamed.safety, after=self.prompts.routines_others)
        routine = self.content.routines.get(routine_id or "")
        if routine is None:
            return self.list_routines()
        if announce:
            return self._play(routine.id, 0, self.prompts.routine_start.format(name=routine.name), routine.safety)
        return self._play(routine.id, 0, after_first_step=" ".join(filter(None, [routine.safety, unheard])))

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
        self, routine_id: str, index: int, *lead: str, after_first_step: str | None = None, after: str | None = None
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
        # At the end of the bedtime one, the offer of a nightly reminder at the usual time.
        offer = last and routine.when_none_named
        if offer:
            closing = (self.prompts.routine_done.format(name=routine.name),
                       self.prompts.reminder_offer.format(time=Time(*DEFAULT_TIME).spoken()))
            reprompt = self.prompts.reminder_offer_reprompt
        elif last:  # still listening: "repeat", "go back" and "start over" work at the end too
            closing, reprompt = (self.prompts.routine_done.format(name=routine.name), self.prompts.routine_last), self.prompts.routine_last
        else:
            closing, reprompt = (self.prompts.routine_next, *filter(None, [after])), self.prompts.routine_next_reprompt
        return Reply(
            Speech.of(*lead, played, *closing),
            reprompt=Speech.of(reprompt),
            card=self._routine_card(routine),
            routine=Progress(routine.id, index),
            screen=screen,
            offer_reminder=offer,
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

    def red_flag(self, finding: Finding, locale: str | None, asked_about: bool = False) -> Reply:
        """The answer to a red flag, whatever was asked and whatever was going on.

        Emergency: the first words are the call, with the locale's number; then why, in
        one sentence; what to do until help comes, where it matters; that the skill can't
        call. Asked about, not reported: why, then the call if it is happening now.
        Urgent: where to get seen today, why, and when to call; asked about, why, then
        where to get seen if it is happening now. Soon: calm advice. An
        emergency sign said to be over gets its flag's `passed` level. Every red-flag
        answer ends the session, and anything in progress with it.
        """
        flag = self.content.red_flags[finding.flag]
        numbers = self.numbers(locale)
        facts = self.content.locales.get(locale or "")
        if finding.level == EMERGENCY and not finding.passed:
            title = self.prompts.emergency_card_title.format(number=numbers["card_number"])
            if asked_about:
                if_now = self.prompts.sign_if_now.format(**numbers)
                told = flag.when_asked or flag.why
                return Reply(Speech.of(told, if_now), card=self._card(flag.title, f"{told} {if_now}"))
            call = self.prompts.emergency_call.format(**numbers)
            cannot_call = self.prompts.emergency_cannot_call.format(**numbers)
            speech = Speech.of(call, flag.why, flag.first_aid, cannot_call)
            card_text = " ".join(filter(None, [f"{flag.title}: {flag.why}", flag.first_aid, cannot_call]))
            return Reply(speech, card=self._card(title, _written(card_text, numbers)))
        if finding.level == EMERGENCY:  # said to be over, and still an emergency (a stroke that passed)
            return self.red_flag(finding._replace(passed=False), locale, asked_about)
        if finding.level == URGENT:
            if asked_about and not finding.passed:
                if_now = self.urgent_if_now(locale)
                card = self._card(flag.title, f"{flag.advice} {if_now}")
                return Reply(Speech.of(flag.advice, spoken_digits(if_now)), card=card)
            care = self.urgent_care(locale)
            why = self.prompts.passed_urgent if finding.passed else flag.advice
            worse = self.prompts.urgent_worse.format(**numbers)
            return Reply(Speech.of(spoken_digits(care), why, worse), card=self._card(flag.title, _written(f"{care} {why} {worse}", numbers)))
        if finding.passed:
            passed = self.prompts.passed_soon.format(**numbers)
            return Reply(Speech.of(passed), card=self._card(flag.title, _written(passed, numbers)))
        line = facts.soon_line if facts is not None else None
        cant_wait = self.prompts.soon_cant_wait.format(line=line) if line else None
        return Reply(
            Speech.of(flag.advice, spoken_digits(cant_wait) if cant_wait else None),
            card=self._card(flag.title, " ".join(filter(None, [flag.advice, cant_wait]))),
        )

    def urgent_care(self, locale: str | None) -> str:
        """Where to get seen today, as written ("Get medical help today: call NHS 111, ...")."""
        facts = self.content.locales.get(locale or "")
        return facts.urgent_care if facts else self.prompts.urgent_care_anywhere

    def urgent_if_now(self, locale: str | None) -> str:
        """After a question about an urgent sign: where to get seen, if it is happening now."""
        care = self.urgent_care(locale)
        return self.prompts.urgent_if_now.format(care=care[0].lower() + care[1:])

    def numbers(self, locale: str | None) -> dict[str, str]:
        """The emergency number as said and as written, for the locale; with no number
        for it, "your local emergency number"."""
        facts = self.content.locales.get(locale or "")
        if facts is None:
            local = self.prompts.local_number
            return {"number": local, "number_or_local": local, "card_number": local}
        return {
            "number": facts.spoken_number,
            "number_or_local": f"{facts.spoken_number} or {self.prompts.local_number}",
            "card_number": facts.emergency_number,
        }

    def _card(self, title: str, text: str) -> Card:
        return Card(title, f"{text}\n\n{self.prompts.card_footer}")


def _written(text: str, numbers: dict[str, str]) -> str:
    """A card's text: the emergency number as written ("000"), not as said ("triple zero")."""
    return text.replace(numbers["number"], numbers["card_number"])


def spoken_digits(text: str) -> str:
    """Numbers said digit by digit, as people say phone numbers: "NHS 111" -> "NHS 1 1 1";
    groups stay apart: "1800 022 222" -> "1 8 0 0, 0 2 2, 2 2 2"."""
    return re.sub(
        r"\d+(?: \d+)*", lambda match: ", ".join(" ".join(group) for group in match.group().split()), text
    )
