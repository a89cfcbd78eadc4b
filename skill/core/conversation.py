"""What the skill says, decided in plain Python: content and session state in, a Reply out.

Nothing here knows about Alexa requests or the SDK. The handlers translate a request into
a call on `Conversation`, and `Reply` back into a response.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Mapping

from .content import EMERGENCY, Content, RedFlag, Topic
from .session import SessionState
from .speech import Pause, Speech

# A beat between an answer and the offer that follows it, so the question stands apart.
OFFER_PAUSE = Pause(600)


@dataclass(frozen=True)
class Card:
    title: str
    text: str


@dataclass(frozen=True)
class Reply:
    speech: Speech
    # Present exactly when the skill has asked something and keeps listening.
    reprompt: Speech | None = None
    card: Card | None = None
    # The topic whose follow-up was just offered: "yes" will hear it.
    offer_from: str | None = None

    @property
    def ends_session(self) -> bool:
        return self.reprompt is None

    def next_state(self) -> SessionState:
        return SessionState(
            offer_from=self.offer_from, last_speech=self.speech, last_reprompt=self.reprompt
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

    def answer(self, intent_name: str, slot_ids: Mapping[str, str | None], locale: str | None = None) -> Reply:
        """Answer a question intent; an intent that is not ours gets the fallback."""
        topic = self.content.topic_for(intent_name, slot_ids)
        if topic is None:
            return self.fallback()
        flag = self.content.asked_about_flag(intent_name, slot_ids)
        if flag is not None:
            # Asked about, perhaps by someone who has it: the red flag's answer, but an
            # emergency opens with "if this is happening now".
            return self.red_flag(flag, locale, asked_about=True)
        return self.answer_topic(topic)

    def answer_topic(self, topic: Topic) -> Reply:
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
        topic = self.content.topics.get(state.offer_from) if state.offer_from else None
        if topic is None or topic.follow_up is None:
            return self._asking(self.prompts.nothing_offered, self.prompts.help_reprompt)
        if topic.follow_up.topic is not None:
            return self.answer_topic(self.content.topics[topic.follow_up.topic])
        return Reply(
            Speech.of(topic.follow_up.text), card=self._card(topic.title, topic.follow_up.text)
        )

    def decline_offer(self, state: SessionState) -> Reply:
        if state.offer_from is None:
            return self.goodbye()
        return Reply(Speech.of(self.prompts.declined))

    def repeat(self, state: SessionState) -> Reply:
        if state.last_speech is None:
            return self._asking(self.prompts.nothing_to_repeat, self.prompts.help_reprompt)
        return Reply(state.last_speech, reprompt=state.last_reprompt, offer_from=state.offer_from)

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
