"""The legal pages every public page of a town links to: its legal notice and its
accessibility statement (core.legal_texts), under /p/<town>/ beside the complaint form."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.access import public_town, public_view
from core.legal_texts import accessibility_statement_text, legal_notice_text
from core.text import rich_blocks


@public_view
def legal_notice(request: HttpRequest, org_slug: str) -> HttpResponse:
    town = public_town(org_slug)
    context = {"org": town, "title": "Mentions légales", "blocks": rich_blocks(legal_notice_text(town))}
    return render(request, "core/public/legal_page.html", context)


@public_view
def accessibility(request: HttpRequest, org_slug: str) -> HttpResponse:
    town = public_town(org_slug)
    context = {
        "org": town,
        "title": "Déclaration d'accessibilité",
        "blocks": rich_blocks(accessibility_statement_text(town)),
    }
    return render(request, "core/public/legal_page.html", context)
