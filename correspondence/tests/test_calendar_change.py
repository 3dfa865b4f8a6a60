"""A closure day added in the town's settings moves the due dates of open requests."""

import datetime as dt

import pytest
from django.urls import reverse

from correspondence.models import WrittenRequest

pytestmark = pytest.mark.django_db


def test_a_closure_day_added_in_the_settings_moves_an_open_letters_due_date(org, admin_client_org, make_request):
    letter = make_request(channel="letter", received_on=dt.date(2026, 7, 10))
    assert letter.due_on == dt.date(2026, 8, 3)
    response = admin_client_org.post(
        reverse("administration:closure_days", args=[org.slug]) + "?annee=2026",
        {"date": "2026-07-20", "label": "Fermeture estivale"},
    )
    assert response.status_code == 302
    assert WrittenRequest.objects.get(pk=letter.pk).due_on == dt.date(2026, 8, 4)


def test_removing_the_closure_day_moves_it_back(org, admin_client_org, make_request):
    from core.models import ClosureDay

    admin_client_org.post(
        reverse("administration:closure_days", args=[org.slug]) + "?annee=2026",
        {"date": "2026-07-20", "label": "Fermeture estivale"},
    )
    letter = make_request(channel="letter", received_on=dt.date(2026, 7, 10))
    assert letter.due_on == dt.date(2026, 8, 4)
    closure = ClosureDay.objects.get(organisation=org)
    admin_client_org.post(reverse("administration:closure_day_delete", args=[org.slug, closure.pk]))
    assert WrittenRequest.objects.get(pk=letter.pk).due_on == dt.date(2026, 8, 3)
