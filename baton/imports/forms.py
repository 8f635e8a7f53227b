"""The import pages' forms: the upload (source or detect, the generic CSV's column mapping) and the mapping of the
dry run's unknown people, clients and projects."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from baton.imports import formats

DETECT = ""
PLACEHOLDER = "date = Day\nhours = Time\nperson_name = Who\nproject_name = Job"


def source_choices() -> list[tuple[str, str]]:
    return [(DETECT, "Detect from the file's header")] + [(n, formats.get(n).label) for n in formats.names()]  # type: ignore[union-attr]


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="Export file", help_text="A CSV (or the tool's own export) of time entries.")
    source = forms.ChoiceField(label="From", required=False, choices=())
    column_mapping = forms.CharField(
        label="Columns (generic CSV)",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "date = Day\nhours = Time\nperson_name = Who\nproject_name = Job"}
        ),
        help_text="One “Baton field = your column” per line. Fields: date, minutes, hours or duration, person_name or "
        "person_email, project_name, and optionally client_name, task_name, note, billable, bill_rate, currency.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = source_choices()  # type: ignore[attr-defined]

    def clean_column_mapping(self) -> dict[str, str] | None:
        text = self.cleaned_data.get("column_mapping") or ""
        mapping: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise ValidationError(f"Line {number}: write “field = column”.")
            field, column = (part.strip() for part in line.split("=", 1))
            mapping[field] = column
        return mapping or None


KIND_LABELS = {"people": "People", "clients": "Clients", "projects": "Projects"}


def mapping_fields(plan: dict[str, Any], choices: dict[str, list[tuple[str, str]]], mapping: dict[str, Any]) -> list:
    """(kind, item, field name, choices, chosen) for every unknown person, client and project of the plan."""
    rows = []
    for kind in KIND_LABELS:
        for item in plan.get(kind, []):
            if item.get("match_id") is not None:
                continue
            chosen = str(mapping.get(kind, {}).get(item["key"], "create"))
            rows.append((kind, item, f"{kind}::{item['key']}", choices[kind], chosen))
    return rows


def mapping_from_post(data: Any, plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The posted selects as the service's mapping ({kind: {key: id | "create"}})."""
    out: dict[str, dict[str, Any]] = {}
    for kind in KIND_LABELS:
        for item in plan.get(kind, []):
            value = data.get(f"{kind}::{item['key']}")
            if value is None or value == "":
                continue
            out.setdefault(kind, {})[item["key"]] = "create" if value == "create" else _int(value)
    return out


def _int(value: str) -> int | str:
    try:
        return int(value)
    except ValueError:
        return value
