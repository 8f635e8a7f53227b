"""The home page shows how many handoffs a person owes; `inbox_counts` must give the sizes of `inbox`'s lists."""

from __future__ import annotations

import pytest

from baton.core.access import Actor
from baton.core.models import Membership
from baton.handoffs.selectors import inbox, inbox_counts

pytestmark = pytest.mark.django_db


def test_inbox_counts_are_the_sizes_of_the_inbox_lists():
    from baton.core.tests.test_query_counts import _agency

    workspace = _agency("inbox-counts", 2)
    seen = 0
    for membership in Membership.objects.filter(workspace=workspace).exclude(role="client"):
        actor = Actor.for_membership(membership)
        full, counts = inbox(actor=actor), inbox_counts(actor=actor)
        for name in ("to_send", "to_confirm", "gaps_to_answer", "waiting", "overdue"):
            assert getattr(counts, name) == len(getattr(full, name)), (membership.role, name)
        assert counts.count == full.count
        seen += full.count + len(full.overdue)
    assert seen  # the generated handoffs reach someone's inbox
