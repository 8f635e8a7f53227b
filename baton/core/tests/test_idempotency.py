"""Idempotency-Key under concurrency and failure: the key is claimed before the view runs, so concurrent repeats
create one record and all get its response; a failed first request releases the key; keys are never cut."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from baton.core.middleware import IdempotencyMiddleware
from baton.core.models import ApiToken, IdempotencyRecord, hash_token
from baton.crm import services as crm
from baton.crm.models import Client
from baton.devdata.testing.concurrency import run_together, shared_database
from baton.devdata.testing.finance import make_project
from baton.devdata.testing.personas import make_personas
from baton.timesheets.models import TimeEntry

JSON = "application/json"


def post(api: HttpClient, url: str, body: dict[str, object], key: str) -> Any:
    return api.post(url, body, content_type=JSON, headers={"Idempotency-Key": key})


@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_with_one_key_create_one_entry_and_all_get_its_id(tmp_path):
    with shared_database(tmp_path):
        personas = make_personas()
        project = make_project(personas)
        member = personas["member"]
        body = {"project_id": project.id, "date": "2026-03-02", "minutes": 45, "note": "Retried"}

        def send(_: int) -> tuple[int, int, str]:
            response = post(member.api(), "/api/v1/time-entries", body, "retry-7f3a")
            return response.status_code, response.json()["id"], response.headers.get("Idempotent-Replayed", "")

        results = run_together(send, 12)
        assert {status for status, _, _ in results} == {201}
        assert len({entry_id for _, entry_id, _ in results}) == 1
        assert sorted(replayed for _, _, replayed in results) == [""] + ["true"] * 11  # one ran, eleven replayed
        assert TimeEntry.objects.filter(note="Retried").count() == 1
        assert IdempotencyRecord.objects.filter(key="retry-7f3a", status_code=201).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_reusing_a_key_with_other_bodies_are_refused(tmp_path):
    with shared_database(tmp_path):
        personas = make_personas()
        api = personas["am"].api

        def send(i: int) -> int:
            return int(post(api(), "/api/v1/clients", {"name": f"Racing Co {i}"}, "shared").status_code)

        statuses = run_together(send, 6)
        assert sorted(statuses) == [201] + [422] * 5
        assert Client.objects.filter(name__startswith="Racing Co").count() == 1


def test_a_key_of_255_characters_is_kept_whole_and_a_longer_one_is_refused(personas):
    api = personas["am"].api()
    key = "k" * 255
    first = post(api, "/api/v1/clients", {"name": "Long Key Co"}, key)
    assert first.status_code == 201
    assert IdempotencyRecord.objects.get(status_code=201).key == key
    again = post(api, "/api/v1/clients", {"name": "Long Key Co"}, key)
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    # A key one longer, identical in its first 255 characters, is not cut to match: it is refused.
    refused = post(api, "/api/v1/clients", {"name": "Long Key Co"}, key + "k")
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == ["Idempotency-Key"]
    assert Client.objects.filter(name="Long Key Co").count() == 1


def test_a_failed_first_request_releases_the_key_and_keeps_nothing(personas, monkeypatch):
    real_create = crm.client_create

    def create_then_crash(**kwargs):
        real_create(**kwargs)
        raise RuntimeError("the process fell over after writing")

    monkeypatch.setattr(crm, "client_create", create_then_crash)
    api = HttpClient(headers={"Authorization": f"Bearer {personas['am'].token}"}, raise_request_exception=False)
    failed = post(api, "/api/v1/clients", {"name": "Crashy Co"}, "crash-1")
    assert failed.status_code == 500
    assert not Client.objects.filter(name="Crashy Co").exists()  # the request's writes rolled back with it
    assert not IdempotencyRecord.objects.filter(key="crash-1").exists()  # and the key is free again

    monkeypatch.setattr(crm, "client_create", real_create)
    retried = post(api, "/api/v1/clients", {"name": "Crashy Co"}, "crash-1")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Client.objects.filter(name="Crashy Co").count() == 1


def test_a_repeat_waits_for_a_running_first_request_then_gives_up_with_409(personas, monkeypatch):
    token = ApiToken.objects.get(token_hash=hash_token(personas["am"].token))
    body = b'{"name": "Slow Co"}'
    running = IdempotencyRecord.objects.create(
        token=token,
        key="slow",
        request_hash=_hash("/api/v1/clients", body),
        status_code=IdempotencyRecord.PENDING,
        content_type="",
        body=b"",
    )
    monkeypatch.setattr(IdempotencyMiddleware, "WAIT_SECONDS", 0.3)
    response = post(personas["am"].api(), "/api/v1/clients", {"name": "Slow Co"}, "slow")
    assert response.status_code == 409 and response["Retry-After"]
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
    assert not Client.objects.filter(name="Slow Co").exists()
    # A claim whose request died long ago is taken over by the next repeat, which runs.
    IdempotencyRecord.objects.filter(pk=running.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    response = post(personas["am"].api(), "/api/v1/clients", {"name": "Slow Co"}, "slow")
    assert response.status_code == 201
    assert IdempotencyRecord.objects.get(key="slow").status_code == 201


def _hash(path: str, body: bytes) -> str:
    return hashlib.sha256(path.encode() + b"\n" + body).hexdigest()
