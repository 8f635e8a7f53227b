"""The one check that a person named in a write belongs to the workspace (and, where asked, is staff and active).

Every service that takes a `*_id` of a person asks here, so the rule and its messages live once. Each check adds its
message to `errors` under the caller's field name and returns the person, or None when there is none or it failed.
"""

from __future__ import annotations

from typing import Any

from baton.core.models import Role, Workspace
from baton.people.models import Person

NO_SUCH_PERSON = "No such person in this workspace."


def person_of_workspace(
    workspace: Workspace,
    person_id: Any,
    field: str,
    errors: dict[str, str],
    *,
    staff: bool = False,
    active: bool = False,
    client_message: str = NO_SUCH_PERSON,
) -> Person | None:
    """The workspace's person `person_id` (None, without an error, when no id is given).

    `staff`: a client portal user is refused with `client_message`; `active`: an archived person is refused."""
    if person_id is None:
        return None
    person = (
        Person.objects.filter(workspace=workspace, pk=person_id).select_related("membership").first()
        if isinstance(person_id, int) and not isinstance(person_id, bool)
        else None
    )
    if person is None:
        errors[field] = NO_SUCH_PERSON
        return None
    if staff and person.membership.role == Role.CLIENT:
        errors[field] = client_message
        return None
    if active and not person.active:
        errors[field] = f"{person.name} is inactive."
        return None
    return person
