"""The workspace export's contents (baton/imports/workspace_export.py, docs/export-format.md), who may download it
(API and the settings page), and what `import_workspace` refuses. The round trip between engines is in
test_workspace_export_roundtrip.py."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from baton.core.models import ApiToken, User
from baton.crm.models import Client
from baton.devdata.testing.backup import make_backup_world
from baton.devdata.testing.personas import PASSWORD, Personas
from baton.finance.models import Invoice, InvoiceLine
from baton.imports import workspace_export as export
from baton.imports import workspace_import
from baton.imports.workspace_export import ExportError
from baton.knowledge.models import Attachment
from baton.timesheets.models import TimeEntry


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path) -> Personas:
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_backup_world()


def _export(personas: Personas, **options: Any) -> tuple[dict[str, Any], zipfile.ZipFile]:
    buffer = io.BytesIO()
    manifest = export.write_export(personas.workspace, buffer, **options)
    return manifest, zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def _rows(archive: zipfile.ZipFile, model: str) -> list[dict[str, Any]]:
    return list(export.iter_rows(archive, f"tables/{model}.jsonl"))


def test_the_export_holds_every_table_of_the_workspace_and_nothing_of_another(world: Personas) -> None:
    ws = world.workspace
    manifest, archive = _export(world)
    assert manifest["format"] == "baton-workspace-export" and manifest["workspace"]["slug"] == "studio"
    assert manifest["includes_credentials"] is False
    assert json.loads(archive.read("manifest.json")) == manifest
    # Every model of every app is exported or left out with a reason: nothing is dropped silently.
    listed = {t["model"] for t in manifest["tables"]} | {entry["model"] for entry in manifest["left_out"]}
    assert listed == {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    # Counts per table, as the database holds them for this workspace.
    assert manifest["counts"]["crm.client"] == Client.objects.filter(workspace=ws).count() == 2
    assert manifest["counts"]["timesheets.timeentry"] == TimeEntry.objects.filter(workspace=ws).count() > 0
    # A table without a workspace key, reached through its parent: every line of this workspace's invoices.
    lines = _rows(archive, "finance.invoiceline")
    assert len(lines) == InvoiceLine.objects.filter(invoice__workspace=ws).count() > 0
    assert {line["invoice_id"] for line in lines} <= set(
        Invoice.objects.filter(workspace=ws).values_list("id", flat=True)
    )
    # Nothing of the other workspace: its client, its owner.
    assert world.other_client.id not in {row["id"] for row in _rows(archive, "crm.client")}
    emails = {row["email"] for row in _rows(archive, "core.user")}
    assert "owner@studio.test" in emails and "outsider@elsewhere.test" not in emails
    assert [row["slug"] for row in _rows(archive, "core.workspace")] == ["studio"]
    # Every listed count is the number of lines in the table's file.
    for table in manifest["tables"]:
        assert len(_rows(archive, table["model"])) == table["rows"], table["model"]


def test_values_follow_the_documented_conventions(world: Personas) -> None:
    manifest, archive = _export(world)
    columns = {t["model"]: t["columns"] for t in manifest["tables"]}
    entry = _rows(archive, "timesheets.timeentry")[0]
    kinds = columns["timesheets.timeentry"]
    decimals = [c for c, kind in kinds.items() if kind == "DecimalField" and entry[c] is not None]
    assert decimals and all(isinstance(entry[c], str) for c in decimals)  # Decimal as a string, exact
    assert isinstance(entry["minutes"], int) and isinstance(entry["date"], str) and len(entry["date"]) == 10
    moments = [c for c, kind in kinds.items() if kind == "DateTimeField" and entry[c] is not None]
    assert moments and all(entry[c].endswith("+00:00") for c in moments)  # ISO 8601 in UTC, with its offset
    event = _rows(archive, "core.event")[0]
    assert isinstance(event["data"], dict)  # a JSON column is JSON, not a string holding JSON


def test_uploaded_files_travel_under_files(world: Personas) -> None:
    manifest, archive = _export(world)
    stored = {a.file.name: a.file.open("rb").read() for a in Attachment.objects.filter(workspace=world.workspace)}
    assert len(stored) == 2 and manifest["missing_files"] == []
    assert {f["name"] for f in manifest["files"]} == set(stored)
    for name, body in stored.items():
        assert archive.read(f"files/{name}") == body
    attachment_rows = _rows(archive, "knowledge.attachment")
    assert {row["file"] for row in attachment_rows} == set(stored)


def test_credentials_stay_out_unless_the_command_asks(world: Personas) -> None:
    manifest, archive = _export(world)
    assert all(row["password"] == "!" for row in _rows(archive, "core.user"))
    assert "core.apitoken" not in manifest["counts"]
    left_out = {entry["model"]: entry["reason"] for entry in manifest["left_out"]}
    assert "credentials" in left_out["core.apitoken"] and "credentials" in left_out["otp_totp.totpdevice"]

    manifest, archive = _export(world, include_credentials=True)
    owner = User.objects.get(email="owner@studio.test")
    assert {row["email"]: row["password"] for row in _rows(archive, "core.user")}[owner.email] == owner.password
    assert manifest["counts"]["core.apitoken"] == ApiToken.objects.filter(workspace=world.workspace).count()


def test_the_owner_downloads_the_export_from_the_api(world: Personas) -> None:
    response = world["owner"].api().get("/api/v1/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="baton-studio-' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = export.read_manifest(archive)
    assert manifest["workspace"]["slug"] == "studio" and manifest["includes_credentials"] is False
    assert len(manifest["files"]) == 2
    for name in ("admin", "finance", "member"):
        assert world[name].api().get("/api/v1/export").status_code == 403


def test_the_settings_page_offers_download_everything(world: Personas) -> None:
    web = HttpClient()
    assert web.login(email=world["owner"].email, password=PASSWORD)
    page = web.get("/workspace/settings/").content.decode()
    assert "Download everything" in page and 'href="/workspace/export/"' in page
    download = web.get("/workspace/export/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert export.read_manifest(archive)["counts"]["crm.client"] == 2
    admin = HttpClient()
    assert admin.login(email=world["admin"].email, password=PASSWORD)
    assert admin.get("/workspace/export/").status_code == 403


def test_the_command_writes_the_file(world: Personas, tmp_path: Path) -> None:
    target = tmp_path / "out" / "studio.zip"
    out = io.StringIO()
    call_command("export_workspace", "studio", str(target), stdout=out)
    assert "Exported workspace studio" in out.getvalue() and "2 files" in out.getvalue()
    assert export.read_manifest(zipfile.ZipFile(target))["workspace"]["slug"] == "studio"
    with pytest.raises(CommandError, match="No workspace has the slug 'nowhere'"):
        call_command("export_workspace", "nowhere", str(target))


# --- What the import refuses ---------------------------------------------------------------------------------------


def _rewritten(source: Path, target: Path, change: Any) -> Path:
    """A copy of the export with its manifest changed."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            body = old.read(item.filename)
            if item.filename == "manifest.json":
                manifest = json.loads(body)
                change(manifest)
                body = json.dumps(manifest).encode()
            new.writestr(item, body)
    return target


