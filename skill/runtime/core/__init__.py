"""The pure core: content, conversation, speech and session state. No Alexa SDK imports."""
