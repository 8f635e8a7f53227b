"""From a file's rows to Baton's records: who each row's person, client, project and task are (matched to existing
records, mapped by the importer, or to be created), which rows are refused and why, and the entries to write.

The same checks run in the dry run (`Resolver.check`) and in the worker (`Resolver.write`), batch by batch, so the
dry run's counts are what the run does (unless the data changes in between).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.text import slugify

from baton.core.access import Actor
from baton.core.models import Role
from baton.core.sweeps import local_today
from baton.core.validators import is_currency
from baton.crm.models import Client
from baton.crm.services import client_create
from baton.delivery.models import Project, ProjectStatus, Task
from baton.delivery.services import project_create, task_create
from baton.imports.formats.base import RowError, SourceRow
from baton.people.models import Person
from baton.people.services import person_create
from baton.rates.resolution import RateBook
from baton.timesheets.models import MINUTES_PER_DAY, TimeEntry, Timesheet, TimesheetStatus
from baton.timesheets.services import imported_entry, time_entries_import, week_start_of

CREATE = "create"
KINDS = ("people", "clients", "projects")
NO_CLIENT = "none:"
NO_CLIENT_NAME = "No client (imported)"
PLACEHOLDER_DOMAIN = "import.invalid"


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip()).casefold()


def person_key(row: SourceRow) -> str:
    return f"email:{row.person_email.strip().lower()}" if row.person_email.strip() else f"name:{_fold(row.person_name)}"


def client_key(row: SourceRow) -> str:
    if row.client_number.strip():
        return f"number:{row.client_number.strip()}"
    return f"name:{_fold(row.client_name)}" if row.client_name.strip() else NO_CLIENT


def project_key(row: SourceRow) -> str:
    return f"{client_key(row)}|{_fold(row.project_name)}"


# --- The plan: what the file names, matched or to create ---------------------------------------------------------


@dataclass
class Plan:
    """By kind (people, clients, projects, tasks), each distinct name the file uses: {key: {label fields, match_id,
    rows}}. `match_id` is the existing record it matched (None: to create, unless the mapping says otherwise)."""

    items: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {k: {} for k in (*KINDS, "tasks")})

    def note(self, kind: str, key: str, match_id: int | None, **labels: Any) -> None:
        item = self.items[kind].get(key)
        if item is None:
            item = self.items[kind][key] = {"key": key, "match_id": match_id, "rows": 0, **labels}
        item["rows"] += 1

    def as_json(self) -> dict[str, Any]:
        return {kind: sorted(items.values(), key=lambda i: str(i["key"])) for kind, items in self.items.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Plan:
        plan = cls()
        for kind, rows in (data or {}).items():
            if kind in plan.items:
                plan.items[kind] = {row["key"]: dict(row) for row in rows}
        return plan

    # Complexity: each kind's ids are checked in one query, and every bad key is named.
    def check_mapping(self, actor: Actor, mapping: Any) -> dict[str, dict[str, Any]]:
        """`mapping` ({kind: {key: id | "create"}}) checked: kinds, keys of this plan, ids of this workspace."""
        if not isinstance(mapping, dict):
            raise ValidationError({"mapping": "The mapping is an object: {people|clients|projects: {key: id}}."})
        errors: dict[str, str] = {}
        clean: dict[str, dict[str, Any]] = {}
        models = {
            "people": Person.objects.filter(workspace=actor.workspace).exclude(membership__role=Role.CLIENT),
            "clients": Client.objects.filter(workspace=actor.workspace),
            "projects": Project.objects.filter(workspace=actor.workspace, archived_at__isnull=True),
        }
        for kind, choices in mapping.items():
            if kind not in KINDS or not isinstance(choices, dict):
                errors[f"mapping.{kind}"] = 'Map people, clients or projects: {key: id or "create"}.'
                continue
            ids = {v for v in choices.values() if isinstance(v, int) and not isinstance(v, bool)}
            known = set(models[kind].filter(pk__in=ids).values_list("pk", flat=True))
            clean[kind] = {}
            for key, value in choices.items():
                if key not in self.items[kind]:
                    errors[f"mapping.{kind}.{key}"] = "The file names no such entry."
                elif value == CREATE or value in known:
                    clean[kind][key] = value
                else:
                    errors[f"mapping.{kind}.{key}"] = "Choose an existing record of this workspace or “create”."
        if errors:
            raise ValidationError(errors)
        return clean


# --- Matching and checking rows ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """A batch checked: the rows to write with their resolved keys, the rows already imported, the refused rows."""

    fresh: list[tuple[SourceRow, str]] = field(default_factory=list)  # (row, source key)
    matched: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: int = 0


class Resolver:
    """Reads the workspace's people, clients and projects once, then checks and writes a file's rows batch by batch.

    A key (e-mail or name, client number or name, client + project name) is resolved through the importer's mapping
    first, then by matching existing records; what neither finds is created when the run starts (`create_planned`);
    tasks are matched by title within their project and created as rows need them."""

    def __init__(self, actor: Actor, source: str, *, mapping: dict[str, Any] | None = None, read_only: bool = False):
        self.actor = actor
        self.source = source
        self.mapping = {k: dict(v) for k, v in (mapping or {}).items()}
        self.plan = Plan()
        ws = actor.workspace
        self.today = local_today(ws, timezone.now())
        people = list(Person.objects.filter(workspace=ws).select_related("membership"))
        self.people = {p.pk: p for p in people}
        self.person_by_email = {p.email.lower(): p.pk for p in people}
        self.person_by_name = _unique((_fold(p.name), p.pk) for p in people)
        clients = list(Client.objects.filter(workspace=ws).values_list("pk", "name", "number"))
        self.client_by_number = {n: pk for pk, _, n in clients if n}
        self.client_by_name = _unique((_fold(name), pk) for pk, name, _ in clients)
        projects = list(Project.objects.filter(workspace=ws))
        self.projects = {p.pk: p for p in projects}
        self.project_by_client = {(p.client_id, _fold(p.name)): p.pk for p in projects}
        self.project_by_name = _unique((_fold(p.name), p.pk) for p in projects)
        self.created: dict[str, dict[str, int]] = {k: {} for k in KINDS}
        self.tasks: dict[tuple[int, str], int] = {
            (pid, _fold(title)): pk
            for pk, pid, title in Task.objects.filter(workspace=ws)
            .values_list("pk", "project_id", "title")
            .order_by("pk")
        }
        self.day_minutes: dict[tuple[str, date], int] = defaultdict(int)  # the dry run's running totals in the file
        self.book: RateBook | None = None

    # --- Resolution ----------------------------------------------------------------------------------------------

    def _mapped(self, kind: str, key: str) -> int | str | None:
        value = self.mapping.get(kind, {}).get(key)
        if value is None:
            return self.created[kind].get(key)
        return value if value == CREATE else int(value)

    def person_id(self, row: SourceRow) -> tuple[str, int | None]:
        key = person_key(row)
        mapped = self._mapped("people", key)
        if mapped is not None:
            return key, None if mapped == CREATE else int(mapped)
        found = None
        if row.person_email:
            found = self.person_by_email.get(row.person_email.strip().lower())
        if found is None and row.person_name.strip():
            found = self.person_by_name.get(_fold(row.person_name))
        return key, found

    def client_id(self, row: SourceRow) -> tuple[str, int | None]:
        key = client_key(row)
        mapped = self._mapped("clients", key)
        if mapped is not None:
            return key, None if mapped == CREATE else int(mapped)
        found = self.client_by_number.get(row.client_number.strip()) if row.client_number.strip() else None
        if found is None and row.client_name.strip():
            found = self.client_by_name.get(_fold(row.client_name))
        return key, found

    def project_id(self, row: SourceRow, client_id: int | None) -> tuple[str, int | None]:
        key = project_key(row)
        mapped = self._mapped("projects", key)
        if mapped is not None:
            return key, None if mapped == CREATE else int(mapped)
        name = _fold(row.project_name)
        if client_id is not None:
            return key, self.project_by_client.get((client_id, name))
        if client_key(row) == NO_CLIENT:
            return key, self.project_by_name.get(name)
        return key, None

    # --- Checks --------------------------------------------------------------------------------------------------

    # Complexity: every per-row rule in one place, each with its column and reason.
    def _row_error(self, row: SourceRow, person_id: int | None, project_id: int | None) -> RowError | None:
        if row.date > self.today + timedelta(days=1):
            return RowError(row.row, "date", f"{row.date.isoformat()} is in the future; import time already spent.")
        if row.currency and not is_currency(row.currency):
            return RowError(row.row, "currency", f"“{row.currency}” is not an ISO 4217 currency code.")
        if not 1 <= row.minutes <= MINUTES_PER_DAY:
            return RowError(row.row, "duration", "An entry is between 1 minute and 24 hours.")
        if not row.project_name.strip():
            return RowError(row.row, "project", "The project is empty.")
        if person_id is not None:
            person = self.people.get(person_id)
            if person is not None and person.membership.role == Role.CLIENT:
                return RowError(row.row, "person", f"{person.name} is a client portal user; they log no time.")
        if project_id is not None:
            project = self.projects.get(project_id)
            if project is not None and project.archived_at is not None:
                return RowError(row.row, "project", f"“{project.name}” is archived.")
            if project is not None and project.status == ProjectStatus.CANCELLED:
                return RowError(row.row, "project", f"“{project.name}” is cancelled; time cannot be logged on it.")
        return None

    # Complexity: one pass over a batch, with the batch's two lookups (imported keys, the day totals and weeks).
    def check(self, batch: list[SourceRow | RowError], *, writing: bool = False) -> Outcome:
        """Sort a batch into fresh rows, already-imported rows and refused rows. Writing, the day totals read the
        database (earlier batches are in it); the dry run keeps running totals of the file."""
        out = Outcome()
        rows: list[tuple[SourceRow, str, str, int | None]] = []
        for item in batch:
            if isinstance(item, RowError):
                out.errors.append(item)
                continue
            pkey, pid = self.person_id(item)
            ckey, cid = self.client_id(item)
            prkey, prid = self.project_id(item, cid)
            error = self._row_error(item, pid, prid)
            if error is not None:
                out.errors.append(error)
                continue
            self.plan.note("people", pkey, pid, name=item.person_name.strip(), email=item.person_email.strip())
            self.plan.note(
                "clients", ckey, cid, name=item.client_name.strip() or NO_CLIENT_NAME, number=item.client_number.strip()
            )
            self.plan.note(
                "projects", prkey, prid, name=item.project_name.strip(), client_key=ckey, currency=item.currency
            )
            if item.task_name.strip():
                tkey = f"{prkey}|{_fold(item.task_name)}"
                tid = self.tasks.get((prid, _fold(item.task_name))) if prid else None
                self.plan.note("tasks", tkey, tid, title=item.task_name.strip(), project_key=prkey)
            rows.append((item, item.key(self.source), pkey, pid))
        keys = [k for _, k, _, _ in rows]
        imported = set(
            TimeEntry.objects.filter(workspace=self.actor.workspace, source=self.source, source_key__in=keys)
            .values_list("source_key", flat=True)
            .order_by()
        )
        pids = {pid for _, _, _, pid in rows if pid is not None}
        days = {r.date for r, _, _, _ in rows}
        logged = _logged(pids, days)
        locked = _locked_weeks(pids, {week_start_of(d) for d in days})
        seen: set[str] = set()
        in_batch: dict[tuple[str, date], int] = defaultdict(int)
        for row, key, pkey, pid in rows:
            if key in imported or key in seen:
                out.matched += 1
                continue
            seen.add(key)
            if pid is not None and (pid, week_start_of(row.date)) in locked:
                what = locked[(pid, week_start_of(row.date))]
                out.errors.append(
                    RowError(
                        row.row,
                        "date",
                        f"The week of {week_start_of(row.date).isoformat()} is {what}; reopen it first.",
                    )
                )
                continue
            day = (pkey, row.date)
            before = (logged.get((pid, row.date), 0) if pid is not None else 0) + in_batch[day]
            if not writing:
                before += self.day_minutes[day]
            if before + row.minutes > MINUTES_PER_DAY:
                total = _hours(before + row.minutes)
                out.errors.append(
                    RowError(row.row, "duration", f"This makes {total} on {row.date.isoformat()}; a day has 24 hours.")
                )
                continue
            in_batch[day] += row.minutes
            out.fresh.append((row, key))
        if not writing:
            for day, minutes in in_batch.items():
                self.day_minutes[day] += minutes
        return out

    # --- Writing -------------------------------------------------------------------------------------------------

    def create_planned(self, plan: Plan) -> None:
        """Create the people, clients and projects the plan names that nothing matched or was mapped to: people as
        members without a login (no password; they sign in once invited), clients and active projects through their
        apps' services."""
        for item in plan.items["people"].values():
            if self._todo("people", item):
                found = self.person_by_email.get((item.get("email") or "").lower()) or self.person_by_name.get(
                    _fold(item.get("name") or "")
                )  # created by an earlier attempt of this run
                self.created["people"][item["key"]] = found or self._new_person(item).pk
        for item in plan.items["clients"].values():
            if self._todo("clients", item):
                number = item.get("number") or ""
                found = self.client_by_number.get(number) if number else None
                found = found or self.client_by_name.get(_fold(item["name"] or NO_CLIENT_NAME))
                if found is not None:
                    self.created["clients"][item["key"]] = found
                    continue
                client = client_create(actor=self.actor, name=item["name"] or NO_CLIENT_NAME, number=number)
                self.created["clients"][item["key"]] = client.pk
                self.client_by_name[_fold(client.name)] = client.pk
        for item in plan.items["projects"].values():
            if not self._todo("projects", item):
                continue
            cid = self._client_of(plan, item["client_key"])
            found = self.project_by_client.get((cid, _fold(item["name"])))
            if found is not None:
                self.created["projects"][item["key"]] = found
                continue
            project = project_create(
                actor=self.actor,
                client_id=cid,
                name=item["name"],
                status=ProjectStatus.ACTIVE,
                currency=item.get("currency") or None,
            )
            self.created["projects"][item["key"]] = project.pk
            self.projects[project.pk] = project

    def _todo(self, kind: str, item: dict[str, Any]) -> bool:
        choice = self.mapping.get(kind, {}).get(item["key"])
        return choice == CREATE or (choice is None and item["match_id"] is None)

    def _client_of(self, plan: Plan, key: str) -> int:
        mapped = self._mapped("clients", key)
        if isinstance(mapped, int):
            return mapped
        item = plan.items["clients"].get(key)
        if item is not None and item["match_id"] is not None:
            return int(item["match_id"])
        client = client_create(actor=self.actor, name=NO_CLIENT_NAME)  # a planned client is always created above
        self.created["clients"][key] = client.pk
        return client.pk

    def _new_person(self, item: dict[str, Any]) -> Person:
        email = item.get("email") or ""
        name = item.get("name") or email.split("@")[0]
        if not email:
            base = slugify(name) or "person"
            email = f"{base}.{slugify(self.actor.workspace.slug)}@{PLACEHOLDER_DOMAIN}"
            n = 1
            while Person.objects.filter(workspace=self.actor.workspace, email__iexact=email).exists():
                n += 1
                email = f"{base}-{n}.{slugify(self.actor.workspace.slug)}@{PLACEHOLDER_DOMAIN}"
        person = person_create(actor=self.actor, name=name, email=email, role=Role.MEMBER, password=None)
        person = Person.objects.select_related("membership").get(pk=person.pk)
        self.people[person.pk] = person
        return person

    def _task_id(self, project: Project, title: str) -> int:
        key = (project.pk, _fold(title))
        if key not in self.tasks:
            self.tasks[key] = task_create(actor=self.actor, project=project, title=title.strip()[:300]).pk
        return self.tasks[key]

    def write(self, batch: list[SourceRow | RowError], *, target: Any) -> Outcome:
        """Check a batch against the database and write its fresh rows (in the caller's transaction)."""
        out = self.check(batch, writing=True)
        if self.book is None:
            self.book = RateBook.load(self.actor.workspace.pk)
        entries = []
        for row, key in out.fresh:
            _, pid = self.person_id(row)
            _, cid = self.client_id(row)
            _, prid = self.project_id(row, cid)
            if pid is None or prid is None:
                out.errors.append(RowError(row.row, "project" if pid else "person", "Not mapped to a record."))
                continue
            person, project = self.people[pid], self.projects[prid]
            billable = row.billable if row.billable is not None else project.billing != "non_billable"
            entries.append(
                imported_entry(
                    book=self.book,
                    person=person,
                    project=project,
                    day=row.date,
                    minutes=row.minutes,
                    billable=bool(billable) and project.billing != "non_billable",
                    file_rates={
                        "bill_rate": row.bill_rate,
                        "bill_amount": row.bill_amount,
                        "cost_rate": row.cost_rate,
                        "cost_amount": row.cost_amount,
                        "currency": row.currency,
                    },
                    task_id=self._task_id(project, row.task_name) if row.task_name.strip() else None,
                    note=row.note.strip(),
                    tags=list(row.tags),
                    source=self.source,
                    source_key=key,
                    approved=row.approved,
                )
            )
        out.written = len(time_entries_import(actor=self.actor, entries=entries, target=target))
        return out


