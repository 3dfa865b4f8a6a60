"""An evidence pack of a closed year: one build of the ZIP, its progress and its file."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import OrgOwned, User, YearClosing

# A build whose progress has not moved for this long was interrupted (the server restarted
# during it): it no longer blocks a new build, and its page says so.
STALE_AFTER = dt.timedelta(minutes=30)


class PackStatus(models.TextChoices):
    RUNNING = "running", "en construction"
    DONE = "done", "prêt"
    FAILED = "failed", "échec"
    REPLACED = "replaced", "remplacé par une construction plus récente"


def pack_path(instance: EvidencePack, filename: str) -> str:
    """A random stored name: a pack is served only through the scoped download view."""
    return f"evidence-packs/{instance.organisation_id}/{instance.year}/{uuid.uuid4().hex}.zip"


class EvidencePack(OrgOwned):
    """One build of a closed year's evidence pack. The rows stay, as the history of the builds
    (who, when, how long, how large); a later build of the same year replaces the earlier one's
    file (`REPLACED`, its file deleted), so the town keeps one ZIP per year. One build at a time
    per town and year: the database refuses a second one running."""

    year = models.PositiveSmallIntegerField("exercice")
    closing = models.ForeignKey(YearClosing, on_delete=models.CASCADE, related_name="+", verbose_name="clôture")
    status = models.CharField("état", max_length=10, choices=PackStatus.choices, default=PackStatus.RUNNING)
    step = models.PositiveSmallIntegerField("étape", default=0)
    steps = models.PositiveSmallIntegerField("étapes", default=0)
    step_label = models.CharField("étape en cours", max_length=250, blank=True)
    started_at = models.DateTimeField("lancé le", default=timezone.now)
    progressed_at = models.DateTimeField("dernière avancée", default=timezone.now)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    built_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="lancé par"
    )
    file = models.FileField("dossier (ZIP)", upload_to=pack_path, blank=True, max_length=200)
    size = models.PositiveBigIntegerField("taille (octets)", default=0)
    files = models.PositiveIntegerField("fichiers", default=0)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "dossier de preuves"
        verbose_name_plural = "dossiers de preuves"
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(status=PackStatus.RUNNING),
                name="evidence_pack_one_running",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "year", "started_at"], name="evidence_pack_year_idx")]

    def __str__(self) -> str:
        return f"Dossier de preuves {self.year}"

    @property
    def running(self) -> bool:
        return self.status == PackStatus.RUNNING

    def interrupted(self, now: dt.datetime) -> bool:
        """Still marked running, but its progress stopped long ago: the build died with its server."""
        return self.running and now - self.progressed_at > STALE_AFTER

    @property
    def progress_percent(self) -> int:
        if not self.steps:
            return 0 if self.running else 100
        return min(100, round(100 * self.step / self.steps))

    @property
    def duration(self) -> dt.timedelta | None:
        return self.finished_at - self.started_at if self.finished_at is not None else None

    @property
    def download_name(self) -> str:
        return f"dossier-de-preuves-{self.organisation.slug}-{self.year}.zip"
