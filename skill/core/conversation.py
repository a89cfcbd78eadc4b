"""What the skill says, decided in plain Python: content and session state in, a Reply out.

Nothing here knows about Alexa requests or the SDK. The handlers translate a request into
a call on `Conversation`, and `Reply` back into a response.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping

from .content import Content, Topic
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

    def answer(self, intent_name: str, slot_ids: Mapping[str, str | None]) -> Reply:
        """Answer a question intent; an intent that is not ours gets the fallback."""
        topic = self.content.topic_for(intent_name, slot_ids)
        if topic is None:
            return self.fallback()
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

    def _card(self, title: str, text: str) -> Card:
        return Card(title, f"{text}\n\n{self.prompts.card_footer}")
