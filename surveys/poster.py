"""The A4 poster of a campaign, to pin at the counter: its public address in large letters and
as a QR code, drawn as vector paths (segno) so that it prints sharp at any size."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe

from documents.pdf import render_pdf
from surveys.models import Campaign


def qr_svg(address: str) -> SafeString:
    """The address as an SVG QR code (error correction "M": readable with a stain or a fold)."""
    code = segno.make(address, error="m")
    return mark_safe(code.svg_inline(scale=8, border=2, title="Code QR du questionnaire"))  # noqa: S308 -- segno's own markup


def poster_pdf(campaign: Campaign, address: str) -> bytes:
    context = {"org": campaign.organisation, "campaign": campaign, "address": address, "qr": qr_svg(address)}
    return render_pdf("surveys/pdf/poster.html", context)


def poster_filename(campaign: Campaign) -> str:
    return f"affiche-enquete-{campaign.opens_on:%Y-%m}-{campaign.pk}.pdf"
