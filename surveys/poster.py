"""The A4 poster of a campaign, to pin at the counter: its public address in large letters and
as a QR code, drawn as vector paths (segno) so that it prints sharp at any size."""

from __future__ import annotations

from documents.pdf import render_pdf
from documents.qr import qr_svg
from surveys.models import Campaign


def poster_pdf(campaign: Campaign, address: str) -> bytes:
    context = {
        "org": campaign.organisation,
        "campaign": campaign,
        "address": address,
        "qr": qr_svg(address, title="Code QR du questionnaire"),
    }
    return render_pdf("surveys/pdf/poster.html", context)


def poster_filename(campaign: Campaign) -> str:
    return f"affiche-enquete-{campaign.opens_on:%Y-%m}-{campaign.pk}.pdf"
