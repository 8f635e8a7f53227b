"""The health backtest: weights recovered from a history whose true weights are known, its AUC the same as
scikit-learn's on the same points, the demo's churn history scored, and owners accepting (and undoing) weights."""

from __future__ import annotations

import random
from datetime import timedelta

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from sklearn.metrics import roc_auc_score

from baton.core.access import Actor
from baton.core.models import Event
from baton.crm.models import Client
from baton.devdata.churn import logistic_history
from baton.devdata.demo.churn_history import extend_demo
from baton.devdata.scale import Size, generate
from baton.relationships import services
from baton.relationships.backtest import backtest_points, churn_dates, run_backtest, whole_weights
from baton.relationships.models import DEFAULT_HEALTH_WEIGHTS, HealthBacktest, HealthWeightsChange
from baton.relationships.selectors.backtest import current_health_weights
from baton.relationships.tasks import health_backtest_task

pytestmark = pytest.mark.django_db

# The truth of the synthetic history: three signals matter, unevenly, the rest not at all.
TRUE = {"sentiment": 45, "cadence_kept": 30, "open_escalations": 25}


@pytest.fixture
def synthetic(personas):
    today = timezone.localdate()
    logistic_history(personas.workspace, random.Random(7), true_weights=TRUE, clients=2500, today=today)
    return personas.workspace, today


@pytest.fixture
def small_synthetic(personas):
    """Enough history for a proposal, quickly."""
    today = timezone.localdate()
    logistic_history(personas.workspace, random.Random(8), true_weights=TRUE, clients=300, today=today)
    return personas.workspace, today


def test_weights_are_recovered_from_a_known_logistic_history(synthetic):
    workspace, today = synthetic
    report = run_backtest(workspace, dict(DEFAULT_HEALTH_WEIGHTS), today)
    proposed = report["proposed_weights"]
    assert not report["too_small"] and report["points"] == 2500
    assert sum(proposed.values()) == 100
    ranked = sorted(proposed, key=lambda s: -proposed[s])[:3]
    assert ranked == ["sentiment", "cadence_kept", "open_escalations"]
    for signal in DEFAULT_HEALTH_WEIGHTS:
        assert abs(proposed[signal] - TRUE.get(signal, 0)) <= 5, (signal, proposed)
    fitted, current = report["overall"]["fitted"], report["overall"]["current"]
    assert fitted["auc"] > current["auc"] + 0.02
    assert fitted["cross_validated_auc"] > current["auc"]
    assert 0 < fitted["brier"] < 0.25 and fitted["reliability"]
    # Calibrated: in each well-filled bin the observed churn rate is near the predicted one.
    for row in fitted["reliability"]:
        if row["points"] >= 200:
            assert abs(row["observed"] - row["predicted"]) < 0.08, row
    quarters = report["quarters"]
    assert sum(q["points"] for q in quarters) == 2500 and all(q["fitted"]["auc"] for q in quarters)


def test_the_auc_is_scikit_learns_on_the_same_points(synthetic):
    workspace, today = synthetic
    weights = dict(DEFAULT_HEALTH_WEIGHTS)
    report = run_backtest(workspace, weights, today)
    points = backtest_points(workspace, list(weights), today)
    labels = [int(p.churned) for p in points]
    for name, used in (("current", weights), ("fitted", report["proposed_weights"])):
        scores = [sum(used[s] * g for s, g in zip(weights, p.goodness, strict=True)) for p in points]
        assert report["overall"][name]["auc"] == pytest.approx(roc_auc_score(labels, [-s for s in scores]), abs=1e-4)
    churned = churn_dates(workspace)
    assert sum(labels) == len(churned) == report["churned_clients"] == report["churn_points"]


def test_whole_weights_add_up_to_100():
    assert whole_weights([1, 1, 1]) == [34, 33, 33]
    assert sum(whole_weights(list(np.random.default_rng(1).random(9)))) == 100
    assert whole_weights([0, 0]) == [0, 0]


def test_a_small_history_warns_and_proposes_nothing_without_churn(personas):
    report = run_backtest(personas.workspace, dict(DEFAULT_HEALTH_WEIGHTS), timezone.localdate())
    assert report["too_small"] and report["points"] == 0 and "too small" in report["warning"]
    assert report["proposed_weights"] == {}


