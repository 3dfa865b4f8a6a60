"""The audit journal page: filters by day, person and object type, pagination, export; and
the deletion helper every action uses to delete a record with its audit event."""

import csv
import datetime as dt
import importlib
import io

import openpyxl
import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core.audit import delete_audited, journal_events
from core.journal import ACTION_LABELS, action_label, person_name
from core.localtime import PARIS
from core.models import AuditEvent, ClosureDay, Organisation, Role, Site

pytestmark = pytest.mark.django_db


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def event(org, at, *, actor=None, repr="Hôtel de ville", object_type="core.site", before=None, after=None):
    return AuditEvent.objects.create(
        organisation=org,
        actor=actor,
        actor_label=actor.email if actor else "système",
        at=at,
        object_type=object_type,
        object_id="1",
        object_repr=repr,
        action="update",
        before=before,
        after=after,
    )


def journal(org, **params):
    return reverse("core:audit_trail", args=[org.slug]), params


@pytest.fixture
def reader(org, client_as):
    return client_as(org, Role.READER)


@pytest.fixture
def march(org):
    """Four events around the local midnights that open and close March 2026 (the clocks
    change on 29 March, so the two ends sit at different offsets from UTC)."""
    event(org, local(2026, 2, 28, 23, 30), repr="fin février")
    event(org, local(2026, 3, 1, 0, 30), repr="début mars")
    event(org, local(2026, 3, 31, 23, 30), repr="fin mars")
    event(org, local(2026, 4, 1, 0, 30), repr="début avril")


def shown(response) -> list[str]:
    return [e.object_repr for e in response.context["page"]]


def test_the_range_keeps_both_days_whole_in_local_time_and_nothing_beyond(org, march, reader):
    response = reader.get(reverse("core:audit_trail", args=[org.slug]), {"du": "2026-03-01", "au": "2026-03-31"})
    assert shown(response) == ["fin mars", "début mars"]
    assert "2 au total" in response.content.decode()


def test_a_day_typed_the_french_way_is_read_too(org, march, reader):
    response = reader.get(reverse("core:audit_trail", args=[org.slug]), {"du": "01/03/2026", "au": "01/03/2026"})
    assert shown(response) == ["début mars"]


def test_each_end_of_the_range_is_optional(org, march):
    assert [e.object_repr for e in journal_events(org, first_day=dt.date(2026, 4, 1))] == ["début avril"]
    assert [e.object_repr for e in journal_events(org, last_day=dt.date(2026, 2, 28))] == ["fin février"]


def test_the_person_filter_shows_only_that_persons_changes(org, make_member, reader):
    alice = make_member(org, Role.QUALITY_MANAGER, email="alice@ville-test.test")
    bruno = make_member(org, Role.AGENT, email="bruno@ville-test.test")
    event(org, local(2026, 3, 2, 10), actor=alice, repr="par Alice")
    event(org, local(2026, 3, 3, 10), actor=bruno, repr="par Bruno")
    event(org, local(2026, 3, 4, 10), repr="par le système")
    response = reader.get(reverse("core:audit_trail", args=[org.slug]), {"par": alice.pk})
    assert shown(response) == ["par Alice"]
    assert f'<option value="{bruno.pk}">' in response.content.decode()


def test_a_member_of_another_town_cannot_be_chosen_and_shows_none_of_their_events(org, other_org, make_member, reader):
    stranger = make_member(other_org, Role.ADMIN, email="etranger@autre-ville.test")
    event(other_org, local(2026, 3, 2, 10), actor=stranger, repr="chez les voisins")
    event(org, local(2026, 3, 2, 11), repr="chez nous")
    response = reader.get(reverse("core:audit_trail", args=[org.slug]), {"par": stranger.pk})
    page = response.content.decode()
    assert "Choisissez une personne de la ville dans la liste." in page
    assert f'<option value="{stranger.pk}"' not in page
    assert shown(response) == []
    assert "chez les voisins" not in page


def test_a_range_that_ends_before_it_starts_says_so_in_french(org, march, reader):
    response = reader.get(reverse("core:audit_trail", args=[org.slug]), {"du": "2026-03-31", "au": "2026-03-01"})
    page = response.content.decode()
    assert "La date « Au » (01/03/2026) est avant la date « Du » (31/03/2026)" in page
    assert 'aria-invalid="true"' in page
    assert shown(response) == []