def test_import_refuses_a_database_that_is_not_empty(world: Personas, tmp_path: Path) -> None:
    path = tmp_path / "studio.zip"
    with path.open("wb") as out:
        export.write_export(world.workspace, out)
    with pytest.raises(ExportError, match=r"Refusing to import: the database .* is not empty"):
        workspace_import.import_export(path)
    with pytest.raises(CommandError, match="is not empty"):
        call_command("import_workspace", str(path), stdout=io.StringIO())


def test_import_refuses_a_newer_export_and_other_files(world: Personas, tmp_path: Path) -> None:
    path = tmp_path / "studio.zip"
    with path.open("wb") as out:
        export.write_export(world.workspace, out)
    newer = _rewritten(path, tmp_path / "newer.zip", lambda m: m["migrations"]["core"].append("9999_from_the_future"))
    with pytest.raises(ExportError, match=r"made by a newer Baton .* core\.9999_from_the_future\. Upgrade Baton first"):
        workspace_import.import_export(newer)
    later_format = _rewritten(path, tmp_path / "v2.zip", lambda m: m.update(format_version=2))
    with pytest.raises(ExportError, match="format version 2; this Baton reads version 1"):
        workspace_import.import_export(later_format)
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    with pytest.raises(ExportError, match=r"Cannot read .* as a ZIP file"):
        workspace_import.import_export(not_zip)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": "baton-backup"}))
    with pytest.raises(ExportError, match="not a Baton workspace export"):
        workspace_import.import_export(other)


def test_the_target_must_stand_at_the_exports_migrations(world: Personas, tmp_path: Path) -> None:
    path = tmp_path / "studio.zip"
    with path.open("wb") as out:
        manifest = export.write_export(world.workspace, out)
    latest = max(manifest["migrations"]["crm"])
    older = _rewritten(path, tmp_path / "older.zip", lambda m: m["migrations"]["crm"].remove(latest))
    with pytest.raises(ExportError, match=rf"applied here, not in the export: crm\.{latest}.*manage\.py migrate crm "):
        workspace_import.import_export(older)
