"""The evidence pack of a closed year (evidence.building, evidence.actions): its layout, its
figures equal to the year's stored values, no personal data of citizens, the records behind each
figure written once, one build at a time, a later build replacing the earlier file."""

import csv
import datetime as dt
import io
import re
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.actions import record_manual_value
from commitments.closing import close_year, reopen_year
from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue, format_measure
from complaints.actions import register_complaint
from complaints.models import Channel as ComplaintChannel
from complaints.models import Kind
from core.models import AuditEvent, Role, Service
from core.periods import Period
from correspondence.actions import answer, register_request
from correspondence.models import Channel
from evidence.actions import run_build, start_build
from evidence.models import EvidencePack, PackStatus
from telephony.actions import create_line, tally_call
from telephony.models import CallOutcome

PARIS = ZoneInfo("Europe/Paris")
D = dt.date
PDF = b"%PDF-1.4\n% justificatif de test\n"
SECRETS = ["Jeanne Secrète", "jeanne.secrete@exemple.test", "Objet très confidentiel", "Paul Privé", "06 12 34 56 78"]


@pytest.fixture(autouse=True)
def february_2026(time_machine):
    time_machine.move_to(dt.datetime(2026, 2, 10, 10, 0, tzinfo=PARIS), tick=False)


@pytest.fixture
def manager(org, make_member):
    return make_member(org, Role.QUALITY_MANAGER, "qualite@ville-test.test")


@pytest.fixture
def year_2025(org, manager):
    """A town with a few records of 2025 holding personal data, a typed value with its evidence
    file, then 2025 closed."""
    load_framework(organisation=org, code="qualivilles", actor=None)
    letter = register_request(
        organisation=org,
        actor=manager,
        channel=Channel.LETTER,
        received_on=D(2025, 3, 3),
        subject="Objet très confidentiel",
        requester_name="Jeanne Secrète",
        requester_contact="jeanne.secrete@exemple.test",
    )
    answer(letter, actor=manager, seen_version=letter.version, on=D(2025, 3, 10))
    register_request(organisation=org, actor=manager, channel=Channel.EMAIL, received_on=D(2025, 6, 2))
    register_complaint(
        organisation=org,
        actor=manager,
        today=D(2025, 5, 5),
        kind=Kind.COMPLAINT,
        channel=ComplaintChannel.COUNTER,
        received_on=D(2025, 5, 5),
        subject="Objet très confidentiel",
        citizen_name="Paul Privé",
        citizen_phone="06 12 34 56 78",
    )
    service = Service.objects.get(organisation=org, code="accueil")
    line = create_line(organisation=org, actor=None, code="accueil", name="Accueil", service=service)
    for day, outcome in ((10, CallOutcome.ANSWERED), (11, CallOutcome.ABANDONED)):
        rang = dt.datetime(2025, 12, day, 9, 0, tzinfo=PARIS)
        tally_call(organisation=org, line=line, outcome=outcome, rings=2, now=rang, actor=None)
    typed = Indicator.objects.get(organisation=org, code="6.2")
    evidence = SimpleUploadedFile("horaires affichés.pdf", PDF, content_type="application/pdf")
    record_manual_value(indicator=typed, period=Period.parse("2025"), actor=manager, value=1, evidence=evidence)
    return close_year(organisation=org, year=2025, actor=manager)


def built(org, manager) -> tuple[EvidencePack, zipfile.ZipFile]:
    pack = run_build(start_build(organisation=org, year=2025, actor=manager))
    assert pack.status == PackStatus.DONE, pack.error
    with pack.file.open("rb") as stored:
        return pack, zipfile.ZipFile(io.BytesIO(stored.read()))


def csv_rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_pack_holds_each_commitments_folder_the_towns_folders_and_an_index_linking_every_file(
    org, manager, year_2025
):
    pack, archive = built(org, manager)
    names = archive.namelist()
    assert {"index.html", "index.pdf", "journal-2025.csv", "corrections-apres-cloture-2025.csv"} <= set(names)
    assert "plan-amelioration/actions-2025.csv" in names
    assert {f"engagement-{code}/indicateurs.csv" for code in ("1", "16", "17", "23")} <= set(names)
    assert "engagement-6/justificatifs/6.2-2025-horaires_affiches.pdf" in names
    assert archive.read("engagement-6/justificatifs/6.2-2025-horaires_affiches.pdf") == PDF
    index = archive.read("index.html").decode()
    links = set(re.findall(r'href="([^"#]+)"', index))
    assert set(names) - {"index.html", "index.pdf"} <= links
    assert links <= set(names)  # relative links, each to a file of the pack
    assert archive.read("index.pdf").startswith(b"%PDF-")
    assert pack.files == len(names) and pack.size == pack.file.size


