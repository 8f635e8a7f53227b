"""`/api/v1/growth/…`: the trait framework, the evidence mapping, evidence, assessments and the trait profile."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema, StrictSchema
from baton.growth import selectors, services

router = Router(tags=["growth"])

TraitKey = Literal["trust", "alignment", "growth", "strategic_thinking", "leadership"]
PolarityName = Literal["positive", "negative"]


# --- Traits and behaviours ----------------------------------------------------------------------------------------


class BehaviourOut(Schema):
    id: int
    key: str = Field(description="`<trait>.<behaviour>`, e.g. trust.clarity; the key assessments score.")
    trait: str
    name: str
    description: str
    levels: dict[str, str] = Field(description='What each level looks like: {"1": "...", ..., "5": "..."}.')
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_trait(obj: Any) -> str:
        return str(obj.key.split(".", 1)[0])


class TraitOut(Schema):
    id: int
    key: str
    name: str
    description: str
    behaviours: list[BehaviourOut]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_behaviours(obj: Any) -> list[Any]:
        return sorted(obj.behaviours.all(), key=lambda b: (b.position, b.id))


class TraitPatch(InputSchema):
    name: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=2000)
    version: int | None = None


class BehaviourIn(InputSchema):
    trait_id: int
    key: str = Field(max_length=80, description="snake_case; stored as `<trait>.<key>`.")
    name: str = Field(max_length=100)
    description: str = Field("", max_length=2000)
    levels: dict[str, str] | None = None


class BehaviourPatch(InputSchema):
    name: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=2000)
    levels: dict[str, str] | None = None
    active: bool | None = None
    version: int | None = None


@router.get("/growth/traits", response={200: Page[TraitOut], **ERRORS}, tags=["growth"])
def list_traits(request: HttpRequest) -> Any:
    """The five traits with their observable behaviours and what levels 1-5 look like (this workspace's words)."""
    rows = selectors.traits(actor_of(request))
    return {"count": len(rows), "results": rows}


@router.patch("/growth/traits/{trait_id}", response={200: TraitOut, **ERRORS}, tags=["growth"])
def update_trait(request: HttpRequest, trait_id: int, payload: TraitPatch) -> Any:
    actor = actor_of(request)
    trait = selectors.trait_get(actor, trait_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.trait_update(actor=actor, trait=trait, version=version, **changes)


@router.post("/growth/behaviours", response={201: BehaviourOut, **ERRORS}, tags=["growth"])
def create_behaviour(request: HttpRequest, payload: BehaviourIn) -> Any:
    actor = actor_of(request)
    selectors.require_framework_view(actor)
    return Status(201, services.behaviour_create(actor=actor, **payload.model_dump()))


@router.patch("/growth/behaviours/{behaviour_id}", response={200: BehaviourOut, **ERRORS}, tags=["growth"])
def update_behaviour(request: HttpRequest, behaviour_id: int, payload: BehaviourPatch) -> Any:
    actor = actor_of(request)
    behaviour = selectors.behaviour_get(actor, behaviour_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.behaviour_update(actor=actor, behaviour=behaviour, version=version, **changes)


# --- Evidence rules -----------------------------------------------------------------------------------------------


class EvidenceRuleCondition(InputSchema):
    field: str = Field(description="`data.<key>`, `facts.before_work`, `client_id`, `actor_id`, ...")
    op: str = Field(description="eq, ne, in, not_in, gt, gte, lt, lte, contains, exists")
    value: Any = None


class EvidenceRuleOut(Schema):
    id: int
    name: str
    verb: str
    conditions: list[dict[str, Any]]
    credit: str = Field(description="`actor`, `client_account_manager` or `data.<person id key>`.")
    behaviour: str
    trait: str
    polarity: PolarityName
    summary_template: str
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_behaviour(obj: Any) -> str:
        return str(obj.behaviour.key)

    @staticmethod
    def resolve_trait(obj: Any) -> str:
        return str(obj.behaviour.key.split(".", 1)[0])


class EvidenceRuleIn(InputSchema):
    name: str = Field(max_length=200)
    verb: str = Field(max_length=80)
    conditions: list[EvidenceRuleCondition] = Field(default_factory=list)
    credit: str = Field("actor", max_length=80)
    behaviour: str = Field(max_length=80)
    polarity: PolarityName = "positive"
    summary_template: str = Field("", max_length=300)
    active: bool = True


class EvidenceRulePatch(InputSchema):
    name: str | None = Field(None, max_length=200)
    verb: str | None = Field(None, max_length=80)
    conditions: list[EvidenceRuleCondition] | None = None
    credit: str | None = Field(None, max_length=80)
    behaviour: str | None = Field(None, max_length=80)
    polarity: PolarityName | None = None
    summary_template: str | None = Field(None, max_length=300)
    active: bool | None = None
    version: int | None = None


class EvidenceRuleFilters(ListParams):
    verb: str | None = None
    behaviour: str | None = None
    active: bool | None = None


@router.get("/growth/evidence-rules", response={200: Page[EvidenceRuleOut], **ERRORS}, tags=["growth"])
def list_rules(request: HttpRequest, filters: Query[EvidenceRuleFilters]) -> Any:
    """The mapping from events to evidence: which verb (and conditions) credits whom with which behaviour."""
    qs = selectors.rules(actor_of(request))
    if filters.verb:
        qs = qs.filter(verb=filters.verb)
    if filters.behaviour:
        qs = qs.filter(behaviour__key=filters.behaviour)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    return paginate(qs, filters)


@router.post("/growth/evidence-rules", response={201: EvidenceRuleOut, **ERRORS}, tags=["growth"])
def create_rule(request: HttpRequest, payload: EvidenceRuleIn) -> Any:
    actor = actor_of(request)
    selectors.require_framework_view(actor)
    return Status(201, services.evidence_rule_create(actor=actor, **payload.model_dump()))


@router.patch("/growth/evidence-rules/{evidence_rule_id}", response={200: EvidenceRuleOut, **ERRORS}, tags=["growth"])
def update_rule(request: HttpRequest, evidence_rule_id: int, payload: EvidenceRulePatch) -> Any:
    actor = actor_of(request)
    rule = selectors.rule_get(actor, evidence_rule_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.evidence_rule_update(actor=actor, rule=rule, version=version, **changes)


# --- Evidence -----------------------------------------------------------------------------------------------------


class EvidenceOut(Schema):
    id: int
    person_id: int
    trait: str
    behaviour: str
    polarity: PolarityName = Field(description="positive: evidence; negative: counter-evidence.")
    source: Literal["event", "manual"]
    event_id: int | None
    rule_id: int | None
    author_id: int | None
    client_id: int | None
    occurred_at: dt.datetime
    summary: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_trait(obj: Any) -> str:
        return str(obj.behaviour.key.split(".", 1)[0])

    @staticmethod
    def resolve_behaviour(obj: Any) -> str:
        return str(obj.behaviour.key)


class EvidenceIn(InputSchema):
    person_id: int
    behaviour: str = Field(max_length=80, description="A behaviour key, e.g. leadership.tone.")
    summary: str = Field(max_length=500)
    polarity: PolarityName = "positive"
    occurred_at: dt.datetime | None = None


class EvidenceFilters(ListParams):
    person_id: int | None = None
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    trait: TraitKey | None = None
    behaviour: str | None = None
    source: Literal["event", "manual"] | None = None
    polarity: PolarityName | None = None


@router.get("/growth/evidence", response={200: Page[EvidenceOut], **ERRORS}, tags=["growth"])
def list_evidence(request: HttpRequest, filters: Query[EvidenceFilters]) -> Any:
    """Evidence from work (written from events by the evidence rules) and notes; one's own and one's reports'."""
    qs = selectors.evidence_list(
        actor_of(request),
        person_id=filters.person_id,
        start=filters.from_,
        end=filters.to,
        trait=filters.trait,
        behaviour=filters.behaviour,
        source=filters.source,
        polarity=filters.polarity,
    )
    return paginate(qs, filters)


@router.post("/growth/evidence", response={201: EvidenceOut, **ERRORS}, tags=["growth"])
def create_evidence(request: HttpRequest, payload: EvidenceIn) -> Any:
    """A note of evidence by the person or their manager."""
    actor = actor_of(request)
    selectors.require_record_view(actor)
    return Status(201, services.evidence_create(actor=actor, **payload.model_dump()))


# --- Assessments and the profile ----------------------------------------------------------------------------------


class AssessmentOut(Schema):
    id: int
    person_id: int
    assessor_id: int | None
    kind: Literal["self", "manager"]
    period: str
    scores: dict[str, int] = Field(description="{behaviour_key: 1-5}")
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class AssessmentIn(InputSchema):
    person_id: int
    kind: Literal["self", "manager"]
    period: str = Field(max_length=10, description="A half or a quarter: 2026-H1, 2026-Q3.")
    scores: dict[str, Any]
    note: str = Field("", max_length=5000)


class AssessmentPatch(InputSchema):
    scores: dict[str, Any] | None = None
    note: str | None = Field(None, max_length=5000)
    version: int | None = None


class AssessmentFilters(ListParams):
    person_id: int | None = None
    period: str | None = None
    kind: Literal["self", "manager"] | None = None


@router.get("/growth/assessments", response={200: Page[AssessmentOut], **ERRORS}, tags=["growth"])
def list_assessments(request: HttpRequest, filters: Query[AssessmentFilters]) -> Any:
    qs = selectors.assessment_list(
        actor_of(request), person_id=filters.person_id, period=filters.period, kind=filters.kind
    )
    return paginate(qs, filters)


@router.post("/growth/assessments", response={201: AssessmentOut, **ERRORS}, tags=["growth"])
def create_assessment(request: HttpRequest, payload: AssessmentIn) -> Any:
    """A self-assessment (by the person) or a manager assessment; 422 names each bad score as `scores.<key>`."""
    actor = actor_of(request)
    selectors.require_record_view(actor)
    return Status(201, services.assessment_create(actor=actor, **payload.model_dump()))


@router.get("/growth/assessments/{assessment_id}", response={200: AssessmentOut, **ERRORS}, tags=["growth"])
def get_assessment(request: HttpRequest, assessment_id: int) -> Any:
    return selectors.assessment_get(actor_of(request), assessment_id)


@router.patch("/growth/assessments/{assessment_id}", response={200: AssessmentOut, **ERRORS}, tags=["growth"])
def update_assessment(request: HttpRequest, assessment_id: int, payload: AssessmentPatch) -> Any:
    actor = actor_of(request)
    assessment = selectors.assessment_get(actor, assessment_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.assessment_update(actor=actor, assessment=assessment, version=version, **changes)


class EvidenceCounts(Schema):
    positive: int
    negative: int
    net: int


class BehaviourProfile(Schema):
    key: str
    name: str
    self: int | None
    manager: int | None
    evidence_positive: int
    evidence_negative: int


class TraitProfile(Schema):
    trait: str
    name: str
    self: float | None = Field(description="Mean self score of the trait's behaviours in the period (1 decimal).")
    manager: float | None
    evidence_positive: int
    evidence_negative: int
    evidence: EvidenceCounts
    behaviours: list[BehaviourProfile]


class TrendPoint(Schema):
    period: str
    self: dict[str, float | None]
    manager: dict[str, float | None]


class ProfileOut(Schema):
    person_id: int
    person_name: str
    period: str | None
    periods: list[str]
    traits: list[TraitProfile]
    trend: list[TrendPoint]


class ProfileParams(StrictSchema):
    person_id: int
    period: str | None = Field(None, description="Default: the latest period with an assessment.")


@router.get("/growth/profile", response={200: ProfileOut, **ERRORS}, tags=["growth"])
def get_profile(request: HttpRequest, params: Query[ProfileParams]) -> Any:
    """Per trait: the self and manager scores (means of its behaviours) and the evidence counts, plus the trend."""
    return selectors.profile(actor_of(request), params.person_id, period=params.period)
