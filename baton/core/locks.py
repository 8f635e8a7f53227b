"""Locks that serialise concurrent transactions on one key (a person's day, say) without a row to lock."""

from __future__ import annotations

import hashlib

from django.db import transaction


def lock_key(namespace: str, *parts: object) -> int:
    """A signed 64-bit key for `namespace` and `parts` (PostgreSQL's advisory lock space). A collision only makes two
    unrelated transactions queue, never lets two related ones through."""
    text = ":".join([namespace, *(str(part) for part in parts)])  # 5 and "5" are one person
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def hold_until_commit(namespace: str, *parts: object) -> None:
    """Wait until no other transaction holds the lock on (`namespace`, `parts`), then hold it until this transaction
    ends. Call it inside `transaction.atomic`, before reading what the check depends on (a total, a count).

    PostgreSQL: `pg_advisory_xact_lock`, released at commit or rollback; the reads after it see what the transaction
    that held the lock committed (READ COMMITTED reads afresh per statement). SQLite: nothing to do, every write
    transaction already runs alone (`transaction_mode` IMMEDIATE in settings: the write lock is taken at BEGIN)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("hold_until_commit() needs a transaction (transaction.atomic).")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(namespace, *parts)])
