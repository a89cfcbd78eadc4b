from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from ..core.conversation import Conversation


class ConversationHandler(AbstractRequestHandler):
    """A request handler that answers through the core `Conversation`."""

    def __init__(self, conversation: Conversation):
        self.conversation = conversation
