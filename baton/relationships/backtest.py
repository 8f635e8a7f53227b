"""The health backtest: do the signal weights tell churned clients from retained ones, and which weights would?

From the workspace's own history: every client's health snapshots (thinned to one every `SPACING_DAYS`), each a
point whose features are the signals' goodness (0..1) that day and whose label is whether the client churned within
the following `horizon_days` (observed at the snapshot's day + horizon; later snapshots are not labelled yet). A
client churned when none of its engagements is active and one ended or churned (on the latest `ended_on`), or,
without engagements, when `Client.status` is churned (the day after its last snapshot).

A logistic regression (scikit-learn) of churn on goodness gives one coefficient per signal; a signal whose goodness
lowers the odds of churn gets a weight in proportion to how much (minus the coefficient, negatives clipped to 0),
scaled to whole numbers adding up to 100: the score stays the sum of weight x goodness, now ranked like the model.
Both weight sets are then judged on the same points: discrimination (AUC of 100 - score against churn), calibration
(each score mapped to a churn probability by a one-feature logistic fit, its Brier score and a reliability table),
overall and per quarter of the snapshot day, with a cross-validated AUC (folds by client) of the fitted weights.
Generic over the signal names in the weights: a new signal is fitted like the others (no history, no weight).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import GroupKFold

from baton.core.models import Workspace
from baton.crm.models import Client
from baton.relationships.models import Engagement, HealthSnapshot

HORIZON_DAYS = 90
SPACING_DAYS = 28  # one point per client per four weeks: neighbouring snapshots say nearly the same
MIN_POINTS = 200
MIN_CHURNED_CLIENTS = 20
MIN_QUARTER_CHURNS = 5
RELIABILITY_BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
_ROUND = 4


@dataclass(frozen=True)
class Point:
    client_id: int
    taken_on: date
    goodness: tuple[float, ...]
    churned: bool


def churn_dates(workspace: Workspace) -> dict[int, date]:
    """The day each churned client of the workspace churned (see the module's rule)."""
    ended: dict[int, date] = {}
    live: set[int] = set()
    for client_id, status, ended_on, end_date, start_date in Engagement.objects.filter(workspace=workspace).values_list(
        "client_id", "status", "ended_on", "end_date", "start_date"
    ):
        if status == "active":
            live.add(client_id)
        elif status in ("ended", "churned"):
            day = ended_on or end_date or start_date
            ended[client_id] = max(day, ended.get(client_id, day))
    out = {cid: day for cid, day in ended.items() if cid not in live}
    with_engagements = live | set(ended)
    gone = set(
        Client.objects.filter(workspace=workspace, status="churned")
        .exclude(pk__in=with_engagements)
        .values_list("pk", flat=True)
    )
    if gone:
        last: dict[int, date] = {}
        for cid, taken_on in HealthSnapshot.objects.filter(client_id__in=gone).values_list("client_id", "taken_on"):
            last[cid] = max(taken_on, last.get(cid, taken_on))
        out |= {cid: day + timedelta(days=1) for cid, day in last.items()}
    return out


def goodness_of(rows: Any, signals: Sequence[str]) -> tuple[float, ...]:
    """The signals' goodness in a snapshot's rows: the stored `goodness`, else its contribution over its share of
    the score (to a point's precision), else 1 (the signal was not measured: nothing known to be wrong)."""
    by_name = {r.get("name"): r for r in rows if isinstance(r, dict)} if isinstance(rows, list) else {}
    total = sum(max(0, int(r.get("weight") or 0)) for r in by_name.values())
    out = []
    for name in signals:
        row = by_name.get(name)
        value = 1.0
        if row is not None and row.get("goodness") not in (None, ""):
            value = float(row["goodness"])
        elif row is not None and total and int(row.get("weight") or 0) > 0:
            value = float(row.get("contribution") or 0) * total / (100 * int(row["weight"]))
        out.append(min(1.0, max(0.0, value)))
    return tuple(out)


def backtest_points(
    workspace: Workspace, signals: Sequence[str], today: date, horizon_days: int = HORIZON_DAYS
) -> list[Point]:
    """The labelled points of the workspace's history (snapshots at least `horizon_days` old)."""
    churned = churn_dates(workspace)
    last_kept: dict[int, date] = {}
    keep: list[tuple[int, int, date]] = []
    for pk, client_id, taken_on in (
        HealthSnapshot.objects.filter(workspace=workspace, taken_on__lte=today - timedelta(days=horizon_days))
        .order_by("client_id", "taken_on")
        .values_list("pk", "client_id", "taken_on")
        .iterator(chunk_size=5000)
    ):
        previous = last_kept.get(client_id)
        ended = churned.get(client_id)
        if (previous and (taken_on - previous).days < SPACING_DAYS) or (ended is not None and ended <= taken_on):
            continue
        last_kept[client_id] = taken_on
        keep.append((pk, client_id, taken_on))
    points = []
    for start in range(0, len(keep), 2000):
        chunk = keep[start : start + 2000]
        rows = dict(HealthSnapshot.objects.filter(pk__in=[k[0] for k in chunk]).values_list("pk", "signals"))
        for pk, client_id, taken_on in chunk:
            ended = churned.get(client_id)
            label = ended is not None and ended <= taken_on + timedelta(days=horizon_days)
            points.append(Point(client_id, taken_on, goodness_of(rows.get(pk), signals), label))
    return points


def whole_weights(raw: Sequence[float]) -> list[int]:
    """Non-negative numbers scaled to whole numbers adding up to 100 (largest remainder; ties to the earlier)."""
    total = float(sum(raw))
    if total <= 0:
        return [0] * len(raw)
    shares = [100 * float(r) / total for r in raw]
    floors = [int(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))[: 100 - sum(floors)]:
        floors[i] += 1
    return floors


def fit_weights(x: np.ndarray, y: np.ndarray) -> tuple[list[int], list[float]]:
    """(whole weights adding up to 100, or all 0 when nothing lowers churn; the logistic coefficients)."""
    model = LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=200)
    model.fit(x, y)
    coef = [float(c) for c in model.coef_[0]]
    varies = x.std(axis=0) > 1e-9
    raw = [max(0.0, -c) if v else 0.0 for c, v in zip(coef, varies, strict=True)]
    return whole_weights(raw), coef


