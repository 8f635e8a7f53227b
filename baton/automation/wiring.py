"""What automation wires at start-up: the built-in action types, field setters, the recipient resolver and the
notification digest sweep register in core's registries; the event subscriber hands every committed event that something
listens to over to the worker. Rules and webhooks are owners' and admins' business: their events' data (a webhook's URL
often holds a token) is hidden in the event log from everyone else."""

from __future__ import annotations

from baton.automation import actions, process_changes, recipients, subscribers, sweeps  # noqa: F401
from baton.core.registry import register_event_secret

register_event_secret("webhook.*", keys=None, resource="webhook")
register_event_secret("automation_rule.*", keys=None, resource="automation_rule")
