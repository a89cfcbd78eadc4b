"""The third front door: the self-hosted HTTPS endpoint (`python -m skill serve`), with
Alexa's request verification. Neither Lambda nor a maintainer tool."""
