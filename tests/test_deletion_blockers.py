"""A service or an import source in use is kept: its confirmation page says what uses it, in as
many queries for a town's years of records as for one (the rows counted, never read: a demo
town's reception service took seconds to open)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import OpeningHours, Service, Site
from imports.models import ImportRun, ImportSource, ImportStatus
from reception.models import VisitReason
from telephony.actions import create_line, tally_call
from telephony.importing import CALLS
from telephony.models import Call, CallOutcome

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 3, 10, 9, 15, tzinfo=dt.UTC)


def rows_read(client, address: str, table: str) -> list[str]:
    """The queries of a GET of `address` that read rows of `table`, neither counting them nor
    asking whether one exists."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return [
        query["sql"]
        for query in queries.captured_queries
        if f'FROM "{table}"' in query["sql"] and "COUNT(" not in query["sql"] and 'SELECT 1 AS "a"' not in query["sql"]
    ]


@pytest.fixture
def service(org):
    town_hall = Site.objects.get(organisation=org, name="Hôtel de ville")
    service = Service.objects.create(organisation=org, site=town_hall, code="urbanisme", name="Urbanisme")
    OpeningHours.objects.create(
        organisation=org, site=town_hall, service=service, weekday=0, opens_at=dt.time(9), closes_at=dt.time(12)
    )
    return service


def test_a_service_in_use_names_each_kind_of_record_with_its_count_and_stays(
    org, service, admin_client_org, page_queries
):
    address = reverse("administration:service_delete", args=[org.slug, service.pk])
    VisitReason.objects.create(organisation=org, label="Permis de construire", service=service)
    few = page_queries(admin_client_org, address)
    for number in range(5):
        VisitReason.objects.create(organisation=org, label=f"Motif {number}", service=service)
    line = create_line(organisation=org, actor=None, code="urbanisme", name="Ligne de l'urbanisme", service=service)
    for _ in range(3):
        tally_call(organisation=org, line=line, outcome=CallOutcome.ANSWERED, rings=2, now=MOMENT, actor=None)
    assert page_queries(admin_client_org, address) == few
    page = admin_client_org.get(address).content.decode()
    kinds = "appel : 3, appels par créneau : 1, ligne téléphonique : 1, motif de visite : 6, "
    kinds += "synthèse mensuelle des appels : 1"
    assert f"données ({kinds}) : il ne" in page  # its opening hours go with it, unnamed
    assert rows_read(admin_client_org, address, "telephony_call") == []
    admin_client_org.post(address)
    assert Service.objects.filter(pk=service.pk).exists()


def test_a_source_that_imported_calls_is_kept_whatever_their_number_and_one_with_runs_only_is_not(
    org, manager_client, page_queries
):
    reception = Service.objects.get(organisation=org, code="accueil")
    line = create_line(organisation=org, actor=None, code="standard", name="Standard", service=reception)
    source = ImportSource.objects.create(
        organisation=org, kind=CALLS, name="autocom", label="Autocommutateur", file_format="asterisk_cdr"
    )
    ImportRun.objects.create(organisation=org, source=source, filename="Master.csv", status=ImportStatus.DONE)
    address = reverse("imports:source_delete", args=[org.slug, source.pk])
    assert "ne peut pas être supprimée" not in manager_client.get(address).content.decode()

    calls = [
        tally_call(organisation=org, line=line, outcome=CallOutcome.ANSWERED, rings=2, now=MOMENT, actor=None).pk
        for _ in range(20)
    ]
    Call.objects.filter(pk=calls[0]).update(source=source)
    one = page_queries(manager_client, address)
    Call.objects.filter(pk__in=calls).update(source=source)
    assert page_queries(manager_client, address) == one
    assert rows_read(manager_client, address, "telephony_call") == []
    assert "ne peut pas être supprimée" in manager_client.get(address).content.decode()
    manager_client.post(address)
    assert ImportSource.objects.filter(pk=source.pk).exists()
