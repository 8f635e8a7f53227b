"""What automation wires at start-up: the built-in action types, field setters, the recipient resolver and the
notification digest sweep register in core's registries; the event subscriber hands every committed event that something
listens to over to the worker."""

from __future__ import annotations

from baton.automation import actions, recipients, subscribers, sweeps  # noqa: F401
