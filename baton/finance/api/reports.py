"""`/api/v1/reports/profitability`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baton.core.api_support import ERRORS, actor_of, rendered_json
from baton.finance import selectors

router = Router(tags=["reports"])

GroupName = Literal["client", "project", "person", "month", "account_manager"]


class ProfitabilityParams(Schema):
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
    revenue: Decimal
    cost: Decimal
    margin: Decimal
    margin_pct: float | None = Field(..., description="margin / revenue x 100 (2 decimals); null without revenue.")


class ProfitabilityOut(Schema):
    group_by: str
    currency: str = Field(..., description="The workspace's base currency: every amount is in it.")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    rows: list[ProfitRow]
    totals: ProfitRow = Field(..., description="The sum of the rows, to the cent.")
    warnings: list[str]


@router.get(
    "/reports/profitability",
    response={200: ProfitabilityOut, **ERRORS},
    by_alias=True,
    description="Revenue (T&M: Σ bill_amount of billable entries; fixed fee: fee x min(1, minutes used / budget "
    "minutes); retainer: the monthly fee), cost (Σ cost_amount) and margin, by client, project, person, month or "
    "account manager. Owner/admin/finance see everything; a PM its projects; an AM its clients'.",
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
    }
    # A report by project has thousands of rows: validating each one again through ProfitabilityOut cost more than
    # computing the report (~40 ms for 3,000 rows). The body is already in the schema's JSON types (money as its
    # decimal strings), so it is rendered as is; test_profitability_fast.py checks it equals the schema's output.
    return rendered_json(body)
