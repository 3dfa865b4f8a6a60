import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from commitments.actions import record_manual_value
from commitments.models import IndicatorValue
from core.models import Role
from core.periods import Period
from documents.evidence import detect_evidence_type, download_name

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def url(name, org, *args):
    return reverse(f"commitments:{name}", args=[org.slug, *args])


def entry(client, org, indicator, upload):
    data = {"period_text": "2026-03", "numerator": "1", "denominator": "1", "evidence": upload}
    return client.post(url("value_entry", org, indicator.pk), data)


@pytest.fixture
def value_with_evidence(share_indicator):
    return record_manual_value(
        indicator=share_indicator,
        period=Period.parse("2026-03"),
        actor=None,
        numerator=1,
        denominator=1,
        evidence=SimpleUploadedFile("grille.pdf", PDF),
    )


@pytest.mark.parametrize(
    ("head", "extension"), [(PDF, ".pdf"), (PNG, ".png"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", ".jpg"), (b"GIF89a", None)]
)
def test_types_are_recognised_by_their_first_bytes(head, extension):
    kind = detect_evidence_type(head)
    assert (kind.extension if kind else None) == extension


def test_the_download_name_keeps_the_senders_name_with_the_real_extension():
    pdf = detect_evidence_type(PDF)
    assert pdf is not None
    assert download_name("Grille de contrôle.PDF", pdf) == "Grille_de_contrôle.pdf"
    assert download_name("..", pdf) == "justificatif.pdf"


def test_a_pdf_is_accepted_as_evidence(manager_client, share_indicator, org):
    response = entry(manager_client, org, share_indicator, SimpleUploadedFile("grille.pdf", PDF))
    assert response.status_code == 302
    assert IndicatorValue.objects.get().evidence_name == "grille.pdf"


def test_a_pdf_that_is_really_text_is_refused_in_french(manager_client, share_indicator, org):
    response = entry(
        manager_client, org, share_indicator, SimpleUploadedFile("grille.pdf", b"Bonjour, ceci est du texte")
    )
    assert response.status_code == 200
    assert "Le justificatif doit être un fichier PDF, PNG ou JPEG" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_script_named_as_an_image_is_refused(manager_client, share_indicator, org):
    response = entry(
        manager_client, org, share_indicator, SimpleUploadedFile("photo.png", b"<script>alert(1)</script>")
    )
    assert "PDF, PNG ou JPEG" in response.content.decode()
    assert not IndicatorValue.objects.exists()


@override_settings(EVIDENCE_MAX_BYTES=10)
def test_a_file_too_large_is_refused_before_being_read(manager_client, share_indicator, org):
    response = entry(manager_client, org, share_indicator, SimpleUploadedFile("grille.pdf", PDF))
    assert response.status_code == 200
    assert "Le justificatif dépasse la taille maximale" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_member_downloads_the_evidence_as_an_attachment(client_as, value_with_evidence, org):
    response = client_as(org, Role.AUDITOR).get(url("evidence", org, value_with_evidence.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="grille.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_an_outsider_gets_404_for_the_evidence(outsider_client, value_with_evidence, org):
    assert outsider_client.get(url("evidence", org, value_with_evidence.pk)).status_code == 404


def test_evidence_of_another_town_is_404_through_ones_own_town(outsider_client, value_with_evidence, other_org):
    assert outsider_client.get(url("evidence", other_org, value_with_evidence.pk)).status_code == 404


def test_a_value_without_evidence_has_nothing_to_download(manager_client, share_indicator, org):
    value = record_manual_value(
        indicator=share_indicator, period=Period.parse("2026-03"), actor=None, numerator=1, denominator=1
    )
    assert manager_client.get(url("evidence", org, value.pk)).status_code == 404


def test_the_detail_page_links_to_the_scoped_evidence_view_only(manager_client, value_with_evidence, org):
    page = manager_client.get(url("commitment_detail", org, value_with_evidence.indicator.commitment_id))
    content = page.content.decode()
    assert url("evidence", org, value_with_evidence.pk) in content
    assert value_with_evidence.evidence.name not in content
    assert "Modifier l'engagement" in content
