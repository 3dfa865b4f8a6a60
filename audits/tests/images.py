"""Real image files for upload tests, drawn with Pillow."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_upload(
    name: str = "hall.jpg", image_format: str = "JPEG", size: tuple[int, int] = (40, 30)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format=image_format)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def pdf_upload(name: str = "grille.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", content_type="application/pdf"
    )
