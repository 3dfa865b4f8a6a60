"""The forms of filling a grid: one criterion's answer (sent alone as soon as it is given, or
all of them at once without JavaScript), the date of the check, and the paper grid typed in
by the quality manager. Photos and scans are recognised by their content, under a size cap
read before a byte of the file. A photo is kept without its metadata (a phone's GPS position,
the device, the time), turned upright as the phone took it."""

from __future__ import annotations

import io
import warnings
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps

from audits.fill import PaperScore, paper_score_error
from audits.models import Criterion, Rating
from core.models import Organisation, Service, Site

PHOTO_MAX_BYTES = 8 * 1024 * 1024
SCAN_MAX_BYTES = 15 * 1024 * 1024
PHOTO_TYPES = {"PNG": b"\x89PNG\r\n\x1a\n", "JPEG": b"\xff\xd8\xff"}
PHOTO_ACCEPT = "image/png,image/jpeg,image/webp"
PDF_MAGIC = b"%PDF-"


def _image_format(head: bytes) -> str | None:
    for image_format, magic in PHOTO_TYPES.items():
        if head.startswith(magic):
            return image_format
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _too_large(upload: UploadedFile, limit: int, what: str) -> None:
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            f"{what} dépasse la taille maximale de {filesizeformat(limit)} : réduisez-la, puis réessayez."
        )


