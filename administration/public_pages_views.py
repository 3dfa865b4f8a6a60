"""The town's public contact and legal pages (parametres/pages-publiques/): what every public
page shows of the town, its legal notice and its accessibility statement. Administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from administration.public_pages import update_public_pages
from administration.public_pages_forms import PublicPagesForm
from core.access import Capability, OrgRequest, org_view
from core.web import acting_user, show_refusal


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def public_pages(request: OrgRequest) -> HttpResponseBase:
    form = PublicPagesForm(request.POST or None, organisation=request.org)
    if form.is_bound and form.is_valid():
        try:
            update_public_pages(
                organisation=request.org, actor=acting_user(request), today=request.org.today(), **form.cleaned_data
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "Les coordonnées et les pages légales de la ville ont été enregistrées.")
            return redirect("administration:public_pages", org_slug=request.org.slug)
    context = {"nav_section": "settings", "form": form}
    return render(request, "administration/public_pages.html", context, status=400 if form.is_bound else 200)
