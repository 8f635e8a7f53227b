"""Profitability: revenue, cost and margin by client, project, person, month or account manager.

Definitions (API.md, reports/profitability):
- minutes: every minute logged in the range; billable_minutes: those of billable entries.
- revenue, time and materials: Σ `bill_amount` of billable entries (= billable minutes x bill rate, each entry
  rounded when logged).
- revenue, fixed fee: the fee recognised in proportion to the budget minutes used, capped at the fee:
  R(x) = fee x min(1, x / budget_minutes) rounded to cents, x = minutes logged on the project so far. The revenue of
  a range is R(minutes up to its end) - R(minutes before it), split month by month the same way, and within a month
  between people by their minutes (largest remainder, so cents add up). A fixed fee without budget minutes recognises
  its billable bill amounts up to the fee.
- revenue, retainer: the per-period fee of each month the retainer runs (from its start, or first time, to its end),
  prorated by the days of the month inside the range, split between people by their minutes in that month (a month
  without time stays on no person).
- revenue, non-billable: 0.
- cost: Σ `cost_amount` (every entry; the workspace's currency). margin = revenue - cost; margin_pct = margin /
  revenue x 100 (null without revenue).
- Other currencies: a cell's revenue (project x person x month) converts into the workspace's base currency at the
  exchange rate in force at the end of the month (or of the range when it ends sooner), rounded to cents. A missing
  rate converts at 1 and is reported in `warnings`.
- Every row is computed from those rounded cells, and `totals` is the sum of the rows, so it reconciles to the cent.
Expenses are pass-through costs and are not in this report (see budget burn and invoices).

How it is computed (the figures above, to the cent, in few queries and integer cents), read -> recognise -> report:
- `read.py`: the queries (minutes, cost and base-currency T&M revenue per key of the report; the recognised and
  foreign projects' cells at the grain the grouping needs, the time before the range).
- `recognise.py`: revenue recognition per billing type and month, on the integer-cent rules of
  `selectors/recognition.py` (identical to the Decimal definitions; reference comparison in
  `baton/finance/tests/test_profitability_fast.py`).
- `report.py`: `profitability` (the rows, labelled, sorted and totalled) and `margin_trend`.
"""

from baton.finance.selectors.profit.report import GROUPS, Report, Row, margin_trend, profitability

__all__ = ["GROUPS", "Report", "Row", "margin_trend", "profitability"]
