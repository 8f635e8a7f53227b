"""`/api/v1/onboarding-…` and `/api/v1/training/…`: onboarding templates and plans for new hires, the training
library (lessons: readings, quizzes, practice scenarios), assignments and attempts."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core import access
from baton.core.access import Actor
from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.growth import learning_selectors as selectors
from baton.growth.models import Lesson
from baton.growth.services import onboarding, training

router = Router(tags=["learning"])

ItemOwnerName = Literal["hire", "buddy", "lead"]
LessonKindName = Literal["reading", "quiz", "scenario"]
StaffRole = Literal["owner", "admin", "finance", "account_manager", "project_manager", "member"]


# --- Onboarding templates -----------------------------------------------------------------------------------------


class TemplateItem(InputSchema):
    title: str = Field(max_length=300)
    day_offset: int = Field(0, description="Days after the start date the item is due (0-365).")
    owner: ItemOwnerName = "hire"


class TemplateItemOut(Schema):
    title: str
    day_offset: int
    owner: ItemOwnerName


class OnboardingTemplateOut(Schema):
    id: int
    name: str
    role: str = Field(description="The role it is for; empty: any staff role.")
    items: list[TemplateItemOut]
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class OnboardingTemplateIn(InputSchema):
    name: str = Field(max_length=200)
    role: StaffRole | Literal[""] = ""
    items: list[TemplateItem]
    active: bool = True


class OnboardingTemplatePatch(InputSchema):
    name: str | None = Field(None, max_length=200)
    role: StaffRole | Literal[""] | None = None
    items: list[TemplateItem] | None = None
    active: bool | None = None
    version: int | None = None


class TemplateFilters(ListParams):
    role: str | None = None
    active: bool | None = None


@router.get("/onboarding-templates", response={200: Page[OnboardingTemplateOut], **ERRORS})
def list_templates(request: HttpRequest, filters: Query[TemplateFilters]) -> Any:
    """Onboarding checklists: a new person of the template's role (else of any role) gets its plan when created."""
    qs = selectors.template_list(actor_of(request))
    if filters.role is not None:
        qs = qs.filter(role=filters.role)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    return paginate(qs, filters)


@router.post("/onboarding-templates", response={201: OnboardingTemplateOut, **ERRORS})
def create_template(request: HttpRequest, payload: OnboardingTemplateIn) -> Any:
    body = payload.model_dump()
    return Status(201, onboarding.onboarding_template_save(actor=actor_of(request), **body))


@router.patch("/onboarding-templates/{onboarding_template_id}", response={200: OnboardingTemplateOut, **ERRORS})
def update_template(request: HttpRequest, onboarding_template_id: int, payload: OnboardingTemplatePatch) -> Any:
    actor = actor_of(request)
    template = selectors.template_get(actor, onboarding_template_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    current = {"name": template.name, "role": template.role, "items": template.items, "active": template.active}
    merged = {**current, **{k: v for k, v in changes.items() if v is not None}}
    return onboarding.onboarding_template_save(actor=actor, template=template, version=version, **merged)


# --- Onboarding plans ---------------------------------------------------------------------------------------------


class PlanItemOut(Schema):
    id: int
    title: str
    owner: ItemOwnerName = Field(description="Whose job it is: the hire, the buddy or the lead.")
    due_on: dt.date
    completed_at: dt.datetime | None
    completed_by_id: int | None
    version: int


class ProgressOut(Schema):
    items: int
    done: int
    percent: int = Field(description="Items done of all, per cent rounded down.")
    overdue: int
    next_title: str | None
    next_due_on: dt.date | None
    complete: bool


class OnboardingPlanOut(Schema):
    id: int
    person_id: int
    person_name: str
    buddy_id: int | None
    template_id: int | None
    start_date: dt.date
    completed_at: dt.datetime | None
    items: list[PlanItemOut]
    progress: ProgressOut
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.name)

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return sorted(obj.items.all(), key=lambda i: (i.due_on, i.position, i.pk))

    @staticmethod
    def resolve_progress(obj: Any) -> dict[str, Any]:
        return selectors.plan_progress(obj)


