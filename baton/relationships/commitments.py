"""Measurable commitments in a sales handoff's text: "6x ROAS", "CPA under €25 by 31 March 2027", "200 leads a
month", "conversion rate of 3 %". Pure: `measurable_commitments(text)` returns one
`Commitment` per metric it recognises (the first mention wins), each becoming a client goal with its target when the
handoff is confirmed (`subscribers.goals_from_sales_handoff`).

What is recognised is a fixed vocabulary of marketing and sales KPIs (`METRICS`), a number next to it, and an optional
date after "by", "before" or "until". A sentence without a number ("double inbound leads") is not measurable and stays
text: the account manager turns it into a goal by hand.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from dateutil import parser as dateparser

TIMES = "\u00d7"  # the multiplication sign: "6x ROAS" is written with it


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    pattern: str  # a regular expression for the metric's name
    unit: str  # TIMES, "%", "currency" (the amount's own symbol) or a count noun
    lower_is_better: bool = False


METRICS: tuple[Metric, ...] = (
    Metric("roas", "ROAS", r"\bROAS\b|return on ad spend", TIMES),
    Metric("roi", "ROI", r"\bROI\b|return on investment", "%"),
    Metric("cpa", "CPA", r"\bCPA\b|cost per (?:acquisition|action)", "currency", lower_is_better=True),
    Metric("cpl", "CPL", r"\bCPL\b|cost per lead", "currency", lower_is_better=True),
    Metric("cpc", "CPC", r"\bCPC\b|cost per click", "currency", lower_is_better=True),
    Metric("cac", "CAC", r"\bCAC\b|customer acquisition cost", "currency", lower_is_better=True),
    Metric("ctr", "CTR", r"\bCTR\b|click[- ]through rate", "%"),
    Metric("conversion_rate", "Conversion rate", r"conversion rate|\bCVR\b", "%"),
    Metric("leads", "Leads", r"\b(?:leads|MQLs?|SQLs?)\b", "leads"),
    Metric("revenue", "Revenue", r"\brevenue\b", "currency"),
)

_NUMBER = r"(?P<num>\d{1,3}(?:[,\u202f ]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)\s*(?P<suffix>[kKmM]\b)?"
_CURRENCY = r"(?P<cur>[$€£]|USD|EUR|GBP|CHF)?"
_RATIO = r"(?P<ratio>\s*(?:[x\u00d7]|:\s*1\b|times\b))?"
_PERCENT = r"(?P<pct>\s*%|\s*percent\b)?"
_AMOUNT = re.compile(_CURRENCY + r"\s*" + _NUMBER + r"\s*(?P<cur2>USD|EUR|GBP|CHF)?" + _RATIO + _PERCENT)
_DATE = re.compile(
    r"\b(?:by|before|until|no later than)\s+(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|"
    r"[A-Z][a-z]+\s+\d{1,2},?\s+\d{4}|(?:end of\s+)?[A-Z][a-z]+\s+\d{4})",
)
_SENTENCES = re.compile(r"(?<=[.;!?\n])\s+|\n+")
NEAR = 40  # characters between a metric's name and its number, either side


@dataclass(frozen=True)
class Commitment:
    metric: str  # the label: "ROAS"
    key: str
    target: Decimal
    unit: str
    lower_is_better: bool
    target_date: date | None
    text: str  # the sentence it was read from

    @property
    def title(self) -> str:
        """ "ROAS at least 6x" (with the multiplication sign), "CPA at most €25", "Leads at least 200 leads"."""
        number = format(self.target.normalize(), "f")
        if self.unit in ("%", TIMES):
            figure = f"{number}{self.unit}"
        elif len(self.unit) == 1:  # a currency symbol
            figure = f"{self.unit}{number}"
        else:
            figure = f"{number} {self.unit}".strip()
        return f"{self.metric} {'at most' if self.lower_is_better else 'at least'} {figure}"


def _number(match: re.Match[str]) -> Decimal | None:
    raw = match.group("num").replace("\u202f", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
        raw = raw.replace(",", "")
    else:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    suffix = (match.group("suffix") or "").lower()
    return value * {"k": 1000, "m": 1_000_000}.get(suffix, 1)


def _date_in(sentence: str) -> date | None:
    found = _DATE.search(sentence)
    if not found:
        return None
    text = found.group("date").replace("end of ", "")
    try:
        day = dateparser.parse(text, default=datetime(2000, 1, 1), dayfirst=True).date()
    except (ValueError, OverflowError):
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{1,2}\s+\S+\s+\d{4}|\S+\s+\d{1,2},?\s+\d{4}", text):
        day = day.replace(day=calendar.monthrange(day.year, day.month)[1])  # "March 2027": by its last day
    return day if 1900 <= day.year <= 2999 else None


def _distance(metric: Metric, sentence: str, match: re.Match[str], at: int, end: int) -> int | None:
    """How far the number is from the metric's name (None when it cannot be its target): a bare number is a rate's
    target only when nothing better is near, and "ROAS of 6" reads forwards first."""
    distance = match.start() - end if match.start() >= end else at - match.end()
    if distance < 0 or distance > NEAR:
        return None
    marked = match.group("cur") or match.group("ratio") or match.group("pct")
    if not marked and _DATE.search(sentence[max(0, match.start() - 16) : match.end() + 1]):
        return None  # the day or year of a date, not a target
    if (match.group("ratio") and metric.unit != TIMES) or (match.group("pct") and metric.unit not in ("%", TIMES)):
        return None  # "4:1" is no CTR, "3 %" no count of leads
    penalty = NEAR if metric.unit == "%" and not match.group("pct") else 0
    return distance + penalty + (5 if match.start() < end else 0)


def _reading(metric: Metric, match: re.Match[str]) -> tuple[Decimal, str] | None:
    """The number in the metric's unit: "600 %" of ROAS is 6x; a currency metric keeps the amount's own currency."""
    value = _number(match)
    if value is None:
        return None
    if match.group("pct") and metric.unit == TIMES:
        return value / 100, metric.unit
    if metric.unit == "currency":
        return value, (match.group("cur") or match.group("cur2") or "").strip()
    return value, metric.unit


def _target(metric: Metric, sentence: str, at: int, end: int) -> tuple[Decimal, str] | None:
    """The number nearest the metric's name (within NEAR characters), with the unit it is written in."""
    best: tuple[int, tuple[Decimal, str]] | None = None
    for match in _AMOUNT.finditer(sentence):
        distance = _distance(metric, sentence, match, at, end)
        reading = _reading(metric, match) if distance is not None else None
        if distance is not None and reading is not None and (best is None or distance < best[0]):
            best = (distance, reading)
    return best[1] if best else None


def measurable_commitments(text: str) -> list[Commitment]:
    """Each recognised metric with a number near it, once (its first mention), in the order they appear."""
    found: dict[str, tuple[int, Commitment]] = {}
    offset = 0
    for sentence in _SENTENCES.split(text or ""):
        if not sentence.strip():
            continue
        for metric in METRICS:
            if metric.key in found:
                continue
            name = re.search(metric.pattern, sentence, re.IGNORECASE)
            if not name:
                continue
            target = _target(metric, sentence, name.start(), name.end())
            if target is None:
                continue
            value, unit = target
            found[metric.key] = (
                offset + name.start(),
                Commitment(
                    metric=metric.label,
                    key=metric.key,
                    target=value,
                    unit=unit,
                    lower_is_better=metric.lower_is_better,
                    target_date=_date_in(sentence),
                    text=sentence.strip()[:300],
                ),
            )
        offset += len(sentence) + 1
    return [c for _, c in sorted(found.values(), key=lambda pair: pair[0])]
