"""`/api/v1/reports/profitability`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baton.core.api_support import ERRORS, actor_of, rendered_json
from baton.core.schemas import StrictSchema
from baton.finance import selectors

router = Router(tags=["reports"])

GroupName = Literal["client", "project", "person", "month", "account_manager"]


class ProfitabilityParams(StrictSchema):
    group_by: GroupName = Field("project", description="account_manager gives the account P&L per AM.")
    date_from: dt.date | None = Field(None, alias="from", description="First day (inclusive); empty: all time.")
    date_to: dt.date | None = Field(None, alias="to", description="Last day (inclusive); empty: all time.")
    client_id: int | None = None
    project_id: int | None = None


class ProfitRow(Schema):
    key: int | str | None = Field(..., description="client/project/person/AM id, or YYYY-MM for months.")
    label: str
    minutes: int
    billable_minutes: int
    revenue: Decimal = Field(
        ..., description="Earned revenue (MONEY.md §3), billable expenses included, credit notes subtracted."
    )
    labour_cost: Decimal = Field(..., description="Σ cost_amount of every entry, billable or not.")
    expense_cost: Decimal = Field(..., description="The cost of every expense, billable or not.")
    cost: Decimal = Field(..., description="labour_cost + expense_cost.")
    margin: Decimal
    margin_pct: float | None = Field(..., description="margin / revenue x 100 (2 decimals); null without revenue.")


class ChangeOrderRef(Schema):
    id: int
    title: str


class WriteDownOut(Schema):
    project_id: int
    project: str
    month: str = Field(..., description="YYYY-MM")
    amount: Decimal = Field(..., description="Negative: what the month gives back.")
    change_orders: list[ChangeOrderRef]


class ProfitabilityOut(Schema):
    group_by: str
    currency: str = Field(..., description="The workspace's base currency: every amount is in it.")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    rows: list[ProfitRow]
    totals: ProfitRow = Field(..., description="The sum of the rows, to the cent.")
    warnings: list[str] = Field(
        ..., description="What the figures could not count right, e.g. a missing exchange rate."
    )
    write_downs: list[WriteDownOut] = Field(
        ...,
        description="Months where a change order cut a fixed fee below what was already earned: the negative "
        "difference, in that month's revenue, with the change orders named (closed months are never rewritten).",
    )


@router.get(
    "/reports/profitability",
    response={200: ProfitabilityOut, **ERRORS},
    by_alias=True,
    description="Revenue, cost and margin by client, project, person, month or account manager, by MONEY.md "
    "(the app's page 'How Baton counts money'): time and materials earn their billable amounts; fixed fees by "
    "progress with closed months frozen (a fee cut below what was earned is a write-down in its month); retainers per "
    "active or on-hold day; billable expenses their billable amount; issued credit notes reduce revenue on their "
    "date. Cost = labour (Σ cost_amount) + expenses. By account manager, each day goes to the client's AM that day. "
    "Owner/admin/finance see everything; a PM its projects; an AM its clients'.",
)
def profitability(request: HttpRequest, params: Query[ProfitabilityParams]) -> Any:
    if params.date_from and params.date_to and params.date_to < params.date_from:
        raise ValidationError({"to": "The end of the range cannot be before its start."})
    report = selectors.profitability(
        actor=actor_of(request),
        group_by=params.group_by,
        date_from=params.date_from,
        date_to=params.date_to,
        client_id=params.client_id,
        project_id=params.project_id,
    )
    body = {
        "group_by": report.group_by,
        "currency": report.currency,
        "from": report.date_from.isoformat() if report.date_from else None,
        "to": report.date_to.isoformat() if report.date_to else None,
        "rows": [r.as_json() for r in report.rows],
        "totals": report.totals.as_json(),
        "warnings": report.warnings,
        "write_downs": [
            {k: str(v) if k == "amount" else v for k, v in w.items() if k != "month_label"} for w in report.write_downs
        ],
    }
    # A report by project has thousands of rows: validating each one again through ProfitabilityOut cost more than
    # computing the report (~40 ms for 3,000 rows). The body is already in the schema's JSON types (money as its
    # decimal strings), so it is rendered as is; test_profitability_fast.py checks it equals the schema's output.
    return rendered_json(body)
