"""Fixtures for the import tests: a frozen clock (the files' dates are relative to it) and CSV files built in code."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
HEADER = "date,minutes,person_email,person_name,client_name,project_name,task_name,note,billable,bill_rate,currency"


def day(n: int) -> str:
    """`n` days before the frozen today, as the file writes it."""
    return (TODAY - timedelta(days=n)).isoformat()


def csv_file(lines: list[str], *, header: str = HEADER, name: str = "time.csv", encoding: str = "utf-8") -> io.BytesIO:
    data = io.BytesIO("\n".join([header, *lines]).encode(encoding) + b"\n")
    data.name = name
    return data


def upload(lines: list[str], **kwargs: object) -> SimpleUploadedFile:
    raw = csv_file(lines, **kwargs).getvalue()  # type: ignore[arg-type]
    return SimpleUploadedFile(str(kwargs.get("name", "time.csv")), raw, content_type="text/csv")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


__all__ = ["NOW", "TODAY", "csv_file", "date", "day", "upload"]