class PlanIn(InputSchema):
    person_id: int
    template_id: int | None = None
    buddy_id: int | None = None
    start_date: dt.date | None = Field(None, description="Default: today.")
    items: list[TemplateItem] | None = Field(None, description="Items beyond (or without) the template's.")


class PlanPatch(InputSchema):
    buddy_id: int | None = None
    start_date: dt.date | None = Field(None, description="Moving it moves every open item's due date.")
    version: int | None = None


class PlanFilters(ListParams):
    person_id: int | None = None
    status: Literal["open", "complete"] | None = None


class ItemDone(InputSchema):
    done: bool = Field(True, description="false: untick it.")


@router.get("/onboarding-plans", response={200: Page[OnboardingPlanOut], **ERRORS})
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> Any:
    """New hires' plans: one's own, those one is buddy on, one's reports' (everyone's for owners/admins)."""
    qs = selectors.plan_list(actor_of(request), person_id=filters.person_id)
    if filters.status:
        qs = qs.filter(completed_at__isnull=filters.status == "open")
    return paginate(qs, filters)


@router.post("/onboarding-plans", response={201: OnboardingPlanOut, **ERRORS})
def create_plan(request: HttpRequest, payload: PlanIn) -> Any:
    """Start a plan by hand (owners/admins): a template's items due from the start date, and/or items of its own."""
    actor = actor_of(request)
    body = payload.model_dump()
    plan = onboarding.onboarding_plan_create(actor=actor, **body)
    return Status(201, selectors.plan_get(actor, plan.pk))


@router.get("/onboarding-plans/{onboarding_plan_id}", response={200: OnboardingPlanOut, **ERRORS})
def get_plan(request: HttpRequest, onboarding_plan_id: int) -> Any:
    return selectors.plan_get(actor_of(request), onboarding_plan_id)


@router.patch("/onboarding-plans/{onboarding_plan_id}", response={200: OnboardingPlanOut, **ERRORS})
def update_plan(request: HttpRequest, onboarding_plan_id: int, payload: PlanPatch) -> Any:
    """Set the buddy or move the start date (owners/admins, the hire's lead)."""
    actor = actor_of(request)
    plan = selectors.plan_get(actor, onboarding_plan_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    onboarding.onboarding_plan_update(actor=actor, plan=plan, version=version, **changes)
    return selectors.plan_get(actor, onboarding_plan_id)


@router.post(
    "/onboarding-plans/{onboarding_plan_id}/items/{onboarding_item_id}/complete",
    response={200: OnboardingPlanOut, **ERRORS},
)
def complete_item(request: HttpRequest, onboarding_plan_id: int, onboarding_item_id: int, payload: ItemDone) -> Any:
    """Tick an item (or untick it with `done: false`): the hire, the buddy, the hire's lead, owners/admins. 409 when
    it already is as asked."""
    actor = actor_of(request)
    item = selectors.item_get(actor, onboarding_plan_id, onboarding_item_id)
    onboarding.onboarding_item_set(actor=actor, item=item, done=payload.done)
    return selectors.plan_get(actor, onboarding_plan_id)


# --- Lessons ------------------------------------------------------------------------------------------------------


class Link(InputSchema):
    title: str = Field("", max_length=200)
    url: str = Field(max_length=1000)


class LinkOut(Schema):
    title: str
    url: str


class Question(InputSchema):
    question: str = Field(max_length=1000)
    choices: list[str]
    answer: int = Field(description="The index (from 0) of the right choice.")


class QuestionOut(Schema):
    question: str
    choices: list[str]
    answer: int | None = Field(description="Shown to owners/admins only.")


class LessonOut(Schema):
    id: int
    title: str
    body: str
    links: list[LinkOut]
    kind: LessonKindName
    questions: list[QuestionOut]
    pass_mark: int
    prompt: str
    roles: list[str]
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class LessonIn(InputSchema):
    title: str = Field(max_length=200)
    body: str = Field("", max_length=50000, description="Markdown or plain text.")
    links: list[Link] = []
    kind: LessonKindName = "reading"
    questions: list[Question] = []
    pass_mark: int = Field(80, description="Per cent right to pass a quiz (1-100).")
    prompt: str = Field("", max_length=5000)
    roles: list[StaffRole] = Field([], description="Assigned to everyone of these roles, now and when they join.")
    active: bool = True


class LessonPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=50000)
    links: list[Link] | None = None
    kind: LessonKindName | None = None
    questions: list[Question] | None = None
    pass_mark: int | None = None
    prompt: str | None = Field(None, max_length=5000)
    roles: list[StaffRole] | None = None
    active: bool | None = None
    version: int | None = None


