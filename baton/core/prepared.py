"""Hot reads whose SQL the ORM writes once per connection, then runs again with new values (the bearer token's read on
every API request, say).

Why: turning a queryset into SQL (joins, select list, converters) costs 1-3 ms of CPU per statement, far more than
running the SQL (BENCHMARKS.md, "Time-entry create path"). A `PreparedRead` lets the ORM write the statement once, with
a distinctive sample value for each parameter, notes where each sample landed in the parameters, and from then on
runs the same SQL through the connection's cursor with the real values put in their place. The rows go through the
compiler's own converters, so they are what `values_list` would have returned. Nothing is cached but the SQL text:
every call reads the database afresh (a revoked token stops working on the next request, on every process).

Only for `values_list` reads whose parameters are plain equality values (a string or an integer compared with `=`):
a sample must come out of the ORM unchanged and exactly once, or preparing fails loudly (tested).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

_CACHE_ATTRIBUTE = "_baton_prepared_reads"


class PreparedRead:
    """`build(**samples)` gives a `values_list` queryset; `rows(**values)` runs its SQL with `values` instead."""

    def __init__(self, name: str, build: Callable[..., QuerySet[Any, Any]], **samples: str | int) -> None:
        self.name = name
        self.build = build
        self.samples = samples

    def _prepare(self, using: str) -> tuple[SQLCompiler, str, list[Any], list[tuple[int, str]]]:
        compiler = self.build(**self.samples).query.get_compiler(using=using)
        sql, params = compiler.as_sql()  # also sets the compiler's select list and converters up
        slots: list[tuple[int, str]] = []
        for name, sample in self.samples.items():
            found = [i for i, param in enumerate(params) if type(param) is type(sample) and param == sample]
            if len(found) != 1:
                raise ValueError(f"{self.name}: the sample for {name!r} is {len(found)} times among the parameters.")
            slots.append((found[0], name))
        return compiler, sql, list(params), slots

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[tuple[Any, ...]]:
        connection = connections[using]
        # Per connection object (one per thread), so the compiler's converters belong to the connection they run on.
        cache: dict[str, Any] = connection.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
        prepared = cache.get(self.name)
        if prepared is None:
            prepared = cache[self.name] = self._prepare(using)
        compiler, sql, template, slots = prepared
        params = list(template)
        for index, name in slots:
            params[index] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = [row[: compiler.col_count] for row in cursor.fetchall()]
        return [tuple(row) for row in compiler.results_iter(results=[fetched], tuple_expected=True)]