def test_the_demo_churn_history_is_backtested(personas):
    system = Actor.system(personas.workspace)
    clients = list(Client.objects.filter(workspace=personas.workspace))
    extend_demo(personas.workspace, system, random.Random(1), clients)
    past = Client.objects.filter(workspace=personas.workspace, status="churned", archived_at__isnull=False)
    assert past.count() >= 20 and all(c.engagements.exists() for c in past)
    backtest = services.health_backtest_run(actor=personas["owner"].actor)
    overall = backtest.result["overall"]
    assert 0.5 < overall["current"]["auc"] < 1 and 0.5 < overall["fitted"]["auc"] < 1
    assert overall["fitted"]["auc"] >= overall["current"]["auc"]
    assert backtest.result["churned_clients"] >= 20 and len(backtest.result["quarters"]) >= 4
    # Signals degrade before churn: a churned client's last snapshot scores below its first.
    client = past.first()
    snaps = list(client.health_snapshots.order_by("taken_on").values_list("score", flat=True))
    assert len(snaps) >= 12


def test_owner_accepts_the_proposed_weights_and_can_undo(small_synthetic, personas):
    owner = personas["owner"]
    before = current_health_weights(personas.workspace)
    health_backtest_task(personas.workspace.pk)  # the worker's recompute (immediate in tests)
    backtest = HealthBacktest.objects.get(workspace=personas.workspace)
    change = services.health_weights_accept(actor=owner.actor, weights=dict(backtest.proposed_weights))
    assert current_health_weights(personas.workspace) == backtest.proposed_weights
    assert change.previous_weights == before and change.accepted_by_id == owner.person.id and change.auc
    assert Event.objects.filter(verb="health_weights.accepted", target_id=change.pk).exists()
    with pytest.raises(ValidationError) as bad:
        services.health_weights_accept(actor=owner.actor, weights={**backtest.proposed_weights, "sentiment": 1})
    assert "weights" in bad.value.message_dict
    undo = services.health_weights_undo(actor=owner.actor, change=change)
    assert current_health_weights(personas.workspace) == before and undo.undoes == change
    assert HealthWeightsChange.objects.filter(workspace=personas.workspace).count() == 2
    with pytest.raises(ValidationError):  # the weights are no longer the ones that change set
        services.health_weights_undo(actor=owner.actor, change=change)


def test_the_api_shows_and_accepts_for_owners_only(small_synthetic, personas):
    response = personas["am"].api().get("/api/v1/health/backtest")
    assert response.status_code == 403
    response = personas["admin"].api().get("/api/v1/health/backtest")  # none kept yet: computed, not kept
    assert response.status_code == 200 and response.json()["result"]["points"] == 300
    assert not HealthBacktest.objects.filter(workspace=personas.workspace).exists()
    health_backtest_task(personas.workspace.pk)
    body = personas["admin"].api().get("/api/v1/health/backtest").json()
    assert sum(body["proposed_weights"].values()) == 100 and body["result"]["overall"]["fitted"]["auc"] > 0.5
    response = (
        personas["owner"]
        .api()
        .post("/api/v1/health/backtest/accept", {"weights": body["proposed_weights"]}, content_type="application/json")
    )
    assert response.status_code == 200, response.content
    assert response.json()["weights"] == body["proposed_weights"]
    response = (
        personas["owner"]
        .api()
        .post(
            "/api/v1/health/backtest/accept", {"weights": {"sentiment": 100}, "x": 1}, content_type="application/json"
        )
    )
    assert response.status_code == 422


def test_the_page_shows_the_comparison_and_accepts(small_synthetic, personas, client):
    services.health_backtest_run(actor=personas["owner"].actor)
    client.force_login(personas["owner"].person.membership.user)
    page = client.get("/relationships/health/backtest/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Accept these weights" in text and "backtest-data" in text and "Sentiment" in text
    response = client.post("/relationships/health/backtest/run/")  # the worker (immediate in tests)
    assert response.status_code == 302
    response = client.post("/relationships/health/backtest/accept/")
    assert response.status_code == 302
    assert HealthWeightsChange.objects.filter(workspace=personas.workspace).count() == 1
    client.force_login(personas["am"].person.membership.user)
    assert client.get("/relationships/health/backtest/").status_code == 403


def test_snapshots_older_than_the_horizon_only(small_synthetic):
    workspace, today = small_synthetic
    points = backtest_points(workspace, list(DEFAULT_HEALTH_WEIGHTS), today)
    assert all(p.taken_on <= today - timedelta(days=90) for p in points)


def test_the_scale_generator_writes_a_churn_history(db):
    size = Size(people=6, clients=8, projects=8, entries=300, bookings=10, years=2, handoffs=4, touchpoints=20)
    world = generate(size, seed=3, slug="scale-churn")
    assert world.counts["past_clients"] == 10 and world.counts["health_snapshots"] > 300
    report = run_backtest(world.workspace, dict(DEFAULT_HEALTH_WEIGHTS), timezone.localdate())
    assert report["churned_clients"] == 10 and 0.5 < report["overall"]["fitted"]["auc"] < 1
