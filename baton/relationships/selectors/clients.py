"""The client, its protocol and the workspace's settings, as the other readers see them."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from baton.core import client_view
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.selectors import one_or_404
from baton.crm.models import Client
from baton.relationships.models import CommunicationProtocol, Escalation, RelationshipsSettings

# --- Clients ------------------------------------------------------------------------------------------------------


def settings_for(workspace: Workspace) -> RelationshipsSettings:
    """The workspace's settings (an unsaved default until first changed)."""
    found = RelationshipsSettings.objects.filter(workspace=workspace).first()
    return found or RelationshipsSettings(workspace=workspace)


def protocol_for(client: Client) -> CommunicationProtocol:
    """The client's protocol (an unsaved default when none was agreed yet)."""
    found = CommunicationProtocol.objects.filter(client=client).first()
    return found or CommunicationProtocol(workspace_id=client.workspace_id, client=client)


def client_shares(client: Client) -> set[str]:
    """What the client's protocol shares with it (`core.client_view` asks at start-up's registration)."""
    return {client_view.BUDGET} if protocol_for(client).share_budget_with_client else set()


INTERNAL_TEXTS_READ = 200  # the client's latest escalations checked against an outgoing text


def client_internal_texts(client: Client) -> list[str]:
    """Texts of the client that stay inside the agency: its escalations' titles (the latest, open or resolved),
    bare and without the client's name the rules put in front."""
    titles = Escalation.objects.filter(client=client).order_by("-created_at", "-id").values_list("title", flat=True)
    prefix = f"{client.name}: "
    texts: list[str] = []
    for title in titles[:INTERNAL_TEXTS_READ]:
        texts.append(title)
        if title.startswith(prefix):
            texts.append(title.removeprefix(prefix))
    return texts


def client_for(actor: Actor, client_id: int) -> Client:
    """A client the actor may see (another workspace's, or another client for a client user: 404)."""
    qs = Client.objects.filter(workspace=actor.workspace).select_related("account_manager")
    if actor.is_client:
        qs = qs.filter(pk=actor.client_id or 0)
    return one_or_404(qs.filter(pk=client_id), "client")


def _day_bounds(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def portfolio_mode(workspace: Workspace) -> str | None:
    """Whether a full portfolio warns or refuses in this workspace (crm's portfolio check reads it through the
    reader relationships plugs in at start-up)."""
    return RelationshipsSettings.objects.filter(workspace=workspace).values_list("portfolio_mode", flat=True).first()
