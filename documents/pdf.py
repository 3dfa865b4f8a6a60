"""PDF documents rendered from HTML templates by WeasyPrint, tagged for accessibility (PDF/UA)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


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


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render `template_name` (a full HTML document in French with a <title>, usually
    extending documents/pdf/base.html) to a tagged PDF."""
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=str(settings.BASE_DIR) + "/", url_fetcher=LocalFetcher())
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1"))
