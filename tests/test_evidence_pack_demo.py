"""The demo towns' evidence pack (issue 15, points 2 and 6): the pack of the closed year builds;
each figure of its index is the year's stored value as the commitment page shows it; no personal
data of the demo's citizens anywhere in it, CSV, HTML or PDF text (pdftotext). The demo, last
year closed, is built once for this module and test_demo (tests/shared_demo.py); both packs are
built once for the module, in a savepoint rolled back."""

import io
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.db import connection, transaction

from appointments.models import Appointment
from commitments.models import Indicator, IndicatorValue, format_measure
from complaints.models import Complaint
from core.models import Membership, Role
from correspondence.models import WrittenRequest
from evidence.actions import run_build, start_build
from evidence.models import PackStatus
from surveys.models import Comment
from tests.shared_demo import TODAY

TEXT_SUFFIXES = (".csv", ".html")
SHORTEST_SECRET = 6  # a shorter string (a phone's area code) would match anything


@pytest.fixture(scope="module")
def packs(shared_demo, django_db_blocker):
    """The demo towns as `load_demo` builds them, last year closed by their quality manager
    (tests/shared_demo.py: built once for this module and test_demo's), then the pack of that
    year built for each, as the quality manager's click builds it, in a savepoint rolled back
    after the module."""
    towns, _, _ = shared_demo.towns()
    with django_db_blocker.unblock(), transaction.atomic():
        built = {}
        for town in towns.values():
            manager = Membership.objects.get(organisation=town, role=Role.QUALITY_MANAGER).user
            pack = run_build(start_build(organisation=town, year=TODAY.year - 1, actor=manager))
            with pack.file.open("rb") as stored:
                built[town.slug] = (town, pack, zipfile.ZipFile(io.BytesIO(stored.read())))
        connection.check_constraints()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db(db):
    """Every test here reads the database."""


def pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        return subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, text=True, check=True).stdout


def secrets_of(town) -> set[str]:
    """What the demo stores of its citizens: names, e-mail and postal addresses, phones, complaint texts,
    survey comments as written unless published so. (The demo's letters name no one, and their subjects are the
    town's topics, the same words as its counter's visit reasons: not searched.)"""
    found: set[str] = set()
    for row in Complaint.objects.filter(organisation=town).values_list(
        "citizen_name", "citizen_email", "citizen_phone", "subject", "description", "answer"
    ):
        found.update(row)
    for address in Complaint.objects.filter(organisation=town).values_list("citizen_address", flat=True):
        found.update(address.splitlines()[:1])  # the street (the town's own name follows the postcode)
    for row in Appointment.objects.filter(organisation=town).values_list(
        "citizen_name", "citizen_email", "citizen_phone"
    ):
        found.update(row)
    for row in WrittenRequest.objects.filter(organisation=town).values_list("requester_name", "requester_contact"):
        found.update(row)
    comments = Comment.objects.filter(organisation=town)
    published = set(comments.values_list("published_text", flat=True))  # the town publishes these
    found.update(set(comments.values_list("text", flat=True)) - published)
    return {text.strip() for text in found if text and len(text.strip()) >= SHORTEST_SECRET}


def test_the_pack_of_each_demo_towns_closed_year_builds(packs):
    for town, pack, archive in packs.values():
        assert pack.status == PackStatus.DONE and pack.year == TODAY.year - 1
        names = archive.namelist()
        assert {"index.html", "index.pdf", f"journal-{pack.year}.csv"} <= set(names)
        assert any(name.startswith("enquetes/") for name in names), town.slug
        assert any(name.startswith("comites/") for name in names), town.slug
        assert any(name.startswith("controles/") for name in names), town.slug
        assert any(name.startswith("bilan-annuel/") for name in names), town.slug
        assert [name for name in names if name.endswith("-appels.csv")], town.slug
        assert len(names) == len(set(names)) == pack.files


def test_each_figure_of_the_index_is_the_years_stored_value_as_its_commitment_page_shows_it(packs):
    for town, pack, archive in packs.values():
        index = archive.read("index.html").decode()
        values = IndicatorValue.objects.filter(
            organisation=town, period_start__year=pack.year, service=None, site=None
        ).select_related("indicator")
        checked = 0
        for value in values:
            indicator = value.indicator
            if value.granularity != indicator.granularity:
                continue
            row = re.search(
                rf'<tr data-indicateur="{re.escape(indicator.code)}" data-periode="{value.period.key}">(.*?)</tr>',
                index,
            )
            assert row is not None, (town.slug, indicator.code, value.period.key)
            assert f'<td class="num">{format_measure(value.value, indicator.unit)}</td>' in row[1]
            checked += 1
        assert checked > 100
        followed = Indicator.objects.filter(organisation=town, is_active=True, commitment__is_active=True)
        assert all(f'data-valeur-annee="{indicator.code}"' in index for indicator in followed)


def test_no_personal_data_of_the_demos_citizens_is_anywhere_in_the_pack(packs):
    for town, _pack, archive in packs.values():
        secrets = secrets_of(town)
        assert len(secrets) > 50
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(TEXT_SUFFIXES):
                text = data.decode("utf-8-sig")
            elif name.endswith(".pdf"):
                text = pdf_text(data)
            else:
                continue
            leaked = sorted(secret for secret in secrets if secret in text)
            assert leaked == [], f"{town.slug} {name}: {leaked[:5]}"
