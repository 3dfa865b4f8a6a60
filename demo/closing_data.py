"""The demo towns' closed year (ADR 0025): last year, once its annual review is validated,
closed by the quality manager through the product's own action (its values recomputed, then
frozen). The first town corrects its registers after closing: in its « correction » mode, one
letter of last December is given the category it should have had, with the reason kept, so
that the closing page, the letter's page, the journal and the commitment pages show a dated
correction after closing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from commitments.closing import close_year, set_closed_year_changes
from core.closing import correction_reason
from core.localtime import aware_local
from core.models import ClosedYearChanges, Membership, Organisation, Role, YearClosing
from correspondence.actions import update_request
from correspondence.models import Category, WrittenRequest

CORRECTED_TOWN = "ville-demo"
CLOSED_ON = (1, 12)  # mid-January, once the year's items are handled; published on the 15th
REASON = "Catégorie corrigée après relecture du registre : courrier classé par erreur."


def close_last_year(organisation: Organisation, *, today: dt.date) -> YearClosing:
    """Close last year as the town's quality manager; the first town then corrects one letter."""
    manager = Membership.objects.for_org(organisation).get(role=Role.QUALITY_MANAGER).user
    moment = aware_local(dt.datetime(today.year, *CLOSED_ON, 10), organisation.time_zone)
    closing = close_year(organisation=organisation, year=today.year - 1, actor=manager, now=min(moment, timezone.now()))
    if organisation.slug == CORRECTED_TOWN:
        set_closed_year_changes(organisation=organisation, actor=manager, mode=ClosedYearChanges.CORRECTION)
        correct_a_letter(organisation, year=closing.year, manager=manager)
    return closing


def correct_a_letter(organisation: Organisation, *, year: int, manager: object) -> None:
    """The last letter with a category received in December of `year`, given another category."""
    letter = (
        WrittenRequest.objects.for_org(organisation)
        .filter(received_on__year=year, received_on__month=12, category__isnull=False)
        .order_by("-received_on", "-pk")
        .first()
    )
    if letter is None:
        return
    other = Category.objects.for_org(organisation).exclude(pk=letter.category_id).order_by("pk").first()
    if other is None:
        return
    with correction_reason(REASON):
        update_request(letter, actor=manager, seen_version=letter.version, category=other)  # type: ignore[arg-type]