def test_an_unreadable_date_is_quoted_back(org, march, reader):
    response = reader.get(reverse("core:audit_trail", args=[org.slug]), {"du": "31/02/2026"})
    assert "« 31/02/2026 » n&#x27;est pas une date lisible" in response.content.decode()
    assert shown(response) == []


def test_the_object_type_filter_still_works(org, reader):
    event(org, local(2026, 3, 2, 10), repr="un site")
    event(org, local(2026, 3, 2, 11), repr="un jour de fermeture", object_type="core.closureday")
    response = reader.get(reverse("core:audit_trail", args=[org.slug]), {"type": "core.closureday"})
    assert shown(response) == ["un jour de fermeture"]


def test_events_of_a_model_that_moved_app_read_under_its_new_name_and_filter_with_it(org, reader):
    event(
        org, local(2026, 3, 2, 10), repr="avant le déménagement", object_type="core.importsource", after={"label": "A"}
    )
    event(org, local(2026, 3, 2, 11), repr="après", object_type="imports.importsource", after={"label": "B"})
    event(org, local(2026, 3, 2, 12), repr="un site")
    page = reader.get(reverse("core:audit_trail", args=[org.slug]))
    assert page.context["form"].fields["type"].choices.count(("imports.importsource", "Source d'import")) == 1
    assert "core.importsource" not in dict(page.context["form"].fields["type"].choices)
    assert "<dt>Libellé</dt><dd>A</dd>" in page.content.decode()
    response = reader.get(reverse("core:audit_trail", args=[org.slug]), {"type": "imports.importsource"})
    assert shown(response) == ["après", "avant le déménagement"]


def test_the_page_links_keep_the_filters(org, make_member, reader):
    alice = make_member(org, Role.QUALITY_MANAGER, email="alice@ville-test.test")
    for minute in range(55):
        event(org, local(2026, 3, 10, 9, minute), actor=alice, repr=f"mars {minute:02d}")
    event(org, local(2026, 4, 10, 9), actor=alice, repr="avril")
    params = {"du": "2026-03-01", "au": "2026-03-31", "par": alice.pk}
    first = reader.get(reverse("core:audit_trail", args=[org.slug]), params)
    assert f"?du=2026-03-01&amp;au=2026-03-31&amp;par={alice.pk}&amp;page=2" in first.content.decode()
    second = reader.get(reverse("core:audit_trail", args=[org.slug]), params | {"page": 2})
    assert shown(second) == [f"mars {minute:02d}" for minute in range(4, -1, -1)]


def test_the_page_reads_a_bounded_number_of_queries(
    org, make_member, reader, django_assert_max_num_queries, page_queries
):
    people = [make_member(org, Role.AGENT, email=f"agent{n}@ville-test.test") for n in range(5)]
    url = reverse("core:audit_trail", args=[org.slug])
    filters = {"du": "2026-03-01", "au": "2026-03-31", "par": people[0].pk}
    event(org, local(2026, 3, 1, 10), actor=people[0], object_type="core.site", after={"name": "x"})
    few = {"filtered": page_queries(reader, url, filters), "all": page_queries(reader, url)}
    for n in range(1, 80):
        kind = ("core.site", "core.service", "core.closureday")[n % 3]
        event(org, local(2026, 3, 1 + n % 28, 10), actor=people[n % 5], object_type=kind, after={"name": "x"})
    with django_assert_max_num_queries(9):
        response = reader.get(url, filters)
    assert {"filtered": page_queries(reader, url, filters), "all": page_queries(reader, url)} == few
    assert few["filtered"] <= 8 and few["all"] <= 7
    assert len(shown(response)) == 16
    types = [name for name, _ in response.context["form"].fields["type"].choices]
    assert types == ["", "core.closureday", "core.service", "core.site"]  # once each, by label