def risk_of(x: np.ndarray, weights: Sequence[int]) -> np.ndarray:
    """1 - score / 100 for each point: the health score's own ranking of churn risk."""
    w = np.asarray(weights, dtype=float)
    if w.sum() <= 0:
        return np.zeros(len(x))
    return np.asarray(1 - x @ w / w.sum())


def _auc(y: np.ndarray, risk: np.ndarray) -> float | None:
    return round(float(roc_auc_score(y, risk)), _ROUND) if 0 < y.sum() < len(y) else None


def _calibrator(y: np.ndarray, risk: np.ndarray) -> LogisticRegression | None:
    """Score → churn probability: a one-feature logistic fit (Platt scaling) on all points."""
    if not 0 < y.sum() < len(y):
        return None
    return LogisticRegression(C=100.0, solver="newton-cholesky", max_iter=200).fit(risk.reshape(-1, 1), y)


def _judge(y: np.ndarray, risk: np.ndarray, calibrator: LogisticRegression | None) -> dict[str, Any]:
    out: dict[str, Any] = {"auc": _auc(y, risk), "brier": None, "reliability": []}
    if calibrator is None or not len(y):
        return out
    p = calibrator.predict_proba(risk.reshape(-1, 1))[:, 1]
    out["brier"] = round(float(brier_score_loss(y, p)), _ROUND)
    for low, high in pairwise(RELIABILITY_BINS):
        inside = (p >= low) & ((p < high) if high < 1 else (p <= high))
        if inside.any():
            out["reliability"].append(
                {
                    "from": low,
                    "to": high,
                    "points": int(inside.sum()),
                    "predicted": round(float(p[inside].mean()), _ROUND),
                    "observed": round(float(y[inside].mean()), _ROUND),
                }
            )
    return out


