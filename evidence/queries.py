"""Reads of the « Dossier de preuves » pages: the town's closed years with their latest pack,
and every build. Two queries whatever the number of years and builds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.closing import closings_in_force
from core.models import Organisation, YearClosing
from evidence.models import EvidencePack, PackStatus

LISTED_BUILDS = 50


@dataclass(frozen=True)
class YearPacks:
    """A closed year: its closing in force, the pack to download (the latest ready one) and the
    latest build (which may be running, or have failed after the ready one)."""

    closing: YearClosing
    ready: EvidencePack | None
    latest: EvidencePack | None

    @property
    def year(self) -> int:
        return self.closing.year

    @property
    def building(self) -> bool:
        return self.latest is not None and self.latest.status == PackStatus.RUNNING


@dataclass
class PacksPage:
    years: list[YearPacks]
    builds: list[EvidencePack]
    now: dt.datetime


def packs_page(organisation: Organisation, now: dt.datetime) -> PacksPage:
    closings = list(closings_in_force(organisation).select_related("closed_by").order_by("-year"))
    builds = list(EvidencePack.objects.for_org(organisation).select_related("built_by", "organisation")[:LISTED_BUILDS])
    years = []
    for closing in closings:
        mine = [pack for pack in builds if pack.year == closing.year]
        ready = next((pack for pack in mine if pack.status == PackStatus.DONE and pack.file), None)
        years.append(YearPacks(closing, ready, mine[0] if mine else None))
    return PacksPage(years=years, builds=builds, now=now)
