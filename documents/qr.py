"""QR codes drawn here as inline SVG (nothing fetched from elsewhere): posters' addresses, a
second factor's enrolment key."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, title: str, scale: int = 8) -> SafeString:
    """`text` as an SVG QR code titled for screen readers (error correction "M": readable with
    a stain or a fold)."""
    code = segno.make(text, error="m")
    return mark_safe(code.svg_inline(scale=scale, border=2, title=title))  # noqa: S308 -- segno's own markup
