"""The posters of a publication, A4 and A3, to pin at the counter: the town's main results of
the year (the three Services Publics+ results) and the address of the public page, in letters
and as a QR code drawn as vector paths (segno), so that it prints sharp at either size."""

from __future__ import annotations

from documents.pdf import kept_pdf
from documents.qr import qr_svg
from publication.models import Publication

PAPERS = ("a4", "a3")


def poster_pdf(publication: Publication, *, address: str, paper: str) -> bytes:
    """The tagged (PDF/UA) poster on A4 or A3, rendered once per content (documents.pdf.kept_pdf)."""
    if paper not in PAPERS:
        raise ValueError(f"Unknown paper size {paper!r}.")
    context = {
        "org": publication.organisation,
        "publication": publication,
        "content": publication.content,
        "address": address,
        "qr": qr_svg(address, title="Code QR de la page des résultats"),
        "paper": paper,
    }
    return kept_pdf("publication/pdf/poster.html", context)


def poster_filename(publication: Publication, paper: str) -> str:
    return f"affiche-resultats-{publication.year}-v{publication.version}-{paper}.pdf"
