"""The view helpers every app shares (core.web), on plain requests and forms: no database."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.models import User
from core.web import acting_user, export_format, page_of, show_refusal, unknown_export_format

FACTORY = RequestFactory()


class DatesForm(forms.Form):
    starts_on = forms.DateField(required=False)
    ends_on = forms.DateField(required=False)


def bound_form() -> DatesForm:
    form = DatesForm({"starts_on": "2026-03-02", "ends_on": "2026-03-31"})
    assert form.is_valid()
    return form


def test_the_acting_user_is_the_signed_in_user_of_the_request():
    request = FACTORY.get("/")
    request.user = User(email="agent@ville.test")
    assert acting_user(request) is request.user


def test_a_refusal_naming_a_field_of_the_form_shows_under_that_field():
    form = bound_form()
    show_refusal(form, ValidationError({"ends_on": "La fin doit suivre le début."}))
    assert form.errors == {"ends_on": ["La fin doit suivre le début."]}
    assert "ends_on" not in form.cleaned_data


def test_a_refusal_naming_a_field_the_form_lacks_shows_above_the_form():
    form = bound_form()
    show_refusal(form, ValidationError({"due_on": "L'échéance tombe un jour de fermeture."}))
    assert form.non_field_errors() == ["L'échéance tombe un jour de fermeture."]
    assert set(form.cleaned_data) == {"starts_on", "ends_on"}


def test_a_refusal_naming_no_field_shows_above_the_form_with_every_message():
    form = bound_form()
    show_refusal(form, ValidationError(["Première raison.", "Seconde raison."]))
    assert form.non_field_errors() == ["Première raison.", "Seconde raison."]


def test_a_refusal_spread_over_several_fields_shows_each_message_in_its_place():
    form = bound_form()
    show_refusal(
        form,
        ValidationError(
            {"starts_on": ["Trop tôt."], "ends_on": ["Trop tard.", "Un dimanche."], "__all__": ["Refusé."]}
        ),
    )
    assert form.errors["starts_on"] == ["Trop tôt."]
    assert form.errors["ends_on"] == ["Trop tard.", "Un dimanche."]
    assert form.non_field_errors() == ["Refusé."]


def test_a_refusal_with_parameters_shows_its_message_filled_in():
    form = bound_form()
    show_refusal(form, ValidationError("Au plus %(days)s jours.", params={"days": 31}))
    assert form.non_field_errors() == ["Au plus 31 jours."]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", "csv"), ("?format=csv", "csv"), ("?format=xlsx", "xlsx"), ("?format=ods", "ods")],
)
def test_the_export_format_is_csv_unless_the_page_asks_for_xlsx_or_ods(query, expected):
    assert export_format(FACTORY.get("/export" + query)) == expected


@pytest.mark.parametrize("query", ["?format=pdf", "?format=XLSX", "?format=", "?format=../etc"])
def test_an_unknown_export_format_is_none(query):
    assert export_format(FACTORY.get("/export" + query)) is None


def test_an_unknown_export_format_is_answered_400_in_french():
    response = unknown_export_format()
    assert response.status_code == 400
    assert response.content.decode() == "Format d'export inconnu : choisissez csv, xlsx ou ods."


@pytest.mark.parametrize(
    ("query", "number", "items"),
    [
        ("", 1, [1, 2, 3]),
        ("?page=2", 2, [4, 5, 6]),
        ("?page=4", 4, [10]),
        ("?page=99", 4, [10]),
        ("?page=x", 1, [1, 2, 3]),
    ],
)
def test_the_page_asked_is_shown_the_first_when_unreadable_and_the_last_when_past_the_end(query, number, items):
    page = page_of(FACTORY.get("/liste" + query), list(range(1, 11)), per_page=3)
    assert (page.number, list(page.object_list), page.paginator.num_pages) == (number, items, 4)


def test_an_empty_list_has_one_empty_page():
    page = page_of(FACTORY.get("/liste?page=3"), [], per_page=25)
    assert (page.number, list(page.object_list)) == (1, [])


def test_an_anonymous_request_is_not_turned_into_a_user_by_the_helper():
    # org_view has refused anonymous requests before any view runs; the helper only types.
    request = FACTORY.get("/")
    request.user = AnonymousUser()
    assert acting_user(request) is request.user
