"""The filled grids behind a grid score, for a closed year's evidence pack (the `evidence` app):
each grid the figure pooled (`Measure.record_ids`) with its campaign, place, check day and the
points it earned on the indicator's commitment. Grids rate the service: no assessor is named."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audits.models import Assessment, AssessmentSource, CommitmentScore, GridKind
from core.metrics import Measure, MetricQuery
from core.registries import EVIDENCE_EXPORTS, RecordsExport, id_batches

HEADERS = (
    "Identifiant",
    "Campagne",
    "Grille",
    "Type de contrôle",
    "Site",
    "Service",
    "Date du contrôle",
    "Saisie",
    "Engagement",
    "Points obtenus",
    "Points possibles",
)


def pooled_grids(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    if measure is None:
        return
    code = str(query.params.get("commitment", "")).strip()
    kinds, sources = dict(GridKind.choices), dict(AssessmentSource.choices)
    grids = Assessment.objects.for_org(query.organisation).select_related("campaign__grid", "site", "service")
    for ids in id_batches(measure.record_ids):
        points = {
            score.assessment_id: score
            for score in CommitmentScore.objects.filter(
                organisation=query.organisation, assessment_id__in=ids, commitment_code=code
            )
        }
        for grid in grids.filter(pk__in=ids).order_by("checked_on", "pk"):
            score = points.get(grid.pk)
            yield [
                grid.pk,
                grid.campaign.title,
                grid.campaign.grid.title,
                kinds.get(grid.campaign.grid.kind, grid.campaign.grid.kind),
                grid.site.name if grid.site else "",
                grid.service.name if grid.service else "",
                grid.checked_on,
                sources.get(grid.source, grid.source),
                code,
                score.earned if score else "",
                score.possible if score else "",
            ]


def register() -> None:
    EVIDENCE_EXPORTS.register("audits", RecordsExport("grilles", HEADERS, pooled_grids))
