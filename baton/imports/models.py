"""An import of time from another tool: the stored file, its dry run, the mapping chosen and the run's progress."""

from __future__ import annotations

from django.db import models

from baton.core.models import TimestampedModel, Workspace

MAX_STORED_ERRORS = 1000  # the first row errors are kept on the run; the error CSV reads the file again for all


class ImportStatus(models.TextChoices):
    DRY_RUN = "dry_run", "Dry run"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportRun(TimestampedModel):
    """One uploaded file and what importing it does. Created by the dry run (nothing written but this row and the
    stored file); `import_run` queues it for the worker, which writes in batches and counts `progress`.

    `rows` counts the data rows read; `created` the entries (the dry run: the entries it would create), `matched` the
    rows already imported (their source key exists), `refused` the rows that cannot be imported (`errors`: the first
    1,000 as {row, column, message}). `plan` holds what the dry run found by kind (people, clients, projects, tasks):
    the names to create and those matched, and `mapping` what the importer chose for the unknown ones."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="import_runs")
    created_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    source = models.CharField(max_length=20, help_text="harvest | toggl | clockify | kimai | solidtime | csv")
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField(default=0)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.DRY_RUN)
    rows = models.IntegerField(default=0)
    created = models.IntegerField(default=0)
    matched = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error_file = models.FileField(
        upload_to="imports/%Y/%m/", max_length=255, blank=True, help_text="Every refused row."
    )
    progress = models.IntegerField(default=0, help_text="Rows done by the running import.")
    plan = models.JSONField(default=dict, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    column_mapping = models.JSONField(default=dict, blank=True, help_text="For a generic CSV: Baton field -> column.")
    failure = models.TextField(blank=True, help_text="Why a failed run stopped.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="import_run_ws_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ImportStatus]),
                name="import_run_status_valid",
                violation_error_message="Unknown import status.",
            )
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name}"

    @property
    def progress_pct(self) -> int:
        if not self.rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, int(self.progress * 100 / self.rows))
