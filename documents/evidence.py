"""Evidence files (manual indicator values, training attendance sheets): PDF, PNG or JPEG,
recognised by their content, size-capped before they are read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename


@dataclass(frozen=True)
class EvidenceType:
    label: str
    extension: str
    magic: bytes


EVIDENCE_TYPES = (
    EvidenceType("PDF", ".pdf", b"%PDF-"),
    EvidenceType("PNG", ".png", b"\x89PNG\r\n\x1a\n"),
    EvidenceType("JPEG", ".jpg", b"\xff\xd8\xff"),
)
HEAD_BYTES = max(len(kind.magic) for kind in EVIDENCE_TYPES)


def detect_evidence_type(head: bytes) -> EvidenceType | None:
    return next((kind for kind in EVIDENCE_TYPES if head.startswith(kind.magic)), None)


def check_evidence(upload: UploadedFile) -> EvidenceType:
    """Refuse a file that is too large (before reading it) or that is not really a PDF, PNG or JPEG."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            f"Le justificatif dépasse la taille maximale de {filesizeformat(limit)}.", code="too_large"
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = detect_evidence_type(head)
    if kind is None:
        raise ValidationError(
            "Le justificatif doit être un fichier PDF, PNG ou JPEG (son contenu a été vérifié, pas seulement son nom).",
            code="bad_type",
        )
    return kind


def download_name(original: str, kind: EvidenceType) -> str:
    """The name offered on download: the sender's name, cleaned, with the extension of its real type."""
    try:
        stem = get_valid_filename(PurePath(original).stem)[:80]
    except SuspiciousFileOperation:
        stem = "justificatif"
    return f"{stem}{kind.extension}"