def test_the_export_holds_the_filtered_journal_in_local_time_with_readable_values(org, make_member, reader):
    alice = make_member(org, Role.QUALITY_MANAGER, email="alice@ville-test.test")
    event(
        org,
        local(2026, 3, 31, 23, 30),
        actor=alice,
        repr="=HYPERLINK(1)",
        before={"name": "Mairie"},
        after={"name": "Hôtel de ville"},
    )
    event(org, local(2026, 4, 1, 0, 30), actor=alice, repr="hors période")
    url = reverse("core:audit_trail_export", args=[org.slug])
    response = reader.get(url, {"du": "2026-03-01", "au": "2026-03-31", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="journal-modifications-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Date", "Heure", "Personne", "Action", "Type d'objet", "Objet", "Avant", "Après"],
        [
            "31/03/2026",
            "23:30:00",
            alice.full_name,
            "modification",
            "Site",
            "'=HYPERLINK(1)",
            "Nom : Mairie",
            "Nom : Hôtel de ville",
        ],
    ]


def test_the_export_comes_as_xlsx_and_ods_too(org, march, reader):
    url = reverse("core:audit_trail_export", args=[org.slug])
    xlsx = reader.get(url, {"du": "2026-03-01", "au": "2026-03-01", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)] == [
        ["01/03/2026", "00:30:00", "système", "modification", "Site", "début mars", None, None]
    ]
    ods = reader.get(url, {"format": "ods"})
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert ods.content.startswith(b"PK")


def test_an_export_with_wrong_filters_gives_the_page_with_the_message_and_no_file(org, march, reader):
    url = reverse("core:audit_trail_export", args=[org.slug])
    response = reader.get(url, {"du": "2026-03-31", "au": "2026-03-01", "format": "csv"})
    assert response.status_code == 400
    assert "est avant la date « Du »" in response.content.decode()
    assert reader.get(url, {"format": "pdf"}).status_code == 400


def test_the_page_offers_the_export_of_what_it_shows(org, march, reader):
    page = reader.get(reverse("core:audit_trail", args=[org.slug]), {"du": "2026-03-01"}).content.decode()
    export = reverse("core:audit_trail_export", args=[org.slug])
    assert f'href="{export}?du=2026-03-01&amp;format=xlsx"' in page


# --- The deletion helper ---------------------------------------------------------------------------


def test_delete_audited_records_the_listed_fields_then_deletes(org, make_member):
    actor = make_member(org, Role.ADMIN)
    closure = ClosureDay.objects.create(organisation=org, date=dt.date(2026, 5, 15), label="Pont")
    closure_id = closure.pk
    recorded = delete_audited(closure, actor=actor, fields=["date"])
    assert not ClosureDay.objects.filter(pk=closure_id).exists()
    assert (recorded.action, recorded.object_id, recorded.before, recorded.actor) == (
        "delete",
        str(closure_id),
        {"date": "2026-05-15"},
        actor,
    )


def test_delete_audited_refuses_with_the_blockers_message_and_writes_nothing(org):
    site = Site.objects.get(organisation=org)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        delete_audited(site, actor=None, fields=["name"], blocker=lambda s: f"« {s.name} » sert encore.")
    assert refused.value.messages == ["« Hôtel de ville » sert encore."]
    assert Site.objects.filter(pk=site.pk).exists()
    assert AuditEvent.objects.count() == events


def test_delete_audited_takes_another_action_code(org):
    closure = ClosureDay.objects.create(organisation=org, date=dt.date(2026, 5, 15), label="Pont")
    assert delete_audited(closure, actor=None, fields=["date"], action="anonymise", blocker=lambda c: "").action == (
        "anonymise"
    )


# --- In French: labels, the town's time, people by name -----------------------------------------


