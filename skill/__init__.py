"""Cramp Coach: an Alexa skill that helps people with muscle cramps."""
