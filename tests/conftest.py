from __future__ import annotations

import pytest

from response_checks import assert_valid_response
from skill.core.content import load_content
from skill.simulator.dialog import Dialog


@pytest.fixture(scope="session")
def content():
    return load_content()


class CheckedDialog:
    """The offline dialog, with every response it gets checked against the invariants."""

    def __init__(self, locale: str = "en-US"):
        self.dialog = Dialog.for_locale(locale)

    def say(self, utterance: str):
        turn = self.dialog.say(utterance)
        if turn.response is not None:
            assert_valid_response(turn.response)
        return turn

    @property
    def session_open(self) -> bool:
        return self.dialog.session_open


@pytest.fixture
def dialog() -> CheckedDialog:
    return CheckedDialog()
