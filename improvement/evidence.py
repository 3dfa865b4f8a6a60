"""The records behind the steering figures (commitment 23), for a closed year's evidence pack
(the `evidence` app): the actions due in the period (the plan's export, which names no citizen),
the committees held, the validated annual review. Their PDFs are in the pack's own folders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count

from core.metrics import Measure, MetricQuery
from core.registries import EVIDENCE_EXPORTS, RecordsExport, id_batches
from improvement.metrics import MEETINGS_HELD
from improvement.models import AnnualReview, ImprovementAction, SteeringMeeting
from improvement.queries import EXPORT_HEADERS, export_rows
from improvement.review_metrics import REVIEW_VALIDATED

MEETING_HEADERS = ("Date", "Intitulé", "Lieu", "Tenu", "Décisions")
REVIEW_HEADERS = ("Exercice", "Version", "Statut", "Validé le", "Empreinte SHA-256 du PDF figé")


def counted_actions(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    if measure is None:
        return
    actions = ImprovementAction.objects.for_org(query.organisation).select_related("owner", "commitment")
    for ids in id_batches(measure.record_ids):
        yield from export_rows(actions.filter(pk__in=ids).order_by("due_on", "number"))


def meetings(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    if measure is None:
        return
    held = SteeringMeeting.objects.for_org(query.organisation).filter(pk__in=list(measure.record_ids))
    for meeting in held.annotate(decided=Count("decisions")).order_by("held_on", "pk"):
        yield [meeting.held_on, meeting.title, meeting.place, meeting.held, meeting.decided]  # type: ignore[attr-defined]


def reviews(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    if measure is None:
        return
    zone = query.organisation.time_zone
    validated = AnnualReview.objects.for_org(query.organisation).filter(pk__in=list(measure.record_ids))
    for review in validated.order_by("number"):
        when = review.validated_at.astimezone(zone).strftime("%d/%m/%Y %H:%M") if review.validated_at else ""
        yield [review.year, review.number, review.get_status_display(), when, review.pdf_sha256]


def register() -> None:
    EVIDENCE_EXPORTS.register("improvement", RecordsExport("actions", tuple(EXPORT_HEADERS), counted_actions))
    EVIDENCE_EXPORTS.register(MEETINGS_HELD, RecordsExport("comites", MEETING_HEADERS, meetings))
    EVIDENCE_EXPORTS.register(REVIEW_VALIDATED, RecordsExport("bilan", REVIEW_HEADERS, reviews))