def _cross_validated_auc(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float | None:
    """The AUC of weights fitted without the clients they are judged on (5 folds by client)."""
    folds = min(5, len(set(groups.tolist())))
    if folds < 2 or y.sum() < 10:
        return None
    risk = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups):
        if not 0 < y[train].sum() < len(train):
            return None
        weights, _ = fit_weights(x[train], y[train])
        risk[test] = risk_of(x[test], weights)
    return _auc(y, risk)


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarters(
    points: list[Point], x: np.ndarray, y: np.ndarray, sets: dict[str, tuple[list[int], LogisticRegression | None]]
) -> list[dict[str, Any]]:
    by_quarter: dict[str, list[int]] = defaultdict(list)
    for i, point in enumerate(points):
        by_quarter[_quarter(point.taken_on)].append(i)
    out = []
    for quarter in sorted(by_quarter):
        idx = np.asarray(by_quarter[quarter])
        qy = y[idx]
        row: dict[str, Any] = {
            "quarter": quarter,
            "points": len(idx),
            "clients": len({points[i].client_id for i in idx}),
            "churned_clients": len({points[i].client_id for i in idx if points[i].churned}),
            "warning": "",
        }
        if row["churned_clients"] < MIN_QUARTER_CHURNS:
            row["warning"] = f"Fewer than {MIN_QUARTER_CHURNS} churned clients: too few to judge."
        for name, (weights, calibrator) in sets.items():
            judged = _judge(qy, risk_of(x[idx], weights), calibrator)
            row[name] = {"auc": judged["auc"], "brier": judged["brier"]}
        out.append(row)
    return out


def _head(points: list[Point], signals: list[str], current: list[int], today: date, horizon: int) -> dict[str, Any]:
    """The report's counts and warning, before anything is fitted."""
    churned = {p.client_id for p in points if p.churned}
    too_small = len(points) < MIN_POINTS or len(churned) < MIN_CHURNED_CLIENTS
    return {
        "computed_on": today.isoformat(),
        "horizon_days": horizon,
        "signals": signals,
        "current_weights": dict(zip(signals, current, strict=True)),
        "proposed_weights": {},
        "coefficients": {},
        "points": len(points),
        "clients": len({p.client_id for p in points}),
        "churned_clients": len(churned),
        "churn_points": sum(1 for p in points if p.churned),
        "too_small": too_small,
        "warning": (
            f"The history is too small to trust: {len(points)} points and {len(churned)} churned clients "
            f"(at least {MIN_POINTS} and {MIN_CHURNED_CLIENTS} wanted)."
            if too_small
            else ""
        ),
        "overall": {},
        "quarters": [],
    }


def run_backtest(
    workspace: Workspace, current_weights: dict[str, int], today: date, horizon_days: int = HORIZON_DAYS
) -> dict[str, Any]:
    """The whole report (JSON-ready): see the module's docstring."""
    signals = list(current_weights)
    current = [max(0, int(current_weights[s])) for s in signals]
    points = backtest_points(workspace, signals, today, horizon_days)
    report = _head(points, signals, current, today, horizon_days)
    x = np.asarray([p.goodness for p in points], dtype=float).reshape(len(points), len(signals))
    y = np.asarray([1 if p.churned else 0 for p in points])
    if not 0 < y.sum() < len(y):
        report["warning"] = report["warning"] or "Every point has the same outcome: nothing to fit."
        report["too_small"] = True
        return report
    fitted, coef = fit_weights(x, y)
    report["coefficients"] = {s: round(c, _ROUND) for s, c in zip(signals, coef, strict=True)}
    sets: dict[str, tuple[list[int], LogisticRegression | None]] = {"current": (current, None)}
    if sum(fitted):
        report["proposed_weights"] = dict(zip(signals, fitted, strict=True))
        sets["fitted"] = (fitted, None)
    for name, (weights, _) in list(sets.items()):
        sets[name] = (weights, _calibrator(y, risk_of(x, weights)))
        report["overall"][name] = _judge(y, risk_of(x, weights), sets[name][1])
    if "fitted" in sets:
        groups = np.asarray([p.client_id for p in points])
        report["overall"]["fitted"]["cross_validated_auc"] = _cross_validated_auc(x, y, groups)
    report["quarters"] = _quarters(points, x, y, sets)
    return report
