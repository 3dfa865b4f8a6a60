"""Fixtures of the phone tests: a town with opening hours, two lines, an Asterisk source, and
helpers that write real Master.csv files."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from core.models import OpeningHours, Service, Site
from imports import ImportResult, import_file
from imports.models import ImportSource
from telephony.actions import create_line
from telephony.importing import CALLS
from telephony.models import PhoneLine

STANDARD = "0130000001"  # the town hall's main number → line "standard" (reception)
CIVIL = "0130000002"  # the civil registry's number → service "etat-civil" (no line)


def cdr(
    start: str,
    answer: str = "",
    end: str = "",
    *,
    disposition: str = "ANSWERED",
    duration: int = 0,
    billsec: int = 0,
    dst: str = STANDARD,
    src: str = "0612345678",
    lastapp: str = "Dial",
    uniqueid: str | None = "1772438400.1",
    dstchannel: str = "SIP/201-00000002",
    linkedid: str | None = None,
) -> str:
    """One line of Asterisk's Master.csv, quoted as cdr_csv writes it; with `linkedid`, the
    21 columns of `newcdrcolumns = yes`."""
    fields = [
        '""', f'"{src}"', f'"{dst}"', '"from-trunk"', f'"""Appelant"" <{src}>"', '"SIP/trunk-00000001"',
        f'"{dstchannel}"', f'"{lastapp}"', '"SIP/201,30,tr"', f'"{start}"', f'"{answer}"', f'"{end}"',
        str(duration), str(billsec), f'"{disposition}"', '"DOCUMENTATION"',
    ]  # fmt: skip
    if uniqueid is not None:
        fields += [f'"{uniqueid}"', '""']
    if linkedid is not None:
        fields += ['""', f'"{linkedid}"', '"1"']
    return ",".join(fields)


@pytest.fixture
def site(org):
    return Site.objects.get(organisation=org)


@pytest.fixture
def accueil(org):
    return Service.objects.get(organisation=org, code="accueil")


@pytest.fixture
def etat_civil(org):
    return Service.objects.get(organisation=org, code="etat-civil")


@pytest.fixture
def hours(org, site):
    """Monday to Friday, 08:30–12:00 and 13:30–17:30, for every service of the site."""
    for weekday in range(5):
        for opens, closes in ((dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))):
            OpeningHours.objects.create(organisation=org, site=site, weekday=weekday, opens_at=opens, closes_at=closes)


@pytest.fixture
def standard(org, accueil) -> PhoneLine:
    return create_line(organisation=org, actor=None, code="standard", name="Standard", service=accueil)


@pytest.fixture
def asterisk(org, hours, standard, etat_civil) -> ImportSource:
    return ImportSource.objects.create(
        organisation=org,
        kind=CALLS,
        name="asterisk",
        label="Standard Asterisk",
        file_format="asterisk_cdr",
        line_field="dst",
        line_map={STANDARD: "standard", CIVIL: "etat-civil"},
    )


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def write_file(name: str, lines: list[str], encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return path

    return write_file


@pytest.fixture
def run_import() -> Callable[..., ImportResult]:
    def run(source: ImportSource, path: Path, **options) -> ImportResult:
        return import_file(source=source, path=path, **options)

    return run