class LessonFilters(ListParams):
    kind: LessonKindName | None = None
    role: str | None = None


def _lesson_out(actor: Actor, lesson: Lesson) -> dict[str, Any]:
    """A lesson; the right answers only to those who manage the library."""
    shows = access.allowed(actor, "learning_library", "update")
    data = {k: getattr(lesson, k) for k in LessonOut.model_fields if k != "questions"}
    data["questions"] = [{**q, "answer": q.get("answer") if shows else None} for q in lesson.questions]
    return data


@router.get("/training/lessons", response={200: Page[LessonOut], **ERRORS})
def list_lessons(request: HttpRequest, filters: Query[LessonFilters]) -> Any:
    """The training library (beside growth's practice library): readings, quizzes and practice scenarios."""
    actor = actor_of(request)
    qs = selectors.lesson_list(actor, include_inactive=True)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.role:  # roles is a JSON list: filtered here, the same on SQLite and PostgreSQL
        qs = qs.filter(pk__in=[les.pk for les in qs if filters.role in (les.roles or [])])
    page = paginate(qs, filters)
    page["results"] = [_lesson_out(actor, les) for les in page["results"]]
    return page


@router.post("/training/lessons", response={201: LessonOut, **ERRORS})
def create_lesson(request: HttpRequest, payload: LessonIn) -> Any:
    """Add a lesson (owners/admins); everyone of its roles is assigned it."""
    actor = actor_of(request)
    return Status(201, _lesson_out(actor, training.lesson_save(actor=actor, **payload.model_dump())))


@router.get("/training/lessons/{lesson_id}", response={200: LessonOut, **ERRORS})
def get_lesson(request: HttpRequest, lesson_id: int) -> Any:
    actor = actor_of(request)
    return _lesson_out(actor, selectors.lesson_get(actor, lesson_id))


@router.patch("/training/lessons/{lesson_id}", response={200: LessonOut, **ERRORS})
def update_lesson(request: HttpRequest, lesson_id: int, payload: LessonPatch) -> Any:
    actor = actor_of(request)
    lesson = selectors.lesson_get(actor, lesson_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return _lesson_out(actor, training.lesson_save(actor=actor, lesson=lesson, version=version, **changes))


# --- Assignments and attempts -------------------------------------------------------------------------------------


class AssignmentOut(Schema):
    id: int
    lesson_id: int
    lesson_title: str
    kind: LessonKindName
    person_id: int
    person_name: str
    via_role: bool
    due_on: dt.date | None
    status: Literal["assigned", "submitted", "completed"]
    completed_at: dt.datetime | None
    assigned_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_lesson_title(obj: Any) -> str:
        return str(obj.lesson.title)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.lesson.kind)

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.name)


class AssignmentIn(InputSchema):
    lesson_id: int
    person_id: int
    due_on: dt.date | None = None


class AssignmentFilters(ListParams):
    person_id: int | None = None
    lesson_id: int | None = None
    status: Literal["assigned", "submitted", "completed"] | None = None


