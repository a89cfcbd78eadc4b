"""The offline stand-in for Alexa: a resolver over interaction_models/ and the text dialog."""
