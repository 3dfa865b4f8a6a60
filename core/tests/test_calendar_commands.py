import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import ClosureDay

pytestmark = pytest.mark.django_db

LINE = re.compile(r"^\d{4}-\d{2}-\d{2}  (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)  \S.*$")


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


def test_due_date_prints_the_iso_date_then_a_french_sentence(org):
    lines = run("due_date", "--org", org.slug, "--from", "2026-07-10", "--days", "15")
    assert lines == [
        "2026-08-03",
        "Échéance : lundi 3 août 2026 (15 jours ouvrés après le vendredi 10 juillet 2026)",
    ]


def test_due_date_counts_business_days_with_the_business_flag(org):
    lines = run("due_date", "--org", org.slug, "--from", "2026-07-10", "--days", "1", "--business")
    assert lines == [
        "2026-07-11",
        "Échéance : samedi 11 juillet 2026 (1 jour ouvrable après le vendredi 10 juillet 2026)",
    ]


def test_due_date_follows_the_zone_of_the_town(org, other_org):
    assert run("due_date", "--org", org.slug, "--from", "2025-12-24", "--days", "1")[0] == "2025-12-26"
    assert run("due_date", "--org", other_org.slug, "--from", "2025-12-24", "--days", "1")[0] == "2025-12-29"


def test_due_date_is_pushed_by_a_closure_day_of_the_town_only(org, other_org):
    ClosureDay.objects.create(organisation=org, date=dt.date(2026, 7, 31), label="Fermeture estivale")
    assert run("due_date", "--org", org.slug, "--from", "2026-07-10", "--days", "15")[0] == "2026-08-04"
    assert run("due_date", "--org", other_org.slug, "--from", "2026-07-10", "--days", "15")[0] == "2026-08-03"


def test_due_date_accepts_keyword_arguments_from_python(org):
    out = StringIO()
    call_command("due_date", org=org.slug, start="2026-04-30", days=10, stdout=out)
    assert out.getvalue().splitlines()[0] == "2026-05-19"


@pytest.mark.parametrize(
    ("slug", "start", "days", "message"),
    [
        ("inconnue", "2026-07-10", "15", "Organisation « inconnue » introuvable"),
        (None, "10/07/2026", "15", "Date « 10/07/2026 » invalide"),
        (None, "2026-02-30", "15", "Date « 2026-02-30 » invalide"),
        (None, "2026-07-10", "-1", "positif ou nul"),
        (None, "2026-07-10", "quinze", "Nombre de jours « quinze » invalide"),
        (None, "2026-07-10", "100000", "ne peut dépasser"),
        (None, "9999-12-30", "5", "après l'an 9999"),
    ],
)
def test_due_date_refuses_bad_input_in_french(org, slug, start, days, message):
    with pytest.raises(CommandError, match=message):
        run("due_date", "--org", slug or org.slug, "--from", start, "--days", days)


def test_holidays_lists_the_eleven_metropolitan_holidays_of_2026(org):
    lines = run("holidays", "--org", org.slug, "--year", "2026")
    assert len(lines) == 11
    assert all(LINE.match(line) for line in lines)
    assert lines[0] == "2026-01-01  jeudi  Jour de l'an"
    assert "2026-08-15  samedi  Assomption" in lines


def test_holidays_of_a_moselle_town_include_good_friday_and_26_december(other_org):
    lines = run("holidays", "--org", other_org.slug, "--year", "2026")
    assert len(lines) == 13
    assert "2026-04-03  vendredi  Vendredi saint" in lines
    assert "2026-12-26  samedi  Saint-Étienne" in lines


def test_holidays_include_the_closure_days_of_the_town_in_date_order(org):
    ClosureDay.objects.create(organisation=org, date=dt.date(2026, 5, 15), label="Pont de l'Ascension")
    ClosureDay.objects.create(organisation=org, date=dt.date(2027, 1, 2), label="Inventaire")
    lines = run("holidays", "--org", org.slug, "--year", "2026")
    assert len(lines) == 12
    assert lines[5] == "2026-05-15  vendredi  Pont de l'Ascension"
    assert lines == sorted(lines)


@pytest.mark.parametrize(
    ("slug", "year", "message"),
    [
        ("inconnue", "2026", "Organisation « inconnue » introuvable"),
        (None, "26a", "Année « 26a » invalide"),
        (None, "12026", "hors de la plage"),
    ],
)
def test_holidays_refuses_bad_input_in_french(org, slug, year, message):
    with pytest.raises(CommandError, match=message):
        run("holidays", "--org", slug or org.slug, "--year", year)
