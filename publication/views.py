"""The quality manager's publication pages: the draft (exactly what the public page will show),
"Valider et publier", the publications kept, the licence, and each publication's posters."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import Capability, OrgRequest, get_for_org, org_view
from core.web import acting_user, page_of, town_url
from publication.actions import publish_results, set_licence
from publication.forms import LicenceForm, PublishForm, YearForm
from publication.models import Licence, Publication, PublicationSettings
from publication.poster import poster_filename, poster_pdf
from publication.queries import latest_publication, publications, publishable_years
from publication.snapshot import build_snapshot, fingerprint

NAV = {"nav_section": "reports"}
MANAGE = Capability.MANAGE_QUALITY
PAGE_SIZE = 20


def year_address(request: OrgRequest, publication: Publication) -> str:
    """The public page of the publication's year (its latest version): the poster's QR code."""
    path = reverse("publication_public:year", kwargs={"org_slug": request.org.slug, "year": publication.year})
    return request.build_absolute_uri(path)


def _draft_page(
    request: OrgRequest, years: list[int], year: int | None, publish_form: PublishForm | None = None, status: int = 200
) -> HttpResponse:
    content = build_snapshot(organisation=request.org, year=year) if year else None
    if content is not None and publish_form is None:
        publish_form = PublishForm(initial={"annee": year, "empreinte": fingerprint(content)}, years=years)
    context: dict[str, Any] = {
        **NAV,
        "form": YearForm(initial={"annee": year}, years=years),
        "year": year,
        "years": years,
        "content": content,
        "publish_form": publish_form,
        "published": latest_publication(request.org, year) if year else None,
        "licence": PublicationSettings.for_org(request.org),
    }
    return render(request, "publication/draft.html", context, status=status)


@org_view()
def draft(request: OrgRequest) -> HttpResponse:
    """The results of the year chosen (?annee=, the last complete year by default) as the
    public page would show them once published."""
    years = publishable_years(request.org, request.org.today())
    return _draft_page(request, years, YearForm(request.GET or None, years=years).chosen(years))


@org_view(read=Capability.VIEW, write=MANAGE)
@require_POST
def publish(request: OrgRequest) -> HttpResponseBase:
    years = publishable_years(request.org, request.org.today())
    form = PublishForm(request.POST, years=years)
    if not form.is_valid():
        year = form.cleaned_data.get("annee") or (years[0] if years else None)
        return _draft_page(request, years, year, publish_form=form, status=400)
    year = form.cleaned_data["annee"]
    try:
        publication = publish_results(
            organisation=request.org,
            year=year,
            actor=acting_user(request),
            now=timezone.now(),
            previewed=form.cleaned_data["empreinte"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(town_url("publication:draft", request.org, annee=year))
    messages.success(
        request,
        f"Les résultats de {year} sont publiés (version {publication.version}) : "
        f"ils sont en ligne à l'adresse {year_address(request, publication)}.",
    )
    return redirect("publication:publications", org_slug=request.org.slug)


@org_view()
def publication_list(request: OrgRequest) -> HttpResponse:
    page = page_of(request, publications(request.org), per_page=PAGE_SIZE)
    return render(request, "publication/list.html", {**NAV, "page": page})


@org_view(read=Capability.VIEW, write=MANAGE)
def licence(request: OrgRequest) -> HttpResponseBase:
    form = LicenceForm(request.POST or None, instance=PublicationSettings.for_org(request.org))
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["licence"]
        set_licence(organisation=request.org, licence=chosen, actor=acting_user(request))
        label = Licence(chosen).label
        messages.success(request, f"Les prochaines publications seront publiées sous la licence {label}.")
        return redirect("publication:licence", org_slug=request.org.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "publication/licence.html", {**NAV, "form": form}, status=status)


@org_view()
def poster(request: OrgRequest, publication_id: int, paper: str) -> HttpResponse:
    """The publication's A4 or A3 poster (PDF), its QR code to the public page of its year."""
    publication = get_for_org(Publication.objects.select_related("organisation"), request, pk=publication_id)
    pdf = poster_pdf(publication, address=year_address(request, publication), paper=paper)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{poster_filename(publication, paper)}"'
    return response
