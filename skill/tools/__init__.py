"""The maintainers' commands (`python -m skill ...`): the offline dialog and resolver
(simulator/), the interaction-model builder and checker, the skill-package builder, the
benchmark, the load generator and the audio renderer. None of it runs on Lambda."""