def test_each_figure_of_the_index_is_the_stored_value_of_the_year(org, manager, year_2025):
    _pack, archive = built(org, manager)
    index = archive.read("index.html").decode()
    stored = IndicatorValue.objects.filter(
        organisation=org, period_start__year=2025, service=None, site=None
    ).select_related("indicator")
    assert stored.exists()
    for value in stored:
        indicator = value.indicator
        if value.granularity != indicator.granularity:
            continue
        row = re.search(
            rf'<tr data-indicateur="{re.escape(indicator.code)}" data-periode="{value.period.key}">(.*?)</tr>', index
        )
        assert row is not None, (indicator.code, value.period.key)
        assert f'<td class="num">{format_measure(value.value, indicator.unit)}</td>' in row[1]
    answered = Indicator.objects.get(organisation=org, code="17.1")
    year_cell = re.search(rf'data-valeur-annee="{re.escape(answered.code)}">([^<]*)<', index)
    assert year_cell is not None and year_cell[1] != "—"


def test_indicateurs_csv_gives_each_indicators_definition_target_year_and_periods(org, manager, year_2025):
    _pack, archive = built(org, manager)
    rows = csv_rows(archive, "engagement-6/indicateurs.csv")
    typed = [row for row in rows if row["Indicateur"] == "6.2"]
    assert typed[0]["Période"] == "Année 2025" and typed[0]["Verdict"] == "Atteint"
    assert typed[1]["Valeur affichée"] == "oui" and typed[1]["Source"] == "saisie"
    assert typed[1]["Justificatif"] == "justificatifs/6.2-2025-horaires_affiches.pdf"
    assert typed[0]["Cible"] and typed[0]["Définition"] and typed[0]["Mesure"].endswith("(manual.yes_no)")


def test_the_records_behind_a_figure_are_exported_without_personal_data_and_a_shared_file_is_written_once(
    org, manager, year_2025
):
    _pack, archive = built(org, manager)
    letters = [name for name in archive.namelist() if name.endswith("-demandes-ecrites.csv")]
    assert letters
    rows = csv_rows(archive, letters[0])
    assert {"Période", "Référence", "Date de réception"} <= set(rows[0])
    assert not {"Objet", "Demandeur", "Coordonnées"} & set(rows[0])
    calls = [name for name in archive.namelist() if name.endswith("-appels.csv")]
    assert len(calls) == 1  # every phone figure links to the one file of the year's calls
    assert len(csv_rows(archive, calls[0])) == 2
    for name in archive.namelist():
        if name.endswith((".csv", ".html")):
            text = archive.read(name).decode("utf-8-sig")
            assert not [secret for secret in SECRETS if secret in text], name


def test_a_year_not_closed_or_reopened_gets_no_pack_and_is_told_why_in_french(org, manager, year_2025):
    with pytest.raises(ValidationError, match="L'exercice 2024 n'est pas clôturé"):
        start_build(organisation=org, year=2024, actor=manager)
    reopen_year(organisation=org, year=2025, actor=manager, reason="Erreur d'import")
    with pytest.raises(ValidationError, match="L'exercice 2025 n'est pas clôturé"):
        start_build(organisation=org, year=2025, actor=manager)
    assert not EvidencePack.objects.exists()


def test_one_build_at_a_time_per_year_and_a_build_is_journaled(org, manager, year_2025):
    pack = start_build(organisation=org, year=2025, actor=manager)
    with pytest.raises(ValidationError, match="déjà en construction"):
        start_build(organisation=org, year=2025, actor=manager)
    event = AuditEvent.objects.get(object_type="evidence.evidencepack", object_id=str(pack.pk))
    assert (event.action, event.after, event.actor) == ("create", {"exercice": 2025}, manager)