@router.get("/training/assignments", response={200: Page[AssignmentOut], **ERRORS})
def list_assignments(request: HttpRequest, filters: Query[AssignmentFilters]) -> Any:
    """Who has what to learn and what they completed: one's own, one's reports' (everyone's for owners/admins)."""
    qs = selectors.assignment_list(
        actor_of(request), person_id=filters.person_id, lesson_id=filters.lesson_id, status=filters.status
    )
    return paginate(qs, filters)


@router.post("/training/assignments", response={201: AssignmentOut, **ERRORS})
def create_assignment(request: HttpRequest, payload: AssignmentIn) -> Any:
    """Assign a lesson to one person (owners/admins, the person's lead); 409 when it already is."""
    actor = actor_of(request)
    return Status(201, training.lesson_assign(actor=actor, **payload.model_dump()))


@router.get("/training/assignments/{lesson_assignment_id}", response={200: AssignmentOut, **ERRORS})
def get_assignment(request: HttpRequest, lesson_assignment_id: int) -> Any:
    return selectors.assignment_get(actor_of(request), lesson_assignment_id)


class LessonAttemptOut(Schema):
    id: int
    assignment_id: int
    person_id: int
    lesson_id: int
    answers: list[int]
    score: int | None = Field(description="Per cent right (quizzes).")
    passed: bool | None = Field(description="null while a scenario answer waits for review.")
    response: str
    reviewed_by_id: int | None
    review_note: str
    reviewed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_person_id(obj: Any) -> int:
        return int(obj.assignment.person_id)

    @staticmethod
    def resolve_lesson_id(obj: Any) -> int:
        return int(obj.assignment.lesson_id)


class AttemptIn(InputSchema):
    assignment_id: int
    answers: list[int] | None = Field(None, description="A quiz: one choice index (from 0) per question.")
    response: str = Field("", max_length=20000, description="A practice scenario: the answer.")


class AttemptFilters(ListParams):
    assignment_id: int | None = None
    person_id: int | None = None


class ReviewIn(InputSchema):
    passed: bool
    note: str = Field("", max_length=5000)


@router.get("/training/attempts", response={200: Page[LessonAttemptOut], **ERRORS})
def list_attempts(request: HttpRequest, filters: Query[AttemptFilters]) -> Any:
    qs = selectors.attempt_list(actor_of(request), assignment_id=filters.assignment_id, person_id=filters.person_id)
    return paginate(qs, filters)


@router.post("/training/attempts", response={201: LessonAttemptOut, **ERRORS})
def create_attempt(request: HttpRequest, payload: AttemptIn) -> Any:
    """Take one's own lesson: a quiz is scored at once (passed at the pass mark; a failed one may be retaken), a
    scenario answer waits for the lead's review, a reading is done. 409 once completed or while waiting."""
    actor = actor_of(request)
    assignment = selectors.assignment_get(actor, payload.assignment_id)
    return Status(
        201,
        training.attempt_submit(actor=actor, assignment=assignment, answers=payload.answers, response=payload.response),
    )


@router.get("/training/attempts/{lesson_attempt_id}", response={200: LessonAttemptOut, **ERRORS})
def get_attempt(request: HttpRequest, lesson_attempt_id: int) -> Any:
    return selectors.attempt_get(actor_of(request), lesson_attempt_id)


@router.post("/training/attempts/{lesson_attempt_id}/review", response={200: LessonAttemptOut, **ERRORS})
def review_attempt(request: HttpRequest, lesson_attempt_id: int, payload: ReviewIn) -> Any:
    """The lead (or an owner/admin) decides a scenario answer: passed completes the lesson; 409 once decided."""
    actor = actor_of(request)
    attempt = selectors.attempt_get(actor, lesson_attempt_id)
    return training.attempt_review(actor=actor, attempt=attempt, **payload.model_dump())