def _is_real_image(upload: UploadedFile, image_format: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image.verify()
                return bool(image.format == image_format)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return False
    finally:
        upload.seek(0)


def check_photo(upload: UploadedFile) -> UploadedFile:
    """A photo is a real PNG, JPEG or WebP image under the cap; anything else is refused."""
    _too_large(upload, PHOTO_MAX_BYTES, "La photo")
    upload.seek(0)
    image_format = _image_format(upload.read(16))
    upload.seek(0)
    if image_format is None or not _is_real_image(upload, image_format):
        raise ValidationError("La photo doit être une image JPEG, PNG ou WebP (son contenu a été vérifié).")
    return _without_metadata(upload, image_format)


def _without_metadata(upload: UploadedFile, image_format: str) -> UploadedFile:
    """The image drawn again: Pillow writes no EXIF, XMP or text chunk unless asked to."""
    with Image.open(upload) as image:
        upright = ImageOps.exif_transpose(image)
        buffer = io.BytesIO()
        upright.save(buffer, format=image_format, **({"quality": 90} if image_format != "PNG" else {}))
    return SimpleUploadedFile(upload.name or "photo", buffer.getvalue(), content_type=Image.MIME[image_format])


def check_scan(upload: UploadedFile) -> UploadedFile:
    """A scanned grid is a PDF or an image (PNG, JPEG, WebP) under the cap."""
    _too_large(upload, SCAN_MAX_BYTES, "La grille numérisée")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    image_format = _image_format(head)
    if head.startswith(PDF_MAGIC) or (image_format is not None and _is_real_image(upload, image_format)):
        return upload
    raise ValidationError("La grille numérisée doit être un fichier PDF ou une image JPEG, PNG ou WebP.")


class AnswerForm(forms.Form):
    """One criterion's answer; on the fill page each criterion's fields carry its prefix."""

    rating = forms.ChoiceField(label="Réponse", choices=Rating.choices, widget=forms.RadioSelect, required=False)
    comment = forms.CharField(
        label="Commentaire (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ce que vous avez constaté. Ne nommez aucun agent : la grille évalue le service.",
    )
    photo = forms.FileField(
        label="Photo (facultative)",
        required=False,
        widget=forms.FileInput(attrs={"accept": PHOTO_ACCEPT}),
        help_text=f"Image JPEG, PNG ou WebP, {filesizeformat(PHOTO_MAX_BYTES)} au plus.",
    )

    def __init__(self, *args: Any, criterion: Criterion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criterion = criterion

    def clean_photo(self) -> UploadedFile | None:
        photo = self.cleaned_data.get("photo")
        return check_photo(photo) if photo else None

    @property
    def is_answered(self) -> bool:
        return bool(self.cleaned_data.get("rating"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("rating") and (data.get("comment") or data.get("photo")):
            self.add_error("rating", "Choisissez une réponse pour enregistrer le commentaire ou la photo.")
        return data


def answer_form(criterion: Criterion, data: Any = None, files: Any = None, initial: Any = None) -> AnswerForm:
    return AnswerForm(data, files, prefix=f"c{criterion.pk}", criterion=criterion, initial=initial)


class CheckDateForm(forms.Form):
    checked_on = forms.DateField(
        label="Date du contrôle",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date du contrôle.", "invalid": "Date du contrôle invalide."},
    )


class CriterionPick(forms.Form):
    """Which criterion an answer sent alone is for (the one-answer endpoint)."""

    criterion = forms.IntegerField()


class PaperGridForm(forms.Form):
    """A paper grid: the day, where, the scan, then for each commitment of the grid the points
    earned and the points possible (both empty: the commitment did not apply)."""

    checked_on = forms.DateField(
        label="Date du contrôle",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date du contrôle.", "invalid": "Date du contrôle invalide."},
    )
    site = forms.ModelChoiceField(label="Site contrôlé", queryset=Site.objects.none(), required=False)
    service = forms.ModelChoiceField(label="Service contrôlé", queryset=Service.objects.none(), required=False)
    scan = forms.FileField(
        label="Grille papier numérisée",
        widget=forms.FileInput(attrs={"accept": "application/pdf," + PHOTO_ACCEPT}),
        help_text=f"PDF ou image JPEG, PNG ou WebP, {filesizeformat(SCAN_MAX_BYTES)} au plus.",
        error_messages={"required": "Joignez la grille papier numérisée : elle est la preuve des points saisis."},
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        commitments: list[tuple[str, str, Decimal]],
        **kwargs: Any,
    ) -> None:
        """`commitments`: (code, label, points possible on the grid) of each commitment the
        grid checks, in the grid's order."""
        super().__init__(*args, **kwargs)
        self.commitments = commitments
        self.fields["site"].queryset = Site.objects.for_org(organisation)  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.for_org(organisation)  # type: ignore[attr-defined]
        for code, label, possible in commitments:
            points: dict[str, Any] = {"max_digits": 7, "decimal_places": 1, "required": False}
            self.fields[f"earned_{code}"] = forms.DecimalField(label=f"Points obtenus — {label}", **points)
            self.fields[f"possible_{code}"] = forms.DecimalField(
                label=f"Points possibles — {label}", initial=possible, **points
            )

    def clean_scan(self) -> UploadedFile:
        return check_scan(self.cleaned_data["scan"])

    def commitment_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(label, self[f"earned_{code}"], self[f"possible_{code}"]) for code, label, _ in self.commitments]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for code, label, _ in self.commitments:
            earned, possible = data.get(f"earned_{code}"), data.get(f"possible_{code}")
            if self.has_error(f"earned_{code}") or self.has_error(f"possible_{code}"):
                continue
            if earned is None and possible is None:
                continue
            if earned is None or possible is None:
                self.add_error(
                    f"earned_{code}" if earned is None else f"possible_{code}",
                    f"{label} : saisissez les points obtenus et les points possibles, ou aucun des deux.",
                )
                continue
            error = paper_score_error(PaperScore(code, label, earned, possible))
            if error is not None:
                self.add_error(f"possible_{code}" if possible <= 0 else f"earned_{code}", error)
        return data

    def paper_scores(self) -> list[PaperScore]:
        data = self.cleaned_data
        return [
            PaperScore(code, label, data[f"earned_{code}"], data[f"possible_{code}"])
            for code, label, _ in self.commitments
            if data.get(f"earned_{code}") is not None and data.get(f"possible_{code}") is not None
        ]
