"""Strict input (API.md "Wave 2: strict input"): unknown and read-only body fields, booleans as numbers, NUL bytes,
money finer than cents and dates outside 1900-01-01..2999-12-31 answer 422 naming the field; reports and pages answer
for any range inside it; unreadable bodies answer problem+json."""

from __future__ import annotations

import re
import typing
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.test import RequestFactory
from ninja import Schema

from baton.api import api
from baton.core.api_support import body_schemas, operations, optional_body
from baton.core.money import money
from baton.core.schemas import InputSchema, StrictSchema
from baton.core.tests.test_api_errors import assert_problem, fields_of
from baton.core.validators import parse_day
from baton.delivery import services as delivery_services
from baton.delivery.models import Project
from baton.devdata.testing.personas import PASSWORD
from baton.finance.api.change_orders import DecisionIn
from baton.timesheets.models import TimeEntry


def _schemas_in(schema: type[Schema], found: set[type[Schema]]) -> set[type[Schema]]:
    if schema in found:
        return found
    found.add(schema)
    for field in schema.model_fields.values():
        stack: list[Any] = [field.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, Schema):
                _schemas_in(annotation, found)
            stack.extend(typing.get_args(annotation))
    return found


def _body_operations() -> list[tuple[str, str, Any]]:
    return [(m, p, op) for m, p, op in operations(api) if body_schemas(op)]


def test_every_body_schema_is_an_input_schema_and_every_query_schema_strict():
    """The rule lives in the base classes: a new endpoint whose body or query schema skips them fails here."""
    loose = set()
    for _method, path, operation in _body_operations():
        for top in body_schemas(operation):
            loose |= {(path, s.__name__) for s in _schemas_in(top, set()) if not issubclass(s, InputSchema)}
    for _method, path, operation in operations(api):
        for model in operation.models:
            if getattr(model, "__ninja_param_source__", None) != "query":
                continue
            for field in model.model_fields.values():
                if isinstance(field.annotation, type) and issubclass(field.annotation, Schema):
                    if not issubclass(field.annotation, StrictSchema):
                        loose.add((path, field.annotation.__name__))
    assert not loose


def test_every_post_put_patch_body_refuses_an_unknown_field(personas):
    """Walks every operation that takes a JSON body and sends it with a field nobody declared: 422 naming it, before
    the view runs (so made-up ids in the path are fine)."""
    owner = personas["owner"].api()
    operations_seen, wrong = 0, []
    for method, path, _operation in _body_operations():
        url = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path)
        response = owner.generic(method, url, '{"bogus_field": 5}', content_type="application/json")
        operations_seen += 1
        if response.status_code != 422:
            wrong.append((method, path, response.status_code))
            continue
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        if "Unknown field" not in errors.get("bogus_field", ""):
            wrong.append((method, path, errors))
    assert operations_seen > 90
    assert not wrong


def _project(personas, **extra: Any) -> dict[str, Any]:
    body = {"client_id": personas.client_a.pk, "name": "Strict", **extra}
    response = personas["owner"].api().post("/api/v1/projects", body, content_type="application/json")
    assert response.status_code == 201, response.content
    project: dict[str, Any] = response.json()
    return project


