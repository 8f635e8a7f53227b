"""The import flow's services: the dry run's counts and exact row errors, the mapping, the run (what it creates, how
it prices, the rollup after it), re-importing, resuming."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from baton.core.errors import Conflict
from baton.core.models import Event, User
from baton.crm.models import Client
from baton.delivery.models import Project, Task
from baton.devdata.testing.finance import make_project
from baton.finance.models import BudgetAlert
from baton.imports import resolve, services
from baton.imports.models import ImportRun, ImportStatus
from baton.imports.tests.conftest import HEADER, NOW, day, upload
from baton.people.models import Person
from baton.rates.models import BillRate, ExchangeRate
from baton.timesheets import rollups
from baton.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db


def _lines(personas):
    return [
        f"{day(3)},120,member@studio.test,Member Persona,Client A,Website,Design,Homepage,yes,,",
        f"{day(3)},60,new.person@studio.test,Nina New,Client A,Website,,Review,yes,150.00,USD",
        f"{day(2)},90,,Harry Harvest,Acme Ltd,Brand refresh,Logo,Sketches,no,,",
        f"{day(1)},abc,member@studio.test,Member Persona,Client A,Website,,,yes,,",
        f"{day(1)},1500,member@studio.test,Member Persona,Client A,Website,,,yes,,",
        f"{day(-5)},30,member@studio.test,Member Persona,Client A,Website,,,yes,,",
        "2026-13-01,30,member@studio.test,Member Persona,Client A,Website,,,yes,,",
    ]


def _dry(personas, lines=None, **kwargs):
    return services.import_create(actor=personas["owner"].actor, upload=upload(lines or _lines(personas)), **kwargs)


def _run(personas, run):
    services.import_run(actor=personas["owner"].actor, run=run, version=run.version)
    return services.import_execute(run.pk)


def test_dry_run_counts_matches_and_row_errors(personas):
    make_project(personas, "Website")
    run = _dry(personas)
    assert (run.source, run.status, run.rows, run.created, run.matched, run.refused) == ("csv", "dry_run", 7, 3, 0, 4)
    assert run.errors == [
        {"row": 5, "column": "minutes", "message": "“abc” is not a number of minutes."},
        {"row": 6, "column": "minutes", "message": "More than 24 hours in one entry."},
        {"row": 7, "column": "date", "message": f"{day(-5)} is in the future; import time already spent."},
        {"row": 8, "column": "date", "message": "“2026-13-01” is not a date (use YYYY-MM-DD)."},
    ]
    people = {p["key"]: p for p in run.plan["people"]}
    assert people["email:member@studio.test"]["match_id"] == personas["member"].person.pk
    assert people["email:new.person@studio.test"]["match_id"] is None
    assert people["name:harry harvest"]["match_id"] is None
    clients = {c["key"]: c["match_id"] for c in run.plan["clients"]}
    assert clients == {"name:client a": personas.client_a.pk, "name:acme ltd": None}
    assert TimeEntry.objects.count() == 0 and not Person.objects.filter(email="new.person@studio.test").exists()


def test_run_creates_people_clients_projects_tasks_and_entries(personas):
    website = make_project(personas, "Website")
    run = _run(personas, _dry(personas))
    assert (run.status, run.created, run.matched, run.refused, run.progress) == ("done", 3, 0, 4, 7)
    nina = Person.objects.get(workspace=personas.workspace, email="new.person@studio.test")
    assert nina.membership.role == "member"
    assert not User.objects.get(email="new.person@studio.test").has_usable_password()
    harry = Person.objects.get(workspace=personas.workspace, name="Harry Harvest")
    assert harry.email.endswith("@import.invalid")
    acme = Client.objects.get(workspace=personas.workspace, name="Acme Ltd")
    brand = Project.objects.get(client=acme, name="Brand refresh")
    assert Task.objects.filter(project=brand, title="Logo").exists()
    assert Task.objects.filter(project=website, title="Design").exists()
    entries = TimeEntry.objects.filter(workspace=personas.workspace, source="csv")
    assert entries.count() == 3
    assert {e.minutes for e in entries} == {120, 60, 90}
    assert all(len(e.source_key) == 40 for e in entries)
    assert entries.get(minutes=90).billable is False


def test_reimporting_the_same_file_creates_nothing_new(personas):
    make_project(personas, "Website")
    _run(personas, _dry(personas))
    people, clients = Person.objects.count(), Client.objects.count()
    again = _dry(personas)
    assert (again.created, again.matched, again.refused) == (0, 3, 4)
    done = _run(personas, again)
    assert (done.created, done.matched) == (0, 3)
    assert TimeEntry.objects.count() == 3
    assert (Person.objects.count(), Client.objects.count()) == (people, clients)


def test_mapping_sends_unknown_names_to_existing_records(personas):
    make_project(personas, "Website")
    run = _dry(personas)
    with pytest.raises(ValidationError) as bad:
        services.import_mapping_set(
            actor=personas["owner"].actor,
            run=run,
            mapping={"people": {"name:harry harvest": 999999, "name:nobody": "create"}},
            version=run.version,
        )
    assert set(bad.value.message_dict) == {"mapping.people.name:harry harvest", "mapping.people.name:nobody"}
    run = services.import_mapping_set(
        actor=personas["owner"].actor,
        run=run,
        mapping={
            "people": {"name:harry harvest": personas["pm"].person.pk},
            "clients": {"name:acme ltd": personas.client_b.pk},
        },
        version=run.version,
    )
    done = _run(personas, run)
    assert done.created == 3
    assert not Person.objects.filter(name="Harry Harvest").exists()
    entry = TimeEntry.objects.get(minutes=90)
    assert entry.person_id == personas["pm"].person.pk and entry.project.client_id == personas.client_b.pk


def test_rates_from_the_file_are_kept_else_batons(personas):
    website = make_project(personas, "Website")
    BillRate.objects.create(
        workspace=personas.workspace, scope="project", project=website, rate=Decimal("80.00"), currency="USD"
    )
    lines = [
        f"{day(3)},90,member@studio.test,Member Persona,Client A,Website,,,yes,150.00,USD",
        f"{day(4)},90,member@studio.test,Member Persona,Client A,Website,,,yes,,",
    ]
    _run(personas, _dry(personas, lines))
    from_file = TimeEntry.objects.get(date=day(3))
    baton = TimeEntry.objects.get(date=day(4))
    assert (from_file.bill_rate, from_file.bill_amount, from_file.bill_rate_source) == (
        Decimal("150.00"),
        Decimal("225.00"),
        "import",
    )
    assert (baton.bill_rate, baton.bill_amount, baton.bill_rate_source) == (
        Decimal("80.00"),
        Decimal("120.00"),
        "project",
    )


def test_rollups_equal_the_raw_entries_after_an_import(personas):
    make_project(personas, "Website")
    _run(personas, _dry(personas))
    assert rollups.stored_cells(personas.workspace.pk) == rollups.bare_cells(personas.workspace.pk)


def test_a_day_over_24_hours_is_refused_row_by_row(personas):
    make_project(personas, "Website")
    lines = [f"{day(3)},800,member@studio.test,,Client A,Website,,,yes,,"] * 2
    run = _dry(personas, lines)
    assert run.errors == [
        {"row": 3, "column": "duration", "message": f"This makes 26:40 h on {day(3)}; a day has 24 hours."}
    ]


def test_a_stopped_run_resumes_and_skips_what_it_imported(personas, monkeypatch):
    make_project(personas, "Website")
    lines = [f"{day(n)},60,member@studio.test,,Client A,Website,,,yes,," for n in range(1, 8)]
    run = _dry(personas, lines)
    services.import_run(actor=personas["owner"].actor, run=run, version=run.version)
    calls = {"n": 0}
    original = resolve.Resolver.write

    def flaky(self, batch, *, target):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return original(self, batch, target=target)

    monkeypatch.setattr(resolve.Resolver, "write", flaky)
    failed = services.import_execute(run.pk, batch_size=2)
    assert (failed.status, failed.failure) == ("failed", "worker killed")
    assert TimeEntry.objects.count() == 4  # two batches committed
    monkeypatch.setattr(resolve.Resolver, "write", original)
    services.import_run(actor=personas["owner"].actor, run=failed, version=failed.version)
    done = services.import_execute(run.pk, batch_size=2)
    assert (done.status, done.created, done.matched) == ("done", 3, 4)
    assert TimeEntry.objects.count() == 7
    assert rollups.stored_cells(personas.workspace.pk) == rollups.bare_cells(personas.workspace.pk)


def test_unknown_format_and_bad_mapping_name_what_was_expected(personas):
    with pytest.raises(ValidationError) as unknown:
        services.import_create(actor=personas["owner"].actor, upload=upload(["1,2"], header="foo,bar"))
    assert unknown.value.message_dict["file"][0].startswith("Unknown file. Expected one of:")
    assert "Generic CSV" in unknown.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as mapping:
        services.import_create(
            actor=personas["owner"].actor,
            upload=upload(["1,2"], header="foo,bar"),
            source="csv",
            mapping={"date": "foo", "minutes": "nope"},
        )
    assert mapping.value.message_dict == {"mapping": ["The file has no column 'nope'; its columns are: foo, bar."]}


def test_only_owners_and_admins_import(personas):
    for who in ("finance", "pm", "member"):
        with pytest.raises(PermissionDenied):
            services.import_create(actor=personas[who].actor, upload=upload([], header=HEADER))
    assert ImportRun.objects.count() == 0
    assert ImportStatus.DRY_RUN == "dry_run"


def test_budgets_are_checked_when_the_import_ends(personas):
    website = make_project(personas, "Website", budget_minutes=600, budget_amount=Decimal("0"))
    lines = [f"{day(n)},300,member@studio.test,,Client A,Website,,,yes,," for n in (2, 3)]
    _run(personas, _dry(personas, lines))
    assert sorted(BudgetAlert.objects.filter(project=website).values_list("threshold", flat=True)) == [50, 80, 100]
    event = Event.objects.get(verb="time_entries.imported")
    assert event.data["entries"] == 2 and event.data["minutes"] == 600 and "bill_amount" not in event.data


def test_a_rate_in_another_currency_is_converted_on_the_day(personas):
    website = make_project(personas, "Website")  # USD, the base currency
    ExchangeRate.objects.create(
        workspace=personas.workspace, currency="EUR", rate=Decimal("1.10000000"), effective_on=date(2020, 1, 1)
    )
    lines = [f"{day(3)},60,member@studio.test,,Client A,Website,,,yes,100.00,EUR"]
    _run(personas, _dry(personas, lines))
    entry = TimeEntry.objects.get(project=website)
    assert (entry.source_rate, entry.source_currency, entry.bill_rate, entry.bill_amount) == (
        Decimal("100.00"),
        "EUR",
        Decimal("110.00"),
        Decimal("110.00"),
    )
    assert entry.bill_amount_base == Decimal("110.00") and entry.missing_rate_currency == ""


def test_a_run_whose_worker_died_can_be_run_again_once_stalled(personas):
    make_project(personas, "Website")
    run = _dry(personas, [f"{day(3)},60,member@studio.test,,Client A,Website,,,yes,,"])
    services.import_run(actor=personas["owner"].actor, run=run)
    ImportRun.objects.filter(pk=run.pk).update(status="running")
    with pytest.raises(Conflict):
        services.import_run(actor=personas["owner"].actor, run=run)
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        services.import_run(actor=personas["owner"].actor, run=run)
        assert services.import_execute(run.pk).status == "done"
    assert TimeEntry.objects.count() == 1
