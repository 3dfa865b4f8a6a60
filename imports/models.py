"""The import sources a town saves and the runs of each file imported through them.

The tables kept the names they had when these models lived in `core` (see
docs/adr/0006-core-is-the-core.md)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.models import OrgOwned, User


class ImportSource(OrgOwned):
    """A file a town imports again and again (its telephone exchange's call log, its queue
    system's export), with how to read it. Saved once, exportable as JSON to share.

    `file_format` is "asterisk_cdr" (Asterisk Master.csv, no header) or "table" (any CSV, XLSX
    or ODS read through `columns`). `columns` maps each field the app needs to a column name
    (or, for a file without header, a 0-based index). `options` holds separator, encoding,
    date order and duration unit. `line_field` names the field whose value says which line or
    service a row belongs to (Asterisk: "dst" or "dcontext"), and `line_map` maps its values to
    the town's line or service codes."""

    kind = models.CharField("type de données", max_length=20)
    name = models.SlugField("nom court", max_length=60)
    label = models.CharField("libellé", max_length=200)
    file_format = models.CharField("format", max_length=20, default="table")
    columns = models.JSONField("colonnes", default=dict, blank=True)
    options = models.JSONField("options de lecture", default=dict, blank=True)
    line_field = models.CharField("champ qui désigne la ligne ou le service", max_length=60, blank=True)
    line_map = models.JSONField("correspondance lignes / services", default=dict, blank=True)
    all_or_nothing = models.BooleanField(
        "tout ou rien", default=False, help_text="Refuser tout le fichier si une seule ligne est illisible."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "source d'import"
        verbose_name_plural = "sources d'import"
        ordering = ["kind", "label"]
        db_table = "core_importsource"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "name"], name="import_source_unique_name")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def format_label(self) -> str:
        """The file format in words ("Asterisk (Master.csv)")."""
        from imports.kinds import ImportConfigError, kind_spec

        try:
            return kind_spec(self.kind).format_label(self.file_format)
        except ImportConfigError:
            return self.file_format


class ImportStatus(models.TextChoices):
    RUNNING = "running", "en cours"
    DONE = "done", "terminé"
    FAILED = "failed", "échoué"


class ImportRun(OrgOwned):
    """One import of one file: what was read, imported, skipped and rejected, and why."""

    source = models.ForeignKey(ImportSource, on_delete=models.CASCADE, related_name="runs")
    filename = models.CharField("fichier", max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    total_bytes = models.PositiveBigIntegerField(default=0)
    read_bytes = models.PositiveBigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # Records joined into the row of another (the records of one call): read, not set aside.
    records_grouped = models.PositiveIntegerField("enregistrements regroupés", default=0)
    rejections = models.JSONField("premières lignes rejetées", default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "import"
        verbose_name_plural = "imports"
        ordering = ["-started_at"]
        db_table = "core_importrun"
        indexes = [models.Index(fields=["organisation", "source", "started_at"], name="import_run_source_idx")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.started_at:%d/%m/%Y %H:%M})"

    @property
    def progress_percent(self) -> int:
        if not self.total_bytes:
            return 100 if self.status != ImportStatus.RUNNING else 0
        return min(100, round(100 * self.read_bytes / self.total_bytes))