def test_an_interrupted_build_no_longer_blocks_the_next(org, manager, year_2025, time_machine):
    stuck = start_build(organisation=org, year=2025, actor=manager)
    time_machine.move_to(dt.datetime(2026, 2, 10, 11, 0, tzinfo=PARIS), tick=False)
    start_build(organisation=org, year=2025, actor=manager)
    stuck.refresh_from_db()
    assert stuck.status == PackStatus.FAILED and "interrompue" in stuck.error


def test_a_later_build_replaces_the_earlier_file_and_keeps_its_row(
    org, manager, year_2025, django_capture_on_commit_callbacks
):
    first, _archive = built(org, manager)
    earlier_name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the row says so
        second, _archive = built(org, manager)
    first.refresh_from_db()
    assert (first.status, first.file.name) == (PackStatus.REPLACED, "")
    assert not second.file.storage.exists(earlier_name)
    assert EvidencePack.objects.filter(organisation=org, year=2025).count() == 2


def test_a_year_reopened_during_the_build_fails_it_and_keeps_the_earlier_pack(org, manager, year_2025, monkeypatch):
    first, _archive = built(org, manager)
    pack = start_build(organisation=org, year=2025, actor=manager)
    reopen_year(organisation=org, year=2025, actor=manager, reason="Erreur")
    run_build(pack)
    first.refresh_from_db()
    assert pack.status == PackStatus.FAILED and "rouvert pendant la construction" in pack.error
    assert first.status == PackStatus.DONE and first.file


def test_the_progress_counts_every_step_and_ends_on_the_index(org, manager, year_2025):
    pack, _archive = built(org, manager)
    assert pack.step == pack.steps and pack.steps > 23
    assert pack.progress_percent == 100


def test_the_journal_runs_from_january_to_the_closing_in_french_with_people_by_name(
    org, manager, year_2025, time_machine
):
    time_machine.move_to(dt.datetime(2026, 2, 11, 9, 0, tzinfo=PARIS), tick=False)
    register_request(organisation=org, actor=manager, channel=Channel.EMAIL, received_on=D(2026, 2, 11))
    _pack, archive = built(org, manager)
    rows = csv_rows(archive, "journal-2025.csv")
    closed = [row for row in rows if row["Action"] == "clôture de l'exercice (valeurs figées)"]
    assert closed and closed[0]["Personne"] == manager.full_name and closed[0]["Heure"] == "10:00:00"
    assert {"réponse", "relevé d'appel", "saisie"} <= {row["Action"] for row in rows}
    days = {dt.datetime.strptime(row["Date"], "%d/%m/%Y").date() for row in rows}
    assert max(days) == D(2026, 2, 10)  # the letter of the 11th, after the closing: not there


def test_a_correction_after_closing_is_listed_with_its_reason(org, manager, year_2025):
    from commitments.closing import set_closed_year_changes
    from core.closing import correction_reason
    from core.models import ClosedYearChanges
    from correspondence.actions import update_request
    from correspondence.models import WrittenRequest

    set_closed_year_changes(organisation=org, actor=manager, mode=ClosedYearChanges.CORRECTION)
    org.refresh_from_db()
    letter = WrittenRequest.objects.get(organisation=org, channel=Channel.EMAIL)
    with correction_reason("Canal mal saisi"):
        update_request(letter, actor=manager, seen_version=letter.version, channel=Channel.LETTER)
    _pack, archive = built(org, manager)
    (row,) = csv_rows(archive, "corrections-apres-cloture-2025.csv")
    assert (row["Motif"], row["Par"]) == ("Canal mal saisi", manager.full_name)
    assert "courrier" in row["Après"]


def test_the_pdf_index_links_to_the_files_relative_to_the_root_of_the_zip(org, manager, year_2025):
    import zlib

    _pack, archive = built(org, manager)
    pdf = archive.read("index.pdf")
    streams = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(stream))
        except zlib.error:
            continue
    links = {uri.decode() for data in streams for uri in re.findall(rb"/URI \(([^)]*)\)", data)}
    assert "engagement-16/indicateurs.csv" in links and "journal-2025.csv" in links
    assert not [link for link in links if ":" in link]  # no file:// nor any other absolute address
