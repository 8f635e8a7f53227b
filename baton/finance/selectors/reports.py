"""The profitability report's former module: it is the `profit` package now (read -> recognise -> report, issue 14);
this path stays importable for its callers."""

from baton.finance.selectors.profit import GROUPS, Report, Row, margin_trend, profitability

__all__ = ["GROUPS", "Report", "Row", "margin_trend", "profitability"]
