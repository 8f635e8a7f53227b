"""Growth pages: a person's growth page (profile radar and trend, assessments beside the evidence, evidence stream,
development plan, practice, project reviews), the manager's team view, the assessment form, the framework and
evidence mapping, and the practice library."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.errors import BatonError
from baton.core.forms import apply_service_errors
from baton.core.selectors import one_or_404
from baton.core.tables import download_format, table_response
from baton.core.web import actor_required, form_page, get_actor, is_htmx
from baton.growth import selectors, services
from baton.growth.forms import (
    AssessmentForm,
    BehaviourForm,
    CheckInForm,
    EvidenceNoteForm,
    GoalActionForm,
    GoalForm,
    PracticeLogForm,
    RuleForm,
    ScenarioForm,
    TraitForm,
    TraitScoresForm,
    score_field_name,
)
from baton.growth.models import Assessment, GoalAction, PracticeScenario
from baton.growth.tables import team_table
from baton.people.models import Person


def _staff(request: HttpRequest) -> access.Actor:
    actor = get_actor(request)
    if actor.is_client:
        raise PermissionDenied("Growth records are for the agency's staff.")
    return actor


def _person_url(person_id: int) -> str:
    return reverse("growth:person", args=[person_id])


def _chart_data(profile: dict[str, Any]) -> dict[str, Any]:
    """What the radar and trend charts draw (scores are numbers; nothing here is money)."""
    labels = [t["name"] for t in profile["traits"]]
    keys = [t["trait"] for t in profile["traits"]]
    return {
        "labels": labels,
        "self": [t["self"] for t in profile["traits"]],
        "manager": [t["manager"] for t in profile["traits"]],
        "trend": {
            "periods": [p["period"] for p in profile["trend"]],
            "series": [
                {
                    "label": name,
                    "data": [
                        p["manager"][k] if p["manager"][k] is not None else p["self"][k] for p in profile["trend"]
                    ],
                }
                for k, name in zip(keys, labels, strict=True)
            ],
        },
    }


@actor_required
def my_growth(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    if actor.person_id is None:
        return redirect("growth:team")
    return redirect(_person_url(actor.person_id))


@actor_required
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = _staff(request)
    person = selectors.growth_person(actor, person_id)
    period = request.GET.get("period") or None
    if period and not services.PERIOD_RE.match(period):
        period = None
    profile = selectors.profile(actor, person.id, period=period)
    trait = request.GET.get("trait") or None
    evidence = list(selectors.evidence_list(actor, person_id=person.id, trait=trait)[:60])
    context = {
        "person": person,
        "profile": profile,
        "chart": _chart_data(profile),
        "evidence": evidence,
        "trait_filter": trait,
        "traits": selectors.traits(actor),
        "own": actor.person_id == person.id,
        "manages": access.manages(actor, person) or (actor.is_leader and actor.person_id != person.id),
        "assessments": list(selectors.assessment_list(actor, person_id=person.id)),
        "current_period": services.current_period(),
        "goals": selectors.goals(actor, person),
        "sessions": selectors.practice_sessions(actor, person),
        "reviews": selectors.reviews(actor, person),
        "support": selectors.support_needed(profile),
    }
    if is_htmx(request) and request.GET.get("part") == "evidence":
        return render(request, "growth/partials/_evidence.html", context)
    return render(request, "growth/person.html", context)


@actor_required
def team(request: HttpRequest) -> HttpResponse:
    """Profiles side by side, and who needs support where."""
    actor = _staff(request)
    people = selectors.team(actor)
    profiles = selectors.team_profiles(actor, people)
    rows: list[dict[str, Any]] = [
        {"person": p, "profile": profiles[p.id], "support": selectors.support_needed(profiles[p.id])} for p in people
    ]
    if download_format(request):
        return table_response(request, team_table(rows, selectors.traits(actor)), "team-growth")
    charts = {
        f"team-{row['person'].id}": {
            "labels": [t["name"] for t in row["profile"]["traits"]],
            "self": [t["self"] for t in row["profile"]["traits"]],
            "manager": [t["manager"] for t in row["profile"]["traits"]],
        }
        for row in rows
    }
    return render(
        request,
        "growth/team.html",
        {
            "rows": rows,
            "traits": selectors.traits(actor),
            "charts": charts,
            "reviews_to_write": selectors.open_reviews_to_write(actor),
        },
    )


def _assessment_saved(
    actor: access.Actor, form: AssessmentForm, person: Any, kind: str, period: str, existing: Assessment | None
) -> bool:
    """Create or update the assessment from a valid form; a refusal lands on the form (False)."""
    try:
        if existing is None:
            services.assessment_create(
                actor=actor,
                person_id=person.id,
                kind=kind,
                period=period,
                scores=form.scores(),
                note=form.cleaned_data.get("note") or "",
            )
        else:
            services.assessment_update(
                actor=actor,
                assessment=existing,
                version=existing.version,
                scores=form.scores(),
                note=form.cleaned_data.get("note") or "",
            )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return False
    except BatonError as exc:
        form.add_error(None, exc.detail)
        return False
    return True


@actor_required
def assess(request: HttpRequest, person_id: int) -> HttpResponse:
    """The assessment form: each behaviour's 1-5 choice beside the evidence for it in the period."""
    actor = _staff(request)
    person = selectors.growth_person(actor, person_id)
    kind = "self" if actor.person_id == person.id else "manager"
    period = request.GET.get("period") or request.POST.get("period") or services.current_period()
    if not services.PERIOD_RE.match(period):
        raise Http404("No such period.")
    existing = Assessment.objects.filter(person=person, kind=kind, period=period).first()
    behaviours = selectors.behaviours(actor)
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {score_field_name(k): str(v) for k, v in existing.scores.items()} | {"note": existing.note}
    form = AssessmentForm(request.POST or None, behaviours=behaviours, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _assessment_saved(actor, form, person, kind, period, existing):
            messages.success(request, f"{'Self' if kind == 'self' else 'Manager'} assessment for {period} saved.")
            return redirect(f"{_person_url(person.id)}?period={period}")
        status = 400
    start, end = services.period_bounds(period)
    profile = selectors.profile(actor, person.id, period=period)
    by_key = {b["key"]: b for t in profile["traits"] for b in t["behaviours"]}
    evidence = selectors.evidence_list(actor, person_id=person.id, start=start, end=end)
    recent: dict[str, list[Any]] = {}
    for e in evidence[:300]:
        recent.setdefault(e.behaviour.key, [])
        if len(recent[e.behaviour.key]) < 3:
            recent[e.behaviour.key].append(e)
    rows = [
        {
            "behaviour": b,
            "field": form[score_field_name(b.key)],
            "counts": by_key.get(b.key, {}),
            "recent": recent.get(b.key, []),
        }
        for b in behaviours
    ]
    return render(
        request,
        "growth/assess.html",
        {"person": person, "kind": kind, "period": period, "form": form, "rows": rows, "existing": existing},
        status=status,
    )


@actor_required
def evidence_new(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = _staff(request)
    person = selectors.growth_person(actor, person_id)
    form = EvidenceNoteForm(request.POST or None, behaviours=selectors.behaviours(actor))
    return form_page(
        request,
        form,
        save=lambda d: services.evidence_create(
            actor=actor, person_id=person.id, behaviour=d["behaviour"], polarity=d["polarity"], summary=d["summary"]
        ),
        template="growth/form.html",
        partial="growth/partials/_form.html",
        context={
            "title": f"A note of evidence for {person.name}",
            "action": request.path,
            "cancel": _person_url(person.id),
        },
        success_url=lambda e: _person_url(person.id),
        success_message=lambda e: "Evidence noted.",
    )


# --- Development plans --------------------------------------------------------------------------------------------


@actor_required
def goal_new(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = _staff(request)
    person = selectors.growth_person(actor, person_id)
    form = GoalForm(request.POST or None, traits=selectors.traits(actor))
    return form_page(
        request,
        form,
        save=lambda d: services.goal_create(
            actor=actor,
            person_id=person.id,
            trait=d["trait"],
            title=d["title"],
            description=d["description"],
            due_on=d["due_on"],
            actions=(d["actions"] or "").splitlines(),
        ),
        template="growth/form.html",
        partial="growth/partials/_form.html",
        context={
            "title": f"A development goal for {person.name}",
            "action": request.path,
            "cancel": _person_url(person.id),
        },
        success_url=lambda g: _person_url(person.id) + "#plan",
        success_message=lambda g: "Goal added to the plan.",
    )


def _goal_post(request: HttpRequest, goal_id: int, act: Any) -> HttpResponse:
    actor = _staff(request)
    goal = selectors.goal_get(actor, goal_id)
    try:
        act(actor, goal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except BatonError as exc:
        messages.error(request, exc.detail)
    return redirect(_person_url(goal.person_id) + "#plan")


@require_POST
@actor_required
def goal_action_add(request: HttpRequest, goal_id: int) -> HttpResponse:
    form = GoalActionForm(request.POST)
    form.is_valid()
    return _goal_post(
        request,
        goal_id,
        lambda actor, goal: services.goal_action_add(
            actor=actor, goal=goal, text=form.cleaned_data.get("text", ""), due_on=form.cleaned_data.get("due_on")
        ),
    )


@require_POST
@actor_required
def goal_check_in(request: HttpRequest, goal_id: int) -> HttpResponse:
    form = CheckInForm(request.POST)
    form.is_valid()
    return _goal_post(
        request,
        goal_id,
        lambda actor, goal: services.goal_check_in(
            actor=actor,
            goal=goal,
            note=form.cleaned_data.get("note", ""),
            on_track=bool(form.cleaned_data.get("on_track")),
        ),
    )


@require_POST
@actor_required
def goal_status(request: HttpRequest, goal_id: int) -> HttpResponse:
    status = request.POST.get("status", "")
    return _goal_post(
        request, goal_id, lambda actor, goal: services.goal_set_status(actor=actor, goal=goal, status=status)
    )


@require_POST
@actor_required
def goal_action_toggle(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = _staff(request)
    action = one_or_404(
        GoalAction.objects.filter(workspace=actor.workspace, pk=action_id).select_related("goal"), "action"
    )
    return _goal_post(request, action.goal_id, lambda a, goal: services.goal_action_toggle(actor=a, action=action))


# --- Practice -----------------------------------------------------------------------------------------------------


@actor_required
def practice(request: HttpRequest) -> HttpResponse:
    """The practice library (scenarios with their rubric by trait), logging a practice, sessions to rate."""
    actor = _staff(request)
    scenarios = selectors.scenarios(actor)
    people = [
        (p.id, p.name)
        for p in Person.objects.filter(workspace=actor.workspace, active=True)
        .exclude(membership__role="client")
        .exclude(pk=actor.person_id or 0)
        .order_by("name")
    ]
    form = PracticeLogForm(
        request.POST or None,
        scenarios=PracticeScenario.objects.filter(workspace=actor.workspace, active=True),
        people=people,
        initial={"practised_on": timezone.localdate(), "scenario": request.GET.get("scenario")},
    )
    return form_page(
        request,
        form,
        save=lambda d: services.practice_log(
            actor=actor,
            scenario_id=d["scenario"].id,
            practised_on=d["practised_on"],
            reflection=d["reflection"],
            partner_id=int(d["partner"]) if d.get("partner") else None,
        ),
        template="growth/practice.html",
        partial="growth/partials/_form.html",
        context={
            "scenarios": scenarios,
            "traits": {t.key: t.name for t in selectors.traits(actor)},
            "to_rate": selectors.practice_to_rate(actor),
            "can_edit": access.allowed(actor, "growth_framework", "update"),
            "action": request.path,
            "submit": "Log practice",
        },
        success_url=lambda s: _person_url(s.person_id) + "#practice",
        success_message=lambda s: "Practice logged.",
    )


@actor_required
def practice_rate(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = _staff(request)
    session = selectors.practice_session_get(actor, session_id)
    traits = selectors.traits(actor)
    form = TraitScoresForm(request.POST or None, traits=traits)
    return form_page(
        request,
        form,
        save=lambda d: services.practice_rate(
            actor=actor, session=session, scores=form.scores(), feedback=d.get("feedback") or ""
        ),
        template="growth/rate.html",
        partial="growth/partials/_form.html",
        context={
            "session": session,
            "action": request.path,
            "submit": "Save rating",
            "rubric": [(t.name, session.scenario.rubric.get(t.key, "")) for t in traits],
        },
        success_url=lambda r: reverse("growth:practice"),
        success_message=lambda r: "Rating saved.",
    )


# --- Project reviews ----------------------------------------------------------------------------------------------


@actor_required
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    actor = _staff(request)
    found = selectors.review_get(actor, review_id)
    traits = selectors.traits(actor)
    form = TraitScoresForm(request.POST or None, traits=traits, text=True, initial=found.feedback)
    return form_page(
        request,
        form,
        save=lambda d: services.review_complete(actor=actor, review=found, feedback=form.texts()),
        template="growth/review.html",
        partial="growth/partials/_form.html",
        context={
            "review": found,
            "action": request.path,
            "submit": "Complete review",
            "cancel": _person_url(found.person_id),
        },
        success_url=lambda r: _person_url(r.person_id) + "#reviews",
        success_message=lambda r: "Review completed.",
    )


# --- The framework and the mapping --------------------------------------------------------------------------------


@actor_required
def framework(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    return render(
        request,
        "growth/framework.html",
        {
            "traits": selectors.traits(actor),
            "rules": list(selectors.rules(actor)),
            "can_edit": access.allowed(actor, "growth_framework", "update"),
        },
    )


@actor_required
def trait_edit(request: HttpRequest, trait_id: int) -> HttpResponse:
    actor = _staff(request)
    trait = selectors.trait_get(actor, trait_id)
    form = TraitForm(request.POST or None, initial={"name": trait.name, "description": trait.description})
    return form_page(
        request,
        form,
        save=lambda d: services.trait_update(actor=actor, trait=trait, version=trait.version, **d),
        template="growth/form.html",
        partial="growth/partials/_form.html",
        context={"title": f"Edit {trait.name}", "action": request.path, "cancel": reverse("growth:framework")},
        success_url=lambda t: reverse("growth:framework"),
        success_message=lambda t: f"{t.name} saved.",
    )


@actor_required
def behaviour_edit(request: HttpRequest, behaviour_id: int) -> HttpResponse:
    actor = _staff(request)
    behaviour = selectors.behaviour_get(actor, behaviour_id)
    initial = {"name": behaviour.name, "description": behaviour.description, "active": behaviour.active} | {
        f"level_{k}": v for k, v in behaviour.levels.items()
    }
    form = BehaviourForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        save=lambda d: services.behaviour_update(
            actor=actor,
            behaviour=behaviour,
            version=behaviour.version,
            name=d["name"],
            description=d["description"],
            levels=form.levels(),
            active=d["active"],
        ),
        template="growth/form.html",
        partial="growth/partials/_form.html",
        context={"title": f"Edit {behaviour.key}", "action": request.path, "cancel": reverse("growth:framework")},
        success_url=lambda b: reverse("growth:framework"),
        success_message=lambda b: f"{b.name} saved.",
    )


def _rule_form_page(request: HttpRequest, rule_id: int | None) -> HttpResponse:
    actor = _staff(request)
    rule = selectors.rule_get(actor, rule_id) if rule_id else None
    initial: dict[str, Any] = {"credit": "actor", "active": True, "polarity": "positive"}
    if rule is not None:
        initial = {
            "name": rule.name,
            "verb": rule.verb,
            "conditions": json.dumps(rule.conditions),
            "credit": rule.credit,
            "behaviour": rule.behaviour.key,
            "polarity": rule.polarity,
            "summary_template": rule.summary_template,
            "active": rule.active,
        }
    form = RuleForm(request.POST or None, behaviours=selectors.behaviours(actor, active_only=False), initial=initial)

    def save(d: dict[str, Any]) -> Any:
        if rule is None:
            return services.evidence_rule_create(actor=actor, **d)
        return services.evidence_rule_update(actor=actor, rule=rule, version=rule.version, **d)

    return form_page(
        request,
        form,
        save=save,
        template="growth/form.html",
        partial="growth/partials/_form.html",
        context={
            "title": "New evidence rule" if rule is None else f"Edit “{rule.name}”",
            "intro": "Events with this verb whose conditions hold become evidence for the person the rule credits. "
            "Run `manage.py rebuild_evidence` to apply a changed rule to past events.",
            "action": request.path,
            "cancel": reverse("growth:framework") + "#rules",
        },
        success_url=lambda r: reverse("growth:framework") + "#rules",
        success_message=lambda r: f"Rule “{r.name}” saved.",
    )


@actor_required
def rule_new(request: HttpRequest) -> HttpResponse:
    return _rule_form_page(request, None)


@actor_required
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    return _rule_form_page(request, rule_id)


@actor_required
def scenario_edit(request: HttpRequest, scenario_id: int | None = None) -> HttpResponse:
    actor = _staff(request)
    scenario = selectors.scenario_get(actor, scenario_id) if scenario_id else None
    traits = selectors.traits(actor)
    initial: dict[str, Any] = {"active": True}
    if scenario is not None:
        initial = {"title": scenario.title, "situation": scenario.situation, "active": scenario.active} | {
            f"rubric_{k}": v for k, v in scenario.rubric.items()
        }
    form = ScenarioForm(request.POST or None, traits=traits, initial=initial)
    return form_page(
        request,
        form,
        save=lambda d: services.scenario_save(
            actor=actor,
            scenario=scenario,
            title=d["title"],
            situation=d["situation"],
            rubric=form.rubric(),
            active=d["active"],
        ),
        template="growth/form.html",
        partial="growth/partials/_form.html",
        context={
            "title": "New practice scenario" if scenario is None else f"Edit “{scenario.title}”",
            "action": request.path,
            "cancel": reverse("growth:practice"),
        },
        success_url=lambda s: reverse("growth:practice") + f"#scenario-{s.id}",
        success_message=lambda s: f"“{s.title}” saved.",
    )
