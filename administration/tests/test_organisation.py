"""The settings overview and the town's own settings: name, logo, colour, holiday zone, ring cycle."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from core.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db


def image_bytes(image_format: str, size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 78, 121)).save(buffer, format=image_format)
    return buffer.getvalue()


def edit_url(org):
    return reverse("administration:organisation_edit", args=[org.slug])


def town_form(**changes):
    return {"name": "Ville de Test", "brand_color": "#1f4e79", "holiday_zone": "", "ring_cycle_seconds": "5"} | changes


def test_the_overview_sums_up_the_town_and_links_to_every_section(org, admin_client_org):
    response = admin_client_org.get(reverse("administration:settings", args=[org.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ville de Test" in html and "France métropolitaine" in html and "#1f4e79" in html
    for name in ("organisation_edit", "sites", "services", "opening_hours", "closure_days", "members"):
        assert reverse(f"administration:{name}", args=[org.slug]) in html, name


def test_the_edit_form_shows_a_colour_picker_beside_the_text_value(org, admin_client_org):
    html = admin_client_org.get(edit_url(org)).content.decode()
    assert 'type="color"' in html and 'value="#1f4e79"' in html
    assert 'name="brand_color"' in html and 'name="brand_color_picker"' in html
    assert 'accept="image/png,image/jpeg,image/webp"' in html


def test_an_administrator_changes_the_name_colour_zone_and_ring_cycle(org, admin_client_org):
    response = admin_client_org.post(
        edit_url(org),
        town_form(name="Ville-sur-Test", brand_color="#7A1F1F", holiday_zone="57", ring_cycle_seconds="4.5"),
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.brand_color, org.holiday_zone, org.ring_cycle_seconds) == (
        "Ville-sur-Test",
        "#7a1f1f",
        "57",
        Decimal("4.5"),
    )
    event = AuditEvent.objects.get(organisation=org, object_type="core.organisation", action="update")
    assert event.action == "update"
    assert event.before == {
        "name": "Ville de Test",
        "brand_color": "#1f4e79",
        "holiday_zone": "",
        "ring_cycle_seconds": "5.0",
    }
    assert event.after == {
        "name": "Ville-sur-Test",
        "brand_color": "#7a1f1f",
        "holiday_zone": "57",
        "ring_cycle_seconds": "4.5",
    }
    follow = admin_client_org.get(response["Location"])
    assert "Les informations de la ville ont été enregistrées." in follow.content.decode()


def test_a_colour_too_light_for_white_text_is_refused_with_the_contrast_explained(org, admin_client_org):
    response = admin_client_org.post(edit_url(org), town_form(brand_color="#ffcc00", name="Autre nom"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le contraste de #ffcc00 avec le blanc est de" in html and "4.5:1" in html
    org.refresh_from_db()
    assert (org.name, org.brand_color) == ("Ville de Test", "#1f4e79")
    assert not AuditEvent.objects.filter(organisation=org).exists()


def test_a_dark_enough_colour_is_accepted(org, admin_client_org):
    admin_client_org.post(edit_url(org), town_form(brand_color="#000000"))
    admin_client_org.post(edit_url(org), town_form(brand_color="#1f4e79"))
    org.refresh_from_db()
    assert org.brand_color == "#1f4e79"
    assert AuditEvent.objects.filter(organisation=org).count() == 2


def test_a_colour_that_is_not_hexadecimal_is_refused_in_french(org, admin_client_org):
    response = admin_client_org.post(edit_url(org), town_form(brand_color="bleu"))
    assert "Saisissez une couleur au format #RRGGBB." in response.content.decode()
    org.refresh_from_db()
    assert org.brand_color == "#1f4e79"


def test_the_picker_sets_the_colour_when_the_text_was_left_as_it_was(org, admin_client_org):
    admin_client_org.post(edit_url(org), town_form(brand_color="#1f4e79", brand_color_picker="#5a2d82"))
    org.refresh_from_db()
    assert org.brand_color == "#5a2d82"


def test_the_picker_cannot_slip_a_light_colour_past_the_contrast_rule(org, admin_client_org):
    response = admin_client_org.post(edit_url(org), town_form(brand_color_picker="#ffcc00"))
    assert "Le contraste de #ffcc00 avec le blanc" in response.content.decode()
    org.refresh_from_db()
    assert org.brand_color == "#1f4e79"


def test_the_typed_text_wins_over_the_picker_when_both_changed(org, admin_client_org):
    admin_client_org.post(edit_url(org), town_form(brand_color="#000000", brand_color_picker="#5a2d82"))
    org.refresh_from_db()
    assert org.brand_color == "#000000"


@pytest.mark.parametrize(("image_format", "extension"), [("PNG", ".png"), ("JPEG", ".jpg"), ("WEBP", ".webp")])
def test_a_png_jpeg_or_webp_logo_is_stored_under_a_name_of_our_choosing(org, admin_client_org, image_format, extension):
    upload = SimpleUploadedFile("../../mon logo.gif", image_bytes(image_format), content_type="image/gif")
    response = admin_client_org.post(edit_url(org), town_form(logo=upload))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.logo.name.startswith("logos/ville-test") and org.logo.name.endswith(extension)
    assert admin_client_org.get(reverse("core:logo", args=[org.slug])).status_code == 200
    event = AuditEvent.objects.get(organisation=org)
    assert event.before == {"logo": None} and event.after == {"logo": org.logo.name}


def refused_logo(client, org, upload):
    response = client.post(edit_url(org), town_form(logo=upload, name="Nom changé"))
    assert response.status_code == 200
    org.refresh_from_db()
    assert not org.logo and org.name == "Ville de Test"
    assert not AuditEvent.objects.filter(organisation=org).exists()
    return response.content.decode()


def test_a_text_file_renamed_png_is_refused(org, admin_client_org):
    upload = SimpleUploadedFile("logo.png", b"Ceci n'est pas une image.\n" * 10, content_type="image/png")
    assert "n&#x27;est pas une image PNG, JPEG ou WebP valide" in refused_logo(admin_client_org, org, upload)


def test_an_svg_logo_is_refused(org, admin_client_org):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    upload = SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml")
    assert "Le SVG et les autres formats sont refusés" in refused_logo(admin_client_org, org, upload)


def test_a_file_with_a_png_signature_but_broken_content_is_refused(org, admin_client_org):
    upload = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, content_type="image/png")
    assert "n&#x27;est pas une image PNG, JPEG ou WebP valide" in refused_logo(admin_client_org, org, upload)


def test_a_gif_image_is_refused(org, admin_client_org):
    upload = SimpleUploadedFile("logo.gif", image_bytes("GIF"), content_type="image/gif")
    assert "PNG, JPEG ou WebP" in refused_logo(admin_client_org, org, upload)


@override_settings(LOGO_MAX_BYTES=1024)
def test_a_logo_over_the_size_cap_is_refused_before_it_is_read(org, admin_client_org, monkeypatch):
    def must_not_open(*args, **kwargs):
        raise AssertionError("an oversized logo must not be decoded")

    monkeypatch.setattr(Image, "open", must_not_open)
    upload = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 4096, content_type="image/png")
    assert "Le logo dépasse la taille maximale autorisée (1 Ko)" in refused_logo(admin_client_org, org, upload)


def test_an_administrator_removes_the_logo_and_its_file(org, admin_client_org, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("logo.png", image_bytes("PNG"), content_type="image/png")
    admin_client_org.post(edit_url(org), town_form(logo=upload))
    org.refresh_from_db()
    stored = org.logo.name
    assert org.logo.storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_org.post(edit_url(org), town_form(remove_logo="on"))
    org.refresh_from_db()
    assert not org.logo
    assert not Organisation.logo.field.storage.exists(stored)
    assert AuditEvent.objects.filter(organisation=org).latest("id").after == {"logo": None}


def test_replacing_and_removing_the_logo_at_once_is_refused(org, admin_client_org):
    admin_client_org.post(edit_url(org), town_form(logo=SimpleUploadedFile("a.png", image_bytes("PNG"))))
    org.refresh_from_db()
    stored = org.logo.name
    response = admin_client_org.post(
        edit_url(org), town_form(logo=SimpleUploadedFile("b.png", image_bytes("PNG")), remove_logo="on")
    )
    assert "remplacer le logo ou le supprimer, pas les deux" in response.content.decode()
    org.refresh_from_db()
    assert org.logo.name == stored


@pytest.mark.parametrize("value", ["0.5", "31", "cinq"])
def test_a_ring_cycle_outside_one_to_thirty_seconds_is_refused(org, admin_client_org, value):
    response = admin_client_org.post(edit_url(org), town_form(ring_cycle_seconds=value))
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    org.refresh_from_db()
    assert org.ring_cycle_seconds == Decimal("5")


def test_an_unknown_holiday_zone_is_refused(org, admin_client_org):
    response = admin_client_org.post(edit_url(org), town_form(holiday_zone="67"))
    assert "Sélectionnez un choix valide" in response.content.decode()
    org.refresh_from_db()
    assert org.holiday_zone == ""


def test_saving_the_form_unchanged_writes_no_audit_event(org, admin_client_org):
    assert admin_client_org.post(edit_url(org), town_form()).status_code == 302
    assert not AuditEvent.objects.filter(organisation=org).exists()


def test_a_town_that_opens_on_whit_monday_says_so_and_its_deadlines_follow(org, admin_client_org):
    from core.workdays import calendar_for

    response = admin_client_org.post(edit_url(org), town_form(works_whit_monday="on"))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.works_whit_monday
    assert calendar_for(org).is_working_day(dt.date(2026, 5, 25))
    event = AuditEvent.objects.get(organisation=org, object_type="core.organisation", action="update")
    assert event.after == {"works_whit_monday": True}
