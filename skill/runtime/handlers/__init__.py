"""Thin ask-sdk-core handlers: read the request, ask the core, respond."""
