"""A publication as open data: one row per published result, as CSV and as JSON, described by
the Table Schema of schema/resultats.schema.json (docs/publication.md). Both files name the
licence the publication was released under. Drawn from the frozen snapshot only, so a hidden
cell is as empty here as on the page."""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from commitments.models import Status
from documents.exports import neutralise
from publication.models import Publication
from publication.snapshot import HIDDEN, all_cells

SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "resultats.schema.json"
STATUS_CODES = {
    Status.MET: "atteint",
    Status.NOT_MET: "non_atteint",
    Status.NO_DATA: "pas_de_donnee",
    HIDDEN: "non_publie",
}
SCOPE_KINDS = {"town": "commune", "site": "site", "service": "service"}


@cache
def table_schema() -> dict[str, Any]:
    return dict(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def field_names() -> list[str]:
    return [field["name"] for field in table_schema()["fields"]]


def rows(publication: Publication) -> list[dict[str, Any]]:
    """The publication's results, one dict per row, keyed by the schema's field names."""
    content = publication.content
    published_on = timezone.localdate(publication.validated_at, publication.organisation.time_zone)
    common = {
        "collectivite": content["town"],
        "annee": content["year"],
        "date_debut": content["period"]["start"],
        "date_fin": content["period"]["end"],
        "version_publication": publication.version,
        "date_publication": published_on.isoformat(),
        "licence": publication.licence,
        "licence_url": publication.licence_url,
    }
    table = []
    for section, required, item in all_cells(content):
        table.append(
            common
            | {
                "section": section,
                "resultat_services_publics_plus": required,
                "referentiel": item["framework"],
                "engagement_code": item["commitment_code"],
                "engagement": item["commitment"],
                "indicateur_code": item["indicator_code"],
                "indicateur": item["indicator"],
                "mesure": item["metric"],
                "perimetre": item["scope"],
                "type_perimetre": SCOPE_KINDS[item["scope_kind"]],
                "unite": item["unit"],
                "comparateur": item["comparator"],
                "cible": item["target_value"],
                "valeur": item["value"],
                "numerateur": item["numerator"],
                "denominateur": item["denominator"],
                "effectif": item["sample_size"],
                "periodes_mesurees": item["periods_measured"],
                "periodes_atteintes": item["periods_met"],
                "statut": STATUS_CODES[item["status"]],
                "texte": item["text"],
            }
        )
    return table


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value


def csv_bytes(publication: Publication) -> bytes:
    """UTF-8, comma-separated, a decimal point, a header of the schema's field names: the form
    open data portals read (spreadsheet formulas neutralised all the same)."""
    names = field_names()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows(publication):
        writer.writerow([_csv_cell(row[name]) for name in names])
    return buffer.getvalue().encode("utf-8")


def json_document(publication: Publication, *, schema_url: str, page_url: str) -> dict[str, Any]:
    content = publication.content
    return {
        "schema": schema_url,
        "collectivite": content["town"],
        "annee": content["year"],
        "periode": {"debut": content["period"]["start"], "fin": content["period"]["end"]},
        "publication": {
            "version": publication.version,
            "date": timezone.localdate(publication.validated_at, publication.organisation.time_zone).isoformat(),
            "adresse": page_url,
            "empreinte_sha256": publication.content_sha256,
        },
        "licence": {"id": publication.licence, "nom": publication.licence_label, "url": publication.licence_url},
        "resultats": rows(publication),
    }


def data_filename(publication: Publication, extension: str) -> str:
    return f"resultats-{publication.organisation.slug}-{publication.year}-v{publication.version}.{extension}"