def _unique(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """name -> id for the names only one record has (an ambiguous name matches nothing: the importer maps it)."""
    seen: dict[str, int | None] = {}
    for name, pk in pairs:
        seen[name] = None if name in seen else pk
    return {name: pk for name, pk in seen.items() if pk is not None}


def _logged(person_ids: set[int], days: set[date]) -> dict[tuple[int, date], int]:
    if not person_ids or not days:
        return {}
    rows = (
        TimeEntry.objects.filter(person_id__in=person_ids, date__in=days)
        .values("person_id", "date")
        .annotate(m=Sum("minutes"))
        .order_by()
    )
    return {(r["person_id"], r["date"]): int(r["m"] or 0) for r in rows}


def _locked_weeks(person_ids: set[int], weeks: set[date]) -> dict[tuple[int, date], str]:
    if not person_ids or not weeks:
        return {}
    rows = Timesheet.objects.filter(
        Q(status=TimesheetStatus.SUBMITTED) | Q(status=TimesheetStatus.APPROVED),
        person_id__in=person_ids,
        week_start__in=weeks,
    ).values_list("person_id", "week_start", "status")
    return {
        (pid, week): "approved" if status == TimesheetStatus.APPROVED else "submitted for approval"
        for pid, week, status in rows
    }


def _hours(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d} h"
