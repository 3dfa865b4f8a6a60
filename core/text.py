"""Plain text a town writes (a letter template, its legal notice) turned into safe HTML: no
markup language to learn, only blank lines between paragraphs, "## " before a heading and
"- " before the items of a list."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

HEADING = "## "
ITEM = "- "


def blocks_of(text: str) -> list[list[str]]:
    """The blocks of `text` (separated by blank lines), each a list of its lines."""
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [[line.rstrip() for line in part.strip().split("\n")] for part in parts if part.strip()]


def paragraphs(text: str) -> list[SafeString]:
    """Blank lines separate paragraphs; a single line break stays a line break."""
    return [mark_safe("<br>".join(escape(line) for line in block)) for block in blocks_of(text)]  # noqa: S308


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "list" or "paragraph"
    lines: list[SafeString]


def _line(text: str) -> SafeString:
    """One line, escaped, its web addresses made links (Django's urlize escapes the rest)."""
    return mark_safe(urlize(text, autoescape=True))  # noqa: S308


def rich_blocks(text: str) -> list[Block]:
    """Headings, lists and paragraphs of a page the town wrote. A heading block is one line
    starting with "## "; a list block has every line starting with "- "."""
    result = []
    for lines in blocks_of(text):
        if len(lines) == 1 and lines[0].startswith(HEADING):
            result.append(Block("heading", [_line(lines[0].removeprefix(HEADING).strip())]))
        elif all(line.lstrip().startswith(ITEM) for line in lines):
            result.append(Block("list", [_line(line.lstrip().removeprefix(ITEM).strip()) for line in lines]))
        else:
            result.append(Block("paragraph", [_line(line) for line in lines]))
    return result
