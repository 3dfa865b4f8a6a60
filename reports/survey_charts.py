"""The chart of a question's answers in the survey results report: one horizontal bar per answer
with its share written beside it, as plain SVG (documents.svg's way: presentation attributes
only, microseconds to draw, so nothing to keep in a cache, ADR 0021). The report prints the
same figures in a table next to it; an answer hidden below 5 answers has no bar either."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents.french import format_share

# The scale from green to red, "no opinion" grey; answers that judge nothing in blue.
COLOURS = {
    "tres_satisfait": "#18753c",
    "satisfait": "#5f9e6e",
    "peu_satisfait": "#c65d00",
    "pas_satisfait": "#b3261e",
    "sans_avis": "#8a8a8a",
    "oui": "#18753c",
    "non": "#b3261e",
}
NEUTRAL = "#1f4e79"
TRACK = "#eef0f3"
TEXT = "#1b1b1b"
LABEL_LENGTH = 22
FONT = 'font-family="DejaVu Sans, sans-serif"'


def answer_bars(
    bars: Sequence[tuple[str, str, float | None]], *, title: str, judged: bool, width: int = 360
) -> SafeString:
    """`bars`: (code, label, share or None when hidden) in the order of the answers; a long
    label is shortened (the table beside gives it whole). `judged`: colour the answers of the
    satisfaction scale and yes/no by what they say (else all blue)."""
    row, gap, top, label_width = 17, 5, 2, 140
    bar_width = width - label_width - 48
    height = top + len(bars) * (row + gap)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" class="answer-bars" {FONT} font-size="11">'
        f"<title>{escape(title)}</title>"
    ]
    for index, (code, label, share) in enumerate(bars):
        y = top + index * (row + gap)
        short = label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1].rstrip() + "…"
        out.append(f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end" fill="{TEXT}">{escape(short)}</text>')
        colour = COLOURS.get(code, NEUTRAL) if judged else NEUTRAL
        out.append(f'<rect x="{label_width}" y="{y}" width="{bar_width}" height="{row}" fill="{TRACK}"/>')
        if share is None:
            out.append(f'<text x="{label_width + bar_width + 4}" y="{y + 13}" fill="{TEXT}">&lt; 5</text>')
            continue
        filled = round(max(0.0, min(1.0, share)) * bar_width, 1)
        out.append(f'<rect x="{label_width}" y="{y}" width="{filled}" height="{row}" fill="{colour}"/>')
        out.append(
            f'<text x="{label_width + bar_width + 4}" y="{y + 13}" fill="{TEXT}">{escape(format_share(share))}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 -- every text above is escaped
