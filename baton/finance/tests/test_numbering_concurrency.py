"""Gapless invoice numbering under concurrent issuing: threads with their own database connections issue drafts
at the same moment; the counter row locked with select_for_update makes them queue. PostgreSQL only: SQLite
serialises every writer anyway (IMMEDIATE transactions), and its test database is not shared across threads."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from baton.finance import services
from baton.finance.models import Invoice

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Concurrent issuing needs PostgreSQL (row locks across connections); SQLite runs writers one at a time.",
    ),
]

THREADS = 8


def test_concurrent_issues_get_unique_gapless_numbers(personas):
    actor = personas["finance"].actor
    drafts = [
        services.invoice_create(
            actor=actor,
            client_id=personas.client_a.id,
            lines=[{"description": f"Work {i}", "quantity": "1", "unit_price": "100.00"}],
        )
        for i in range(THREADS)
    ]
    empty = services.invoice_create(actor=actor, client_id=personas.client_a.id)  # fails to issue: no lines
    barrier = threading.Barrier(THREADS + 1)
    numbers: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def issue(invoice: Invoice) -> None:
        try:
            barrier.wait(timeout=20)
            issued = services.invoice_issue(actor=actor, invoice=invoice)
            with lock:
                numbers.append(issued.number or "")
        except BaseException as exc:
            with lock:
                failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(draft,)) for draft in [*drafts, empty]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(failures) == 1 and "line" in str(failures[0])  # the empty draft, rolled back
    assert sorted(numbers) == [f"INV-{n:05d}" for n in range(1, THREADS + 1)]
    assert Invoice.objects.filter(number__isnull=False).count() == THREADS
    # The rolled-back issue gave its number back: the next one continues the sequence.
    more = services.invoice_create(
        actor=actor, client_id=personas.client_a.id, lines=[{"description": "More", "unit_price": "1.00"}]
    )
    assert services.invoice_issue(actor=actor, invoice=more).number == f"INV-{THREADS + 1:05d}"
