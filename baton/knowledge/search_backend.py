"""The database side of search: SQLite FTS5 or PostgreSQL full-text search, behind one `ranked_matches` call.

`knowledge_searchentry` (the `SearchEntry` model) holds the documents. Beside it:
- SQLite: `knowledge_search_fts`, an FTS5 external-content table over (title, body), kept in sync by triggers on
  the entry table; ranked with bm25 (title weighs 10x the body), snippets from FTS5's `snippet()`.
- PostgreSQL: a stored generated column `search_vector` (title weight A, body weight B, `english` configuration) with
  a GIN index; queries use `websearch_to_tsquery`, `ts_rank` and `ts_headline`.
The scoping (who may find what) is an ORM queryset of entry ids, built by the selector and passed in as SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

# Snippet highlight markers (Unicode private use): replaced by <mark> in HTML, dropped in the API.
MARK_START = "\ue000"
MARK_END = "\ue001"

ENTRY_TABLE = "knowledge_searchentry"
FTS_TABLE = "knowledge_search_fts"

_SQLITE_INSTALL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        title, body, content='{ENTRY_TABLE}', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {ENTRY_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",  # noqa: S608 - our own table names
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {ENTRY_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    END""",  # noqa: S608
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON {ENTRY_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",  # noqa: S608
]
_SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
_PG_INSTALL = [
    f"""ALTER TABLE {ENTRY_TABLE} ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED""",
    f"CREATE INDEX IF NOT EXISTS search_entry_vector_gin ON {ENTRY_TABLE} USING gin (search_vector)",
]
_PG_UNINSTALL = [
    "DROP INDEX IF EXISTS search_entry_vector_gin",
    f"ALTER TABLE {ENTRY_TABLE} DROP COLUMN IF EXISTS search_vector",
]


def install(schema_editor: Any) -> None:
    """Create the full-text index beside the entry table (idempotent). Called by migration 0002."""
    vendor = schema_editor.connection.vendor
    statements = _SQLITE_INSTALL if vendor == "sqlite" else _PG_INSTALL if vendor == "postgresql" else []
    for sql in statements:
        schema_editor.execute(sql)


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = _SQLITE_UNINSTALL if vendor == "sqlite" else _PG_UNINSTALL if vendor == "postgresql" else []
    for sql in statements:
        schema_editor.execute(sql)


def ensure_installed() -> None:
    """(Re)create the full-text index objects when missing, e.g. after a migration rebuilt the entry table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in _SQLITE_INSTALL:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            # ALTER TABLE is refused inside a transaction with pending constraint checks: only when missing.
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'search_vector'",
                [ENTRY_TABLE],
            )
            if cursor.fetchone() is None:
                for sql in _PG_INSTALL:
                    cursor.execute(sql)


def rebuild_fts() -> None:
    """SQLite only: rebuild the FTS5 index from the entry table (after a bulk load, or to repair it)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608


@dataclass(frozen=True)
class Match:
    entry_id: int
    rank: float
    snippet: str


_TOKEN = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


def fts5_query(text: str) -> str:
    """A user's query as a safe FTS5 expression, in the spirit of `websearch_to_tsquery`: words must all occur
    ("quoted phrases" in order, `or` between words for either, `-word` to exclude); the last word also matches as a
    prefix, so results appear while typing. Punctuation never reaches FTS5's query syntax."""
    phrases = [" ".join(_TOKEN.findall(p)) for p in _PHRASE.findall(text)]
    rest = _PHRASE.sub(" ", text)
    positive: list[str] = [f'"{p}"' for p in phrases if p]
    negative: list[str] = []
    pending_or = False
    raw_words = rest.split()
    for index, raw in enumerate(raw_words):
        words = _TOKEN.findall(raw)
        if not words:
            continue
        if raw.lower() == "or" and positive:
            pending_or = True
            continue
        term = '"' + " ".join(words) + '"'
        if raw.startswith("-"):
            negative.append(term)
            continue
        if index == len(raw_words) - 1 and len(words) == 1 and len(words[0]) >= 2:
            term += "*"
        if pending_or and positive:
            positive[-1] = f"({positive[-1]} OR {term})"
            pending_or = False
        else:
            positive.append(term)
    if not positive:
        return ""
    expression = " AND ".join(positive)
    for term in negative:
        expression = f"({expression}) NOT {term}"
    return expression


def ranked_matches(query: str, scope_sql: str, scope_params: list[Any] | tuple[Any, ...], limit: int) -> list[Match]:
    """The best `limit` entries among `scope_sql` (a `SELECT id ...`) for `query`, best first."""
    if connection.vendor == "postgresql":
        return _pg_matches(query, scope_sql, scope_params, limit)
    if connection.vendor == "sqlite":
        return _sqlite_matches(query, scope_sql, scope_params, limit)
    raise NotImplementedError(f"Search is not implemented for {connection.vendor}.")


def _sqlite_matches(query: str, scope_sql: str, scope_params: Any, limit: int) -> list[Match]:
    expression = fts5_query(query)
    if not expression:
        return []
    sql = f"""
        SELECT rowid, -bm25({FTS_TABLE}, 10.0, 1.0) AS score,
               snippet({FTS_TABLE}, 1, %s, %s, '…', 16)
        FROM {FTS_TABLE}
        WHERE {FTS_TABLE} MATCH %s AND rowid IN ({scope_sql})
        ORDER BY bm25({FTS_TABLE}, 10.0, 1.0), rowid DESC
        LIMIT %s
    """  # noqa: S608 - only our own table names and the ORM's SQL are interpolated; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [MARK_START, MARK_END, expression, *scope_params, limit])
        rows = cursor.fetchall()
    return [Match(entry_id=row[0], rank=round(float(row[1]), 6), snippet=row[2] or "") for row in rows]


def _pg_matches(query: str, scope_sql: str, scope_params: Any, limit: int) -> list[Match]:
    if not _TOKEN.search(query):
        return []
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=2"
    sql = f"""
        WITH q AS (SELECT websearch_to_tsquery('english', %s) AS query),
        top AS (
            SELECT e.id, e.title, e.body, ts_rank(e.search_vector, q.query) AS score, e.updated_at
            FROM {ENTRY_TABLE} e, q
            WHERE e.search_vector @@ q.query AND e.id IN ({scope_sql})
            ORDER BY score DESC, e.updated_at DESC, e.id DESC
            LIMIT %s
        )
        SELECT top.id, top.score,
               ts_headline('english', top.body, q.query, %s)
        FROM top, q
        ORDER BY top.score DESC, top.updated_at DESC, top.id DESC
    """  # noqa: S608 - only our own table names and the ORM's SQL are interpolated; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [query, *scope_params, limit, options])
        rows = cursor.fetchall()
    return [Match(entry_id=row[0], rank=round(float(row[1]), 6), snippet=row[2] or "") for row in rows]