def at_utc(year: int, month: int, day: int, hour: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def recorded(org, *, action, actor=None, at=None):
    return AuditEvent.objects.create(
        organisation=org,
        actor=actor,
        actor_label=actor.email if actor else "système",
        at=at or at_utc(2026, 7, 1, 10),
        object_type="core.site",
        object_id="1",
        object_repr="Hôtel de ville",
        action=action,
    )


def test_the_page_shows_actions_in_french_times_in_paris_and_people_by_name(org, make_member, reader):
    alice = make_member(org, Role.QUALITY_MANAGER, email="alice@ville-test.test")
    recorded(org, action="acknowledge", actor=alice)
    recorded(org, action="update", at=at_utc(2026, 1, 15, 10))
    page = reader.get(reverse("core:audit_trail", args=[org.slug])).content.decode()
    assert '<td data-label="Action">Accusé de réception</td>' in page
    assert '<td data-label="Action">Modification</td>' in page
    assert '<td data-label="Date">01/07/2026 12:00</td>' in page  # summer time: UTC+2
    assert '<td data-label="Date">15/01/2026 11:00</td>' in page  # winter time: UTC+1
    assert f'<td data-label="Auteur">{alice.full_name}</td>' in page
    assert '<td data-label="Auteur">système</td>' in page
    assert "alice@ville-test.test</td>" not in page


def test_a_guadeloupe_town_reads_its_journal_in_its_own_time(make_member, client_as):
    town = Organisation.objects.create(slug="pointe", name="Ville des Antilles", holiday_zone="971")
    recorded(town, action="create")
    page = client_as(town, Role.READER).get(reverse("core:audit_trail", args=[town.slug])).content.decode()
    assert '<td data-label="Date">01/07/2026 06:00</td>' in page  # UTC−4, no summer time
    assert '<td data-label="Action">Création</td>' in page


def test_a_guadeloupe_towns_day_filter_and_export_follow_its_time(make_member, client_as):
    town = Organisation.objects.create(slug="pointe", name="Ville des Antilles", holiday_zone="971")
    recorded(town, action="delete", at=at_utc(2026, 7, 2, 2))  # 1 July, 22:00 in Guadeloupe
    url = reverse("core:audit_trail_export", args=[town.slug])
    response = client_as(town, Role.READER).get(url, {"du": "2026-07-01", "au": "2026-07-01", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:5] == ["01/07/2026", "22:00:00", "système", "suppression", "Site"]


def test_the_export_names_people_and_actions_in_french(org, make_member, reader):
    alice = make_member(org, Role.QUALITY_MANAGER, email="alice@ville-test.test")
    recorded(org, action="settings", actor=alice)
    url = reverse("core:audit_trail_export", args=[org.slug])
    rows = list(csv.reader(io.StringIO(reader.get(url).content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:4] == ["01/07/2026", "12:00:00", alice.full_name, "modification des paramètres"]


def test_a_person_without_a_name_shows_by_e_mail_and_a_deleted_account_by_the_e_mail_it_had(org, make_member):
    nameless = make_member(org, Role.AGENT, email="sans-nom@ville-test.test")
    nameless.full_name = ""
    nameless.save()
    gone = make_member(org, Role.AGENT, email="parti@ville-test.test")
    event_of_gone = recorded(org, action="update", actor=gone)
    gone.memberships.all().delete()
    gone.delete()
    assert person_name(recorded(org, action="update", actor=nameless)) == "sans-nom@ville-test.test"
    assert person_name(AuditEvent.objects.get(pk=event_of_gone.pk)) == "parti@ville-test.test"
    assert person_name(recorded(org, action="update")) == "système"


def test_an_action_code_without_a_label_shows_as_itself_visibly_marked(org, reader):
    assert action_label("frobnicate") == "frobnicate (action sans libellé)"
    recorded(org, action="frobnicate")
    page = reader.get(reverse("core:audit_trail", args=[org.slug])).content.decode()
    assert "Frobnicate (action sans libellé)" in page


def test_every_label_is_french_text_and_every_code_a_short_english_word():
    assert all(code.isascii() and code == code.lower() and " " not in code for code in ACTION_LABELS)
    assert all(len(code) <= 40 for code in ACTION_LABELS)  # AuditEvent.action's length
    assert all(label and label == label.lower() for label in ACTION_LABELS.values())


def test_the_migration_rewrites_the_french_codes_and_keeps_the_trail_closed(org):
    migration = importlib.import_module("core.migrations.0009_english_action_codes")
    for action, object_type in [
        ("création", "core.site"),
        ("accusé de réception", "complaints.complaint"),
        ("saisie", "commitments.indicatorvalue"),
        ("saisie", "reception.visit"),
        ("update", "core.site"),
    ]:
        AuditEvent.objects.create(
            organisation=org, object_type=object_type, object_id="1", object_repr="x", action=action
        )

    class Editor:
        connection = connection

        def execute(self, sql, params=None):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    migration.to_english(django_apps, Editor())
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "create",
        "acknowledge",
        "enter",
        "create",
        "update",
    ]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'falsifié'")
