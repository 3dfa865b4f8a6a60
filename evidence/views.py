"""The « Dossier de preuves » pages (/o/<ville>/dossier-de-preuves/): the closed years and their
packs, the quality manager's « Construire le dossier » (POST), a build's progress polled with
htmx as an import's run page is, and the download. Every member may download a ready pack (it
holds no personal data); only the quality manager (and the administrator) builds one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from core.access import Capability, OrgRequest, get_for_org, org_view
from core.web import acting_user
from evidence.actions import start_build
from evidence.background import build
from evidence.models import EvidencePack, PackStatus
from evidence.queries import packs_page

NAV = {"nav_section": "commitments"}
STOP_POLLING = 286  # htmx stops polling on this status


@org_view(write=Capability.MANAGE_QUALITY)
def packs(request: OrgRequest) -> HttpResponseBase:
    """The closed years and their packs; a POST (`annee`) builds the pack of a closed year."""
    refusal = ""
    if request.method == "POST":
        year = request.POST.get("annee", "")
        try:
            if not (year.isdigit() and len(year) == 4):
                raise ValidationError("Choisissez dans la liste l'exercice clôturé dont construire le dossier.")
            started = start_build(organisation=request.org, year=int(year), actor=acting_user(request))
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            build(started)
            return redirect("evidence:pack", org_slug=request.org.slug, pack_id=started.pk)
    context = {**NAV, "page": packs_page(request.org, timezone.now()), "refusal": refusal}
    return render(request, "evidence/packs.html", context, status=400 if refusal else 200)


@org_view()
def pack(request: OrgRequest, pack_id: int) -> HttpResponse:
    """A build's page; asked by htmx, only its state (status 286 once finished: polling stops)."""
    found = get_for_org(EvidencePack.objects.select_related("built_by", "closing", "organisation"), request, pk=pack_id)
    context = {**NAV, "pack": found, "now": timezone.now()}
    if getattr(request, "htmx", False):
        response = render(request, "evidence/includes/pack_state.html", context)
        if found.status != PackStatus.RUNNING or found.interrupted(context["now"]):
            response.status_code = STOP_POLLING
        return response
    return render(request, "evidence/pack.html", context)


@org_view()
def download(request: OrgRequest, pack_id: int) -> FileResponse:
    found = get_for_org(EvidencePack.objects.select_related("organisation"), request, pk=pack_id)
    if found.status != PackStatus.DONE or not found.file:
        raise Http404("Ce dossier n'est pas prêt, ou il a été remplacé par un plus récent.")
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.download_name)
