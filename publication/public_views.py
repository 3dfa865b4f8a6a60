"""The town's published results, for everyone: the page of the latest publication, of each
year and of each version (stable addresses for posters and links), and the open data files."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.access import public_view, use_town_time
from core.models import Organisation
from publication.models import Publication
from publication.opendata import csv_bytes, data_filename, json_document, table_schema
from publication.queries import earlier_publications, latest_publication

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _town(org_slug: str) -> Organisation:
    town = get_object_or_404(Organisation, slug=org_slug)
    use_town_time(town)
    return town


def _published(town: Organisation, year: int | None, version: int | None) -> Publication:
    """The exact version, or the latest of the year, or the latest of all; 404 when none."""
    if version is not None:
        publication = get_object_or_404(Publication.objects.for_org(town), year=year, version=version)
    else:
        found = latest_publication(town, year)
        if found is None:
            raise Http404("Aucun résultat publié.")
        publication = found
    publication.organisation = town  # already read: no query for it
    return publication


def _version_path(publication: Publication) -> str:
    kwargs = {"org_slug": publication.organisation.slug, "year": publication.year, "version": publication.version}
    return reverse("publication_public:version", kwargs=kwargs)


def _page(request: HttpRequest, town: Organisation, publication: Publication) -> HttpResponse:
    latest = latest_publication(town)
    context = {
        "org": town,
        "publication": publication,
        "content": publication.content,
        "is_latest": latest is not None and latest.pk == publication.pk,
        "earlier": earlier_publications(town),
    }
    return render(request, "publication/public/results.html", context)


@public_view
@require_safe
def latest(request: HttpRequest, org_slug: str) -> HttpResponse:
    town = _town(org_slug)
    publication = latest_publication(town)
    if publication is None:
        return render(request, "publication/public/nothing.html", {"org": town}, status=404)
    return _page(request, town, publication)


@public_view
@require_safe
def of_year(request: HttpRequest, org_slug: str, year: int) -> HttpResponse:
    town = _town(org_slug)
    return _page(request, town, _published(town, year, None))


@public_view
@require_safe
def version(request: HttpRequest, org_slug: str, year: int, version: int) -> HttpResponse:
    town = _town(org_slug)
    return _page(request, town, _published(town, year, version))


@public_view
@require_safe
def data(
    request: HttpRequest, org_slug: str, file_format: str, year: int | None = None, version: int | None = None
) -> HttpResponse:
    """A publication's results as CSV or JSON (the latest, of a year, or one version)."""
    town = _town(org_slug)
    publication = _published(town, year, version)
    if file_format == "csv":
        body = csv_bytes(publication)
    else:
        schema = request.build_absolute_uri(reverse("publication_public:schema", kwargs={"org_slug": town.slug}))
        document = json_document(
            publication, schema_url=schema, page_url=request.build_absolute_uri(_version_path(publication))
        )
        body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'inline; filename="{data_filename(publication, file_format)}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@public_view
@require_safe
def schema(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The Table Schema of the data files (the same for every town)."""
    _town(org_slug)
    body = json.dumps(table_schema(), ensure_ascii=False, indent=2).encode("utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES["json"])
    response["Access-Control-Allow-Origin"] = "*"
    return response
