"""Opening a page writes nothing: every page of the URL walk, opened with GET by each role,
leaves every table as it was (a town's defaults are created with the town, not on first view)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db.models import Model

from accounts.models import UserSession
from core.models import Organisation, Role
from documents import pdf
from tests.samples import sample_values
from tests.urlwalk import all_routes, kiosk_routes

pytestmark = pytest.mark.django_db

# A login writes its session row before the walk; reading a page may refresh it.
NOT_DATA: set[type[Model]] = {Session}
# So may its "Mes sessions" row, refreshed once a minute with the session (accounts, ADR 0015).
NOT_DATA |= {UserSession}


@pytest.fixture(autouse=True, scope="module")
def each_pdf_converted_once() -> Iterator[None]:
    """WeasyPrint makes the same PDF of the same HTML: a PDF whose HTML the walk of another
    role already had converted is served again, not converted a second time (30 of the 43
    conversions, a third of the walks' time). The walks are about the tables, which the
    conversion never touches; each PDF's HTML is still rendered for every role, with its queries."""
    converted: dict[str, bytes] = {}
    convert = pdf._tagged_pdf

    def converted_once(html: str) -> bytes:
        if html not in converted:
            converted[html] = convert(html)
        return converted[html]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "_tagged_pdf", converted_once)
        yield


def database_dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ours and Django's, in primary-key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model not in NOT_DATA and model._meta.managed
    }


def changed_tables(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def test_the_dump_sees_a_changed_row(org: Organisation):
    before = database_dump()
    org.name = "Ville renommée"
    org.save()
    assert changed_tables(before, database_dump()) == ["core.Organisation"]


@pytest.mark.parametrize("role", list(Role))
def test_opening_every_page_with_get_writes_nothing(org, client_as, role):
    values = sample_values(org)
    client = client_as(org, role)
    routes = [route for route in all_routes() if set(route.parameters) <= set(values)]
    before = database_dump()
    opened = [(route.pattern, client.get(route.url(values)).status_code) for route in routes]
    assert changed_tables(before, database_dump()) == [], opened
    assert any(status == 200 for _, status in opened)


def test_a_paired_tablet_opening_every_kiosk_screen_writes_nothing(org, kiosk_client):
    tablet = kiosk_client(org)
    before = database_dump()
    opened = [(route.pattern, tablet.get(route.url({"org_slug": org.slug})).status_code) for route in kiosk_routes()]
    assert changed_tables(before, database_dump()) == [], opened
    assert [status for _, status in opened].count(200) >= 3
