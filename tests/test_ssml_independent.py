"""Every SSML the skill can produce, judged by an independent checker (ssml-check-core).

The checker is an npm package; the test installs it from tests/ssml_checker's lock file
the first time (Node.js and npm are needed, as on CI).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import npm_package
from skill.runtime.core.conversation import Conversation
from skill.runtime.core.session import SessionState
from skill.runtime.core.triage import Finding

@pytest.fixture(scope="module")
def ssml_checker():
    checker = npm_package("ssml_checker")

    def check(documents: list[str]) -> list[dict]:
        result = subprocess.run(
            ["node", "check.js"], cwd=checker, input=json.dumps(documents), capture_output=True, text=True,
            check=True, timeout=120,
        )
        return json.loads(result.stdout)

    return check


def every_reply(content):
    conversation = Conversation(content)
    yield conversation.welcome()
    yield conversation.help()
    yield conversation.fallback("en-AU")
    yield conversation.error("en-IN")
    yield conversation.goodbye()
    yield conversation.decline_offer(SessionState(offer_from="cause_night"))
    yield conversation.accept_offer(SessionState())
    yield conversation.repeat(SessionState())
    for topic in content.topics.values():
        yield conversation.answer_topic(topic)
        if topic.follow_up is not None:
            yield conversation.accept_offer(SessionState(offer_from=topic.id))
    for flag in content.red_flags.values():
        for locale in (*content.locales, "fr-FR"):
            yield conversation.red_flag(Finding(flag.id, flag.level, False, 0, 0), locale)
        yield conversation.red_flag(Finding(flag.id, flag.level, False, 0, 0), "en-US", asked_about=True)
        yield conversation.red_flag(Finding(flag.id, flag.passed, True, 0, 0), "en-AU")
    yield conversation.list_routines()
    yield conversation.pain_worse()
    for routine in content.routines.values():
        reply = conversation.start_routine(routine.id)
        yield reply
        while reply.routine is not None and reply.reprompt is not None and "next" in reply.reprompt.plain():
            state = SessionState(routine=reply.routine)
            yield conversation.pause(state)
            yield conversation.resume(state)
            reply = conversation.next_segment(state)
            yield reply


def test_the_checker_catches_what_alexa_rejects(ssml_checker):
    faults = ssml_checker(["<speak>Salt & pepper</speak>", '<speak><break time="11s"/></speak>', "<speak>Fine.</speak>"])
    assert [f["index"] for f in faults] == [0, 1]


def test_every_ssml_the_skill_produces_passes_the_independent_checker(content, ssml_checker):
    documents = []
    for reply in every_reply(content):
        documents.append(reply.speech.ssml())
        if reply.reprompt is not None:
            documents.append(reply.reprompt.ssml())
    assert len(documents) > 2 * len(content.topics)
    faults = ssml_checker(documents)
    assert faults == [], "\n".join(f"{documents[f['index']]}: {f['problems']}" for f in faults)
