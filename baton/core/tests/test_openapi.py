"""The OpenAPI document tells the truth: a valid OpenAPI 3.1 document, one component per schema class, errors as
problem+json, the 400 documented, one key per status code, and built once per process."""

from __future__ import annotations

import enum
import json
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, get_args

from django.test import Client as HttpClient
from openapi_spec_validator import validate
from pydantic import BaseModel

from baton.api import api
from baton.core.api_support import (
    BAD_REQUEST,
    PDF_CONTENT,
    PROBLEM,
    BatonAPI,
    BearerAuth,
    Problem,
    document_errors_truthfully,
)

REF = re.compile(r'"\$ref":\s*"#/components/schemas/([^"]+)"')


def _component_name(cls: type) -> str:
    """The name pydantic gives a class in `components/schemas` (ninja merges them by this name alone)."""
    return re.sub(r"[^a-zA-Z0-9.\-_]", "_", cls.__name__).replace(".", "__")


def _classes_in(annotation: Any, seen: set[Any]) -> Iterator[type]:
    """Every schema class (model or enum) an annotation reaches, through generics, unions and nested fields."""
    if id(annotation) in seen:
        return
    seen.add(id(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        yield annotation
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _classes_in(field.annotation, seen)
    for arg in get_args(annotation):
        yield from _classes_in(arg, seen)


def _wrapper_fields(model: Any) -> Iterator[Any]:
    """ninja wraps a view's parameters and each response in models of its own; the API's classes are their fields."""
    if model is None or not isinstance(model, type) or not issubclass(model, BaseModel):
        return
    for field in model.model_fields.values():
        yield field.annotation


def schema_classes_by_component_name(ninja_api: Any) -> dict[str, set[type]]:
    names: dict[str, set[type]] = defaultdict(set)
    seen: set[Any] = set()
    for router in ninja_api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                roots = [a for m in operation.models for a in _wrapper_fields(m)]
                roots += [a for m in operation.response_models.values() for a in _wrapper_fields(m)]
                for root in roots:
                    for cls in _classes_in(root, seen):
                        names[_component_name(cls)].add(cls)
    return names


def _qualified(classes: set[type]) -> list[str]:
    return sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)


def test_no_two_schema_classes_share_a_component_name():
    collisions = {
        name: _qualified(classes) for name, classes in schema_classes_by_component_name(api).items() if len(classes) > 1
    }
    assert not collisions, f"Rename these classes so each has its own OpenAPI component: {collisions}"


def test_the_collision_check_finds_two_classes_of_one_name():
    first = type("SettingsOut", (BaseModel,), {"__annotations__": {"a": int}})
    second = type("SettingsOut", (BaseModel,), {"__annotations__": {"b": str}})
    probe = BatonAPI(auth=BearerAuth(), urls_namespace="probe")
    probe.get("/first", response=first)(lambda request: None)
    probe.post("/second", response=second)(lambda request, payload: None)
    names = schema_classes_by_component_name(probe)
    assert names["SettingsOut"] == {first, second}


def test_every_reference_names_a_component_that_exists():
    document = api.get_openapi_schema()
    referenced = set(REF.findall(json.dumps(document)))
    assert referenced <= set(document["components"]["schemas"]), referenced - set(document["components"]["schemas"])


def test_the_document_is_valid_openapi():
    response = HttpClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(json.loads(response.content))


def test_each_status_code_is_one_key():
    raw = HttpClient().get("/api/v1/openapi.json").content.decode()
    pairs: list[list[tuple[str, Any]]] = []

    def keep(items: list[tuple[str, Any]]) -> dict[str, Any]:
        pairs.append(items)
        return dict(items)

    json.loads(raw, object_pairs_hook=keep)
    repeated = [[k for k, _ in items] for items in pairs if len({k for k, _ in items}) != len(items)]
    assert not repeated, repeated
    pdf = json.loads(raw)["paths"]["/api/v1/invoices/{invoice_id}/pdf"]["get"]["responses"]["200"]
    assert pdf == {"description": "The invoice as a PDF", "content": PDF_CONTENT}


def test_errors_are_documented_as_problem_json_with_the_400():
    document = api.get_openapi_schema()
    operations = [op for methods in document["paths"].values() for op in methods.values()]
    assert len(operations) > 250
    problem_ref = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for operation in operations:
        errors = {code: r for code, r in operation["responses"].items() if code.startswith("4")}
        assert {"400", "401", "403", "404", "409", "422", "428", "429"} <= set(errors), operation["operationId"]
        for code, response in errors.items():
            assert response["content"] == {PROBLEM: problem_ref}, (operation["operationId"], code)
    assert document["components"]["schemas"]["Problem"]["properties"]["errors"]["items"] == {
        "$ref": "#/components/schemas/ProblemField"
    }


def test_idempotency_key_and_the_413_are_documented():
    document = api.get_openapi_schema()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert ("Idempotency-Key" in headers) == (method == "post"), (method, path)
            assert ("413" in operation["responses"]) == ("requestBody" in operation), (method, path)


def test_unparsable_json_answers_the_documented_400(personas):
    response = personas["owner"].api().post("/api/v1/clients", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    Problem.model_validate(response.json())


def test_settings_and_rules_are_documented_with_their_own_fields():
    document = api.get_openapi_schema()
    paths = document["paths"]
    schemas = document["components"]["schemas"]

    def fields(path: str, method: str, part: str) -> set[str]:
        operation = paths[path][method]
        if part == "request":
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        else:
            ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        return set(schemas[ref.rsplit("/", 1)[1]]["properties"])

    resourcing = fields("/api/v1/resourcing/settings", "get", "response")
    relationships = fields("/api/v1/relationships/settings", "get", "response")
    assert {"holiday_country", "overbooking_mode", "utilization_target_pct"} <= resourcing
    assert {"portfolio_mode", "health_weights", "watch_from"} <= relationships
    assert not resourcing & relationships - {"version"}
    assert fields("/api/v1/resourcing/settings", "patch", "request") <= resourcing | {"version"}
    assert fields("/api/v1/relationships/settings", "patch", "request") <= relationships | {"version"}
    assert {"trigger", "conditions", "actions"} <= fields("/api/v1/automation/rules", "post", "request")
    assert {"trigger", "conditions", "actions"} <= fields("/api/v1/automation/rules/{rule_id}", "get", "response")


def test_the_document_is_built_once_per_process():
    probe = BatonAPI(auth=BearerAuth(), urls_namespace="probe-once")
    probe.get("/things", response=Problem)(lambda request: None)
    first = probe.get_openapi_schema(path_prefix="")
    assert probe.get_openapi_schema(path_prefix="") is first
    client = HttpClient()
    client.get("/api/v1/openapi.json")  # built (or already built) for this process
    started = time.process_time()
    for _ in range(3):
        assert client.get("/api/v1/openapi.json").status_code == 200
    assert (time.process_time() - started) / 3 < 0.25


def test_the_post_processing_merges_a_repeated_status_code():
    document: dict[str, Any] = {
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        200: {"description": "OK"},
                        "200": {"description": "A PDF", "content": {"application/pdf": {}}},
                        404: {"description": "Not Found", "content": {"application/json": {"schema": {}}}},
                    }
                }
            }
        }
    }
    document_errors_truthfully(document)
    assert document["paths"]["/x"]["get"]["responses"] == {
        "200": {"description": "A PDF", "content": {"application/pdf": {}}},
        "400": {
            "description": BAD_REQUEST,
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
        "404": {"description": "Not Found", "content": {PROBLEM: {"schema": {}}}},
    }


def test_files_are_documented_with_the_types_they_are_served_as():
    paths = api.get_openapi_schema()["paths"]
    report = paths["/api/v1/clients/{client_id}/report/pdf"]["get"]["responses"]["200"]
    assert report["content"] == PDF_CONTENT
    download = paths["/api/v1/attachments/{attachment_id}/download"]["get"]["responses"]["200"]
    assert {"image/png", "application/pdf", "text/csv"} <= set(download["content"])
    assert "application/octet-stream" not in download["content"]
