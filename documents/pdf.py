"""PDF documents rendered from HTML templates by WeasyPrint, tagged for accessibility (PDF/UA)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

DOCUMENTS_CACHE = "documents"


class LocalFetcher(URLFetcher):  # type: ignore[misc]
    """Reads /static/ files from disk and refuses the network: town intranets are closed."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> Any:
        prefix = settings.STATIC_URL
        if url.startswith("file://") and prefix in url:
            relative = url.split(prefix, 1)[1].split("?")[0]
            found = finders.find(relative)
            if not found:
                raise ValueError(f"Fichier statique introuvable : {relative}")
            url = Path(str(found)).resolve().as_uri()
        return super().fetch(url, headers)


def _tagged_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=str(settings.BASE_DIR) + "/", url_fetcher=LocalFetcher())
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1"))


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render `template_name` (a full HTML document in French with a <title>, usually
    extending documents/pdf/base.html) to a tagged PDF."""
    return _tagged_pdf(render_to_string(template_name, context))


def kept_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """render_pdf, kept until its data changes (ADR 0021): the HTML, cheap to render, is
    hashed, and WeasyPrint (seconds of CPU) runs only when no PDF of that very HTML is kept.
    Any change of what the document shows, its date of edition included, changes the HTML."""
    html = render_to_string(template_name, context)
    key = f"pdf:{hashlib.sha256(html.encode()).hexdigest()}"
    cache = caches[DOCUMENTS_CACHE]
    pdf = cache.get(key)
    if pdf is None:
        pdf = _tagged_pdf(html)
        cache.set(key, pdf, timeout=None)
    return bytes(pdf)
