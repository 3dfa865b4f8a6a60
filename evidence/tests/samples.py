"""An evidence pack for the URL walkers: a ready pack of a closed year, its ZIP a small stand-in
(the walkers open the pages and the download, they do not build; evidence/tests builds)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.core.files.base import ContentFile

from core.models import Organisation, YearClosing
from evidence.models import EvidencePack, PackStatus

CLOSED_AT = dt.datetime(2021, 1, 15, 9, tzinfo=dt.UTC)


def stand_in_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "<!DOCTYPE html><html lang=fr><title>Dossier</title></html>")
    return buffer.getvalue()


def ready_pack(organisation: Organisation) -> EvidencePack:
    closing = YearClosing.objects.filter(organisation=organisation, reopened_at__isnull=True).order_by("year").first()
    if closing is None:
        closing = YearClosing.objects.create(organisation=organisation, year=2020, closed_at=CLOSED_AT)
    content = stand_in_zip()
    pack = EvidencePack(
        organisation=organisation,
        year=closing.year,
        closing=closing,
        status=PackStatus.DONE,
        step=1,
        steps=1,
        started_at=closing.closed_at,
        progressed_at=closing.closed_at,
        finished_at=closing.closed_at,
        size=len(content),
        files=1,
    )
    pack.file.save("dossier.zip", ContentFile(content), save=False)
    pack.save()
    return pack


def sample_values(organisation: Organisation) -> dict[str, Any]:
    return {"pack_id": ready_pack(organisation).pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """A demo town's latest pack; one stand-in while it has none (the demo builds none itself)."""
    pack = EvidencePack.objects.for_org(organisation).order_by("-pk").first()
    return {"pack_id": (pack or ready_pack(organisation)).pk}
