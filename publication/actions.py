"""Publishing a year's results, and the licence of the town's open data."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import create_audited, save_audited, saved_user
from core.models import Organisation, User
from publication.models import Licence, Publication, PublicationSettings
from publication.snapshot import build_snapshot, fingerprint, has_results

CHANGED = (
    "Les résultats ont changé depuis votre aperçu (des valeurs ont été recalculées ou saisies) : "
    "relisez l'aperçu mis à jour, puis validez à nouveau. Rien n'a été publié."
)
PUBLICATION_FIELDS = ["year", "version", "licence", "content_sha256", "validated_at", "validated_by"]


def create_defaults(organisation: Organisation, actor: User | None = None) -> PublicationSettings:
    """What a new town starts with: the Licence Ouverte (Etalab 2.0) for its results (idempotent)."""
    found, _created = PublicationSettings.objects.get_or_create(organisation=organisation)
    return found


def check_publishable(*, year: int, today: dt.date) -> None:
    """Only a complete year is published: a verdict is given for a complete period only."""
    if today < dt.date(year + 1, 1, 1):
        raise ValidationError(
            f"L'année {year} n'est pas terminée : ses résultats pourront être publiés à partir du "
            f"1er janvier {year + 1}.",
            code="year_not_over",
        )


@transaction.atomic
def publish_results(
    *, organisation: Organisation, year: int, actor: User | None, now: dt.datetime, previewed: str | None = None
) -> Publication:
    """Freeze the results of `year` as computed now and publish them as the year's next version,
    under the town's licence of the moment. `previewed` is the fingerprint of the draft the
    quality manager read: when the figures changed since, nothing is published."""
    check_publishable(year=year, today=timezone.localdate(now, organisation.time_zone))
    content = build_snapshot(organisation=organisation, year=year)
    digest = fingerprint(content)
    if previewed is not None and previewed != digest:
        raise ValidationError(CHANGED, code="changed")
    if not has_results(content):
        raise ValidationError(f"Aucun résultat n'est enregistré pour {year} : il n'y a rien à publier.", code="nothing")
    published = Publication.objects.for_org(organisation).filter(year=year).aggregate(last=Max("version"))["last"]
    publication = Publication(
        organisation=organisation,
        year=year,
        version=(published or 0) + 1,
        content=content,
        content_sha256=digest,
        licence=PublicationSettings.for_org(organisation).licence,
        validated_at=now,
        validated_by=saved_user(actor),
    )
    create_audited(publication, actor=actor, fields=PUBLICATION_FIELDS)
    return publication


@transaction.atomic
def set_licence(*, organisation: Organisation, licence: str, actor: User | None) -> bool:
    """The licence of the town's next publications; those already published keep theirs (a
    licence granted on data released cannot be taken back). Whether it changed."""
    if licence not in Licence.values:
        raise ValidationError({"licence": "Choisissez une des trois licences proposées."})
    settings = create_defaults(organisation)
    return save_audited(settings, actor=actor, values={"licence": licence})
