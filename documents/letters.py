"""A letter of the town to a person, as `documents/pdf/letter.html` prints it: the sending
service's block (its designation and contact, CRPA R112-5), the recipient's, a title and
paragraphs. Each app fills one for its own acknowledgements (correspondence, complaints)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Letter:
    title: str
    sender: list[str]
    recipient: list[str]
    paragraphs: list[SafeString]