def test_patch_with_read_only_or_unknown_fields_changes_nothing(personas):
    project = _project(personas)
    owner = personas["owner"].api()
    body = {"id": 999, "created_at": "2020-01-01T00:00:00Z", "spent_minutes": 5, "bogus": 5, "version": 1}
    response = owner.patch(f"/api/v1/projects/{project['id']}", body, content_type="application/json")
    problem = assert_problem(response, 422)
    messages = {e["field"]: e["message"] for e in problem["errors"]}
    assert set(messages) == {"id", "created_at", "spent_minutes", "bogus"}
    assert messages["id"].startswith("Read-only field") and messages["created_at"].startswith("Read-only field")
    assert messages["bogus"].startswith("Unknown field")
    assert Project.objects.get(pk=project["id"]).version == 1
    # `version` is part of every PATCH body and the bad fields are named together with the others.
    response = owner.patch(
        f"/api/v1/projects/{project['id']}", {"name": "", "bogus": 1, "version": 1}, content_type="application/json"
    )
    assert fields_of(assert_problem(response, 422)) == {"name", "bogus"}
    ok = owner.patch(
        f"/api/v1/projects/{project['id']}", {"name": "Renamed", "version": 1}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["name"] == "Renamed"


def test_optional_bodies_refuse_unknown_fields_too():
    request = RequestFactory().post("/x", '{"reason": "ok", "bogus": 1}', content_type="application/json")
    with pytest.raises(ValidationError) as caught:
        optional_body(request, DecisionIn)
    assert set(caught.value.message_dict) == {"bogus"}
    request = RequestFactory().post("/x", '{"reason": "ok"}', content_type="application/json")
    assert optional_body(request, DecisionIn).reason == "ok"


def test_booleans_are_never_numbers(personas):
    project = _project(personas)
    owner = personas["owner"].api()
    body = {"project_id": project["id"], "date": "2026-03-02", "minutes": True}
    problem = assert_problem(owner.post("/api/v1/time-entries", body, content_type="application/json"), 422)
    assert fields_of(problem) == {"minutes"}
    assert not TimeEntry.objects.exists()
    patch = {"budget_minutes": False, "member_ids": [True], "version": 1}
    response = owner.patch(f"/api/v1/projects/{project['id']}", patch, content_type="application/json")
    assert fields_of(assert_problem(response, 422)) == {"budget_minutes", "member_ids"}
    # Numbers as strings stay accepted, and real booleans where a boolean is asked for.
    body = {"project_id": project["id"], "date": "2026-03-02", "minutes": "30", "billable": False}
    assert owner.post("/api/v1/time-entries", body, content_type="application/json").status_code == 201


@pytest.mark.parametrize("field", ["budget_amount", "period_budget_amount"])
def test_money_finer_than_cents_is_refused_everywhere(personas, field):
    project = _project(personas)
    body = {field: "1250.123456789012", "version": 1}
    response = personas["owner"].api().patch(f"/api/v1/projects/{project['id']}", body, content_type="application/json")
    assert fields_of(assert_problem(response, 422)) == {field}
    assert Project.objects.get(pk=project["id"]).budget_amount == Decimal("0.00")
    # the services' check is the same rule, for the web and imports
    with pytest.raises(ValidationError) as caught:
        delivery_services.project_update(
            actor=personas["owner"].actor,
            project=Project.objects.get(pk=project["id"]),
            version=1,
            budget_amount=Decimal("1.005"),
        )
    assert "budget_amount" in caught.value.message_dict


def test_the_one_money_rule():
    errors: dict[str, str] = {}
    assert money("12.50", "a", errors) == Decimal("12.50")
    assert money("12.500", "b", errors) == Decimal("12.50")
    assert money("12.505", "c", errors) is None
    assert set(errors) == {"c"} and "decimal places" in errors["c"]


def test_nul_bytes_are_refused_naming_the_field(personas):
    owner = personas["owner"].api()
    response = owner.post("/api/v1/clients", {"name": "Acme\x00", "currency": "USD"}, content_type="application/json")
    assert fields_of(assert_problem(response, 422)) == {"name"}
    project = _project(personas)
    body = {"project_id": project["id"], "title": "T", "description": "a\x00b"}
    assert fields_of(assert_problem(owner.post("/api/v1/tasks", body, content_type="application/json"), 422)) == {
        "description"
    }


@pytest.mark.parametrize("day", ["0001-01-02", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_dates_outside_the_accepted_range_are_refused(personas, day):
    owner = personas["owner"].api()
    project = _project(personas)
    body = {"project_id": project["id"], "date": day, "minutes": 30}
    assert fields_of(
        assert_problem(owner.post("/api/v1/time-entries", body, content_type="application/json"), 422)
    ) == {"date"}
    response = owner.get(f"/api/v1/reports/profitability?group_by=month&from={day}&to=2026-01-01")
    assert fields_of(assert_problem(response, 422)) == {"from"}
    response = owner.get(f"/api/v1/clients/{personas.client_a.pk}/cadence?on={day}")
    assert fields_of(assert_problem(response, 422)) == {"on"}
    with pytest.raises(ValidationError) as caught:  # the services refuse it whoever calls them (web, imports)
        delivery_services.project_create(
            actor=personas["owner"].actor,
            client_id=personas.client_a.pk,
            name="Old",
            start_date=date.fromisoformat(day),
        )
    assert "start_date" in caught.value.message_dict


def test_the_range_edges_are_accepted():
    assert parse_day("1900-01-01") == date(1900, 1, 1)
    assert parse_day("2999-12-31") == date(2999, 12, 31)
    assert parse_day("1899-12-31") is None and parse_day("9999-12-27") is None and parse_day("2024-02-30") is None


WIDEST = "from=1900-01-01&to=2999-12-31"
REPORTS = [
    f"/api/v1/reports/profitability?group_by=month&{WIDEST}",
    f"/api/v1/reports/profitability?group_by=client&{WIDEST}",
    f"/api/v1/reports/profitability?group_by=person&{WIDEST}",
    "/api/v1/reports/handoffs?" + WIDEST,
    "/api/v1/reports/utilization?from=2999-11-01&to=2999-12-31",
    "/api/v1/reports/utilization?from=1900-01-01&to=1900-02-28",
    "/api/v1/reports/capacity-demand?from=2999-11-01&to=2999-12-31",
    "/api/v1/reports/revenue-forecast?from=2999-11-01&to=2999-12-31",
    "/api/v1/growth/evidence?" + WIDEST,
    "/api/v1/time-entries?date_from=1900-01-01&date_to=2999-12-31",
    "/api/v1/bookings?" + WIDEST,
    "/api/v1/time-off?" + WIDEST,
    "/api/v1/holidays?from=2998-01-01&to=2999-12-31",
    "/api/v1/events?since=1900-01-01T00:00:00Z",
]


def test_reports_answer_for_ranges_inside_the_accepted_one(personas):
    """A member's entry at the range's first day must not break the workspace's reports (it did at year 1)."""
    project = _project(personas)
    owner = personas["owner"].api()
    for day in ("1900-01-02", "2999-12-30"):
        body = {"project_id": project["id"], "date": day, "minutes": 30}
        assert owner.post("/api/v1/time-entries", body, content_type="application/json").status_code == 201
    failed = []
    for url in REPORTS:
        response = owner.get(url)
        if response.status_code != 200:
            failed.append((url, response.status_code, response.content[:200]))
    assert not failed


@pytest.fixture
def web(personas) -> HttpClient:
    client = HttpClient()
    assert client.login(email=personas["owner"].email, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/time/?week=9999-12-27",
        "/time/?week=2999-12-31",
        "/time/?week=2024-02-30",
        "/time/entries/?week=0001-01-01",
        "/time/entries/new/?date=9999-12-31",
        "/schedule/?start=0001-01-01",
        "/schedule/?start=2999-12-31",
        "/finance/profitability/?from=0001-01-01&to=9999-12-31",
        "/finance/profitability/?group_by=month&from=1900-01-01&to=2999-12-31",
        "/finance/pnl/?from=0001-01-01&to=9999-12-31",
        "/handoffs/dashboard/?date_from=0001-01-01&date_to=9999-12-31",
    ],
)
def test_pages_never_fail_on_a_date_parameter(web, url):
    assert web.get(url).status_code == 200


def test_a_null_relationships_setting_is_a_field_error(personas):
    owner = personas["owner"].api()
    for field in ("healthy_from", "status_update_weekday", "escalate_on_budget_over", "portfolio_mode"):
        response = owner.patch("/api/v1/relationships/settings", {field: None}, content_type="application/json")
        assert fields_of(assert_problem(response, 422)) == {field}


def test_unreadable_bodies_answer_problem_json(personas, settings):
    owner = personas["owner"].api()
    response = owner.post("/api/v1/attachments", b"--x\r\n", content_type="multipart/form-data")
    assert_problem(response, 400)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = owner.post("/api/v1/clients", {"name": "A" * 2000}, content_type="application/json")
    assert_problem(response, 413)


def test_web_forms_refuse_dates_outside_the_range(web, personas):
    project = _project(personas)
    data = {
        "person_id": personas["owner"].person.pk,
        "project_id": project["id"],
        "date": "0001-01-02",
        "minutes": "1:00",
    }
    response = web.post("/time/entries/new/", data)
    assert response.status_code == 400  # the form again, with the error on its field
    assert "Use a date between 1900-01-01 and 2999-12-31." in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_nested_read_only_fields_are_named_where_they_are(personas):
    project = _project(personas)
    body = {
        "client_id": personas.client_a.pk,
        "project_id": project["id"],
        "lines": [{"description": "Design", "quantity": "1", "unit_price": "100.00", "amount": "100.00"}],
        "total": "100.00",
    }
    response = personas["owner"].api().post("/api/v1/invoices", body, content_type="application/json")
    messages = {e["field"]: e["message"] for e in assert_problem(response, 422)["errors"]}
    assert set(messages) == {"lines.0.amount", "total"}
    assert all(m.startswith("Read-only field") for m in messages.values())


def test_unknown_query_parameters_are_refused_naming_them(personas):
    """`?date_from=` on the profitability report (it takes `from` and `to`) answered all-time totals; now 422."""
    owner = personas["owner"].api()
    response = owner.get("/api/v1/reports/profitability?group_by=month&date_from=2026-01-01&date_to=2026-02-01")
    body = assert_problem(response, 422)
    assert fields_of(body) == {"date_from", "date_to"}
    assert all("Unknown query parameter" in e["message"] for e in body["errors"])
    assert "date_from" in body["detail"]
    # with the operation's other bad fields at once
    response = owner.get("/api/v1/reports/profitability?group_by=month&from=1899-12-31&typo=1")
    assert fields_of(assert_problem(response, 422)) == {"from", "typo"}
    # an operation without any query schema refuses them too; the documented names and paging still work
    assert fields_of(assert_problem(owner.get("/api/v1/workspace?x=1"), 422)) == {"x"}
    assert owner.get("/api/v1/workspace").status_code == 200
    assert owner.get("/api/v1/clients?limit=5&offset=0&status=active").status_code == 200
    assert owner.get("/api/v1/reports/profitability?group_by=month&from=2026-01-01&to=2026-02-01").status_code == 200


def test_unknown_query_parameters_wait_for_authentication(personas):
    anonymous = HttpClient()
    assert anonymous.get("/api/v1/clients?nonsense=1").status_code == 401


def test_every_operation_refuses_unknown_query_parameters():
    """The mechanism is on the served operations (ninja binds clones of them), so no endpoint is left out."""
    served = [
        operation
        for router in api._get_bound_routers()
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    ]
    assert served and all(op._get_values.__qualname__.startswith("_refusing_unknown_query") for op in served)
