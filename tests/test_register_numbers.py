"""Register numbers are continuous per register and year (domain.md), whatever the database's
ids: written requests (2026-00001), act requests (EC-2026-00001) and errors on acts
(ERR-2026-00001) each have their own sequence per town and year of receipt; a new year starts
again at 00001; the counters set by migration continue after the highest reference already
used; a register imported by the town moves them on, and a number an imported register already
holds takes "QP-" in front."""

import datetime as dt
import importlib
import io
import zoneinfo

import pytest
from django.apps import apps
from django.db import transaction

from civil_registry.actions import record_error, register_act_request
from civil_registry.imports import import_acts
from civil_registry.models import ActChannel, ActFormat, ActRequest, ActType, ErrorFinder, ErrorKind
from correspondence.actions import register_request
from correspondence.imports import import_requests
from correspondence.models import Channel, WrittenRequest
from registers.models import Numbering, RegisterCounter

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 3, 16, 10, 0, tzinfo=PARIS), tick=False),
]


def letter(org, received_on=dt.date(2026, 3, 2)):
    return register_request(organisation=org, actor=None, channel=Channel.LETTER, received_on=received_on).reference


def act(org, received_on=dt.date(2026, 3, 2)):
    return register_act_request(
        organisation=org,
        actor=None,
        act_type=ActType.BIRTH,
        act_format=ActFormat.FULL,
        channel=ActChannel.POST,
        copies=1,
        received_on=received_on,
    ).reference


def test_each_register_of_each_town_numbers_its_entries_one_after_the_other(org, other_org):
    references: dict[str, list[str]] = {"letters": [], "acts": [], "other town": []}
    for _ in range(3):  # interleaved, so that the database's ids of each table jump
        references["letters"].append(letter(org))
        references["acts"].append(act(org))
        references["other town"].append(letter(other_org))
    references["other town"].append(act(other_org))

    assert references == {
        "letters": ["2026-00001", "2026-00002", "2026-00003"],
        "acts": ["EC-2026-00001", "EC-2026-00002", "EC-2026-00003"],
        "other town": ["2026-00001", "2026-00002", "2026-00003", "EC-2026-00001"],
    }


def test_the_errors_register_has_its_own_sequence_by_year_found(org):
    act(org)
    errors = [
        record_error(
            organisation=org,
            actor=None,
            act_type=ActType.BIRTH,
            issued_on=dt.date(2025, 12, 1),
            kind=ErrorKind.SPELLING,
            found_on=found_on,
            found_by=ErrorFinder.CITIZEN,
            attributable=True,
        ).reference
        for found_on in (dt.date(2025, 12, 20), dt.date(2026, 1, 5), dt.date(2026, 2, 5))
    ]
    assert errors == ["ERR-2025-00001", "ERR-2026-00001", "ERR-2026-00002"]


@pytest.mark.time_machine(dt.datetime(2026, 1, 2, 9, 0, tzinfo=PARIS), tick=False)
def test_a_new_year_starts_at_one_and_a_letter_of_31_december_takes_the_old_years_next_number(org):
    before = [letter(org, dt.date(2025, 12, 30)), letter(org, dt.date(2025, 12, 31))]
    new_year = [letter(org, dt.date(2026, 1, 2)), letter(org, dt.date(2026, 1, 2))]
    late = letter(org, dt.date(2025, 12, 31))  # received on 31 December, registered on 2 January
    assert before == ["2025-00001", "2025-00002"]
    assert new_year == ["2026-00001", "2026-00002"]
    assert late == "2025-00003"
    assert letter(org, dt.date(2026, 1, 2)) == "2026-00003"


def test_a_registration_rolled_back_gives_its_number_back(org):
    letter(org)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert letter(org) == "2026-00002"
        raise RuntimeError("the rest of the registration failed")
    assert letter(org) == "2026-00002"


def test_the_migration_sets_the_counters_after_the_highest_reference_already_used(org, other_org):
    """References given before, on the database's ids (2026-09843 after 2026-02359), a clash
    renamed "QP-" and a town's own imported numbers of another form."""
    for reference in ["2026-02359", "2026-09843", "QP-2026-09850", "2025-00412", "COUR-2026-99999", "2026-123"]:
        WrittenRequest.objects.create(
            organisation=org, reference=reference, channel=Channel.LETTER, received_on=dt.date(2026, 3, 2),
            deadline_days=15, due_on=dt.date(2026, 3, 23),
        )  # fmt: skip
    for reference in ["EC-2026-00877", "2026-05000"]:  # the second is not an act register's number
        ActRequest.objects.create(
            organisation=org, reference=reference, act_type=ActType.BIRTH, act_format=ActFormat.FULL,
            channel=ActChannel.POST, received_on=dt.date(2026, 3, 2), deadline_days=5, due_on=dt.date(2026, 3, 9),
        )  # fmt: skip
    RegisterCounter.objects.all().delete()  # as before the migration

    for app in ("correspondence", "civil_registry"):
        importlib.import_module(f"{app}.migrations.0005_register_counters").set_counters(apps, None)

    assert letter(org) == "2026-09851"
    assert letter(org, dt.date(2025, 6, 2)) == "2025-00413"
    assert act(org) == "EC-2026-00878"
    assert letter(other_org) == "2026-00001"
    assert WrittenRequest.objects.filter(organisation=org, reference="2026-02359").exists()


def test_a_number_an_imported_register_already_holds_takes_qp_in_front(org):
    """A reference the counter did not know (written before the counters existed)."""
    WrittenRequest.objects.create(
        organisation=org, reference="2026-00001", channel=Channel.LETTER, received_on=dt.date(2026, 1, 5),
        deadline_days=15, due_on=dt.date(2026, 1, 26),
    )  # fmt: skip
    assert [letter(org), letter(org)] == ["QP-2026-00001", "2026-00002"]


def test_after_an_imported_register_the_application_continues_its_numbers(org):
    town_file = (
        "Canal;Date de réception;Référence\r\n"
        "Courrier;05/01/2026;2026-00001\r\n"
        "Courrier;06/01/2026;2026-00002\r\n"
        "Courrier;07/01/2026;2026-00017\r\n"
        "Courrier;07/01/2026;COUR-0004\r\n"
    ).encode()
    report = import_requests(
        organisation=org, binary=io.BytesIO(town_file), filename="registre.csv", actor=None, all_or_nothing=False
    )
    acts_file = (
        "Type d'acte;Format;Canal;Date de réception;Référence\r\n"
        "naissance;copie intégrale;courrier;05/01/2026;EC-2026-00040\r\n"
    )
    import_acts(
        organisation=org, binary=io.BytesIO(acts_file.encode()), filename="actes.csv", actor=None, all_or_nothing=False
    )
    assert report.imported == 4
    assert [letter(org), act(org)] == ["2026-00018", "EC-2026-00041"]


def test_a_reference_is_the_prefix_the_year_and_the_number_on_five_digits_at_least():
    numbering = Numbering("acts", "EC-")
    assert [numbering.reference(2026, 42), numbering.reference(2026, 123456)] == ["EC-2026-00042", "EC-2026-123456"]
    assert numbering.highest_numbers(
        ["EC-2026-00042", "QP-EC-2026-00050", "EC-2025-00007", "2026-00099", "EC-26-1"]
    ) == {
        2026: 50,
        2025: 7,
    }
