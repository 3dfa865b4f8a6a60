"""A seeded demo: two towns with sites, services, hours, people of every role, the default
commitments and a year of manually entered values. The same seed always gives the same data."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from commitments.actions import record_manual_value
from commitments.frameworks import load_framework
from commitments.models import Indicator
from core.kiosk import create_device, pair_device
from core.localtime import aware_local
from core.models import (
    ROLES_WITH_END_DATE,
    ClosureDay,
    Membership,
    OpeningHours,
    Organisation,
    Role,
    Service,
    Site,
    User,
)
from core.periods import Granularity, Period
from core.registries import METRICS, create_town_defaults, records_changed
from demo.activity import activity_months, add_activity
from demo.appointments_data import add_appointments
from demo.audit_notes_data import add_audit_notes
from demo.audits_data import add_audits
from demo.closing_data import close_last_year
from demo.complaints_data import add_complaints
from demo.improvement_data import add_improvement, validate_demo_review
from demo.publication_data import publish_demo_results
from demo.registers_data import add_registers
from demo.surveys_data import add_surveys
from demo.training_data import add_training
from imports.models import ImportRun, ImportSource, ImportStatus
from reception.actions import after_tickets_written
from telephony.actions import refresh_calls
from telephony.importing import CALLS
from telephony.models import Call

DEMO_PASSWORD = "demo-qualite-2026"  # noqa: S105 -- published in the README, demo towns only
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    role: str


@dataclass(frozen=True)
class TownPlan:
    slug: str
    name: str
    zone: str
    color: str
    domain: str
    closures: tuple[tuple[dt.date, str], ...]
    city: str  # "45999 Beaulieu-sur-Loire": a made-up postcode in the town's department
    phone: str  # the first six digits of its phone numbers, in a range ARCEP keeps for fiction


TOWNS = (
    TownPlan(
        slug="ville-demo",
        name="Ville de Beaulieu-sur-Loire (démo)",
        zone="",
        color="#1f4e79",
        domain="ville-demo.example",
        closures=(
            (dt.date(2025, 5, 30), "Pont de l'Ascension"),
            (dt.date(2025, 12, 26), "Fermeture de fin d'année"),
            (dt.date(2026, 5, 15), "Pont de l'Ascension"),
            (dt.date(2026, 12, 24), "Veille de Noël"),
        ),
        city="45999 Beaulieu-sur-Loire",
        phone="02 61 91",
    ),
    TownPlan(
        slug="ville-demo-est",
        name="Ville de Saint-Avold-les-Prés (démo)",
        zone="57",
        color="#7a1f3d",
        domain="ville-demo-est.example",
        closures=((dt.date(2026, 5, 15), "Pont de l'Ascension"),),
        city="57999 Saint-Avold-les-Prés",
        phone="03 53 01",
    ),
)

FIRST_NAMES = ["Camille", "Nadia", "Julien", "Sophie", "Karim", "Élodie", "Thomas", "Inès", "Marc", "Léa"]
LAST_NAMES = ["Martin", "Bernard", "Moreau", "Lefèvre", "Garnier", "Roux", "Fontaine", "Chevalier", "Morel", "Girard"]


def people_of(town: TownPlan, rng: random.Random) -> list[Person]:
    """An administrator, a quality manager, 3 reception and 3 civil-registry agents, a director
    who reads, an AFNOR auditor, and a mystery tester from outside (named without a draw, so
    that the seeded draws of the demo stay as they were)."""
    names = rng.sample([f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES], 10)
    people = [
        Person(f"admin@{town.domain}", names[0], Role.ADMIN),
        Person(f"qualite@{town.domain}", names[1], Role.QUALITY_MANAGER),
        Person(f"direction@{town.domain}", names[2], Role.READER),
        Person(f"auditeur@{town.domain}", names[3], Role.AUDITOR),
        Person(f"testeur@{town.domain}", "Aurore Petit", Role.TESTER),
    ]
    for index, name in enumerate(names[4:]):
        prefix = "accueil" if index < 3 else "etat-civil"
        people.append(Person(f"{prefix}{index % 3 + 1}@{town.domain}", name, Role.AGENT))
    return people


def build_town(town: TownPlan, rng: random.Random, today: dt.date) -> Organisation:
    organisation = Organisation.objects.create(
        slug=town.slug,
        name=town.name,
        holiday_zone=town.zone,
        brand_color=town.color,
        contact_address=f"Hôtel de ville\n1 place de la Mairie\n{town.city}",
        contact_phone=f"{town.phone} 00 00",
        contact_email=f"mairie@{town.domain}",
        website=f"https://www.{town.domain}/",
        legal_host=f"Service informatique de la mairie, 1 place de la Mairie, {town.city}, {town.phone} 00 90",
    )
    town_hall = Site.objects.create(organisation=organisation, name="Hôtel de ville", address="1 place de la Mairie")
    annex = Site.objects.create(organisation=organisation, name="Mairie annexe des Prés", address="12 rue des Prés")
    add_services(organisation, town, town_hall, annex)
    civil = Service.objects.get(organisation=organisation, code="etat-civil")
    add_opening_hours(organisation, town_hall, annex, civil)
    for day, label in town.closures:
        ClosureDay.objects.create(organisation=organisation, date=day, label=label)
    for person in people_of(town, rng):
        user = User.objects.create_user(person.email, DEMO_PASSWORD, full_name=person.full_name)
        ends_on = today + dt.timedelta(days=90) if person.role in ROLES_WITH_END_DATE else None
        Membership.objects.create(organisation=organisation, user=user, role=person.role, ends_on=ends_on)
    return organisation


def add_services(organisation: Organisation, town: TownPlan, town_hall: Site, annex: Site) -> None:
    """The reception, the civil registry and the annex's reception, each with the contact its
    acknowledgements of receipt print (R112-5)."""
    for site, code, name, street, number in (
        (town_hall, "accueil", "Accueil", "1 place de la Mairie", "00 10"),
        (town_hall, "etat-civil", "État civil", "1 place de la Mairie", "00 20"),
        (annex, "accueil-annexe", "Accueil de l'annexe", "12 rue des Prés", "00 30"),
    ):
        Service.objects.create(
            organisation=organisation,
            site=site,
            code=code,
            name=name,
            postal_address=f"{street}\n{town.city}",
            email=f"{code}@{town.domain}",
            phone=f"{town.phone} {number}",
        )


def add_opening_hours(organisation: Organisation, town_hall: Site, annex: Site, civil: Service) -> None:
    """Weekdays 8:30–12:00 and 13:30–17:30 at the town hall, civil registry also on Saturday
    morning; the annex opens afternoons only."""
    slots = []
    for weekday in range(5):
        slots.append(OpeningHours(site=town_hall, weekday=weekday, opens_at=dt.time(8, 30), closes_at=dt.time(12)))
        slots.append(OpeningHours(site=town_hall, weekday=weekday, opens_at=dt.time(13, 30), closes_at=dt.time(17, 30)))
        slots.append(OpeningHours(site=annex, weekday=weekday, opens_at=dt.time(14), closes_at=dt.time(17)))
    for weekday in range(6):
        slots.append(
            OpeningHours(site=town_hall, service=civil, weekday=weekday, opens_at=dt.time(8, 30), closes_at=dt.time(12))
        )
    for weekday in range(5):
        slots.append(
            OpeningHours(
                site=town_hall, service=civil, weekday=weekday, opens_at=dt.time(13, 30), closes_at=dt.time(17, 30)
            )
        )
    for slot in slots:
        slot.organisation = organisation
    OpeningHours.objects.bulk_create(slots)


def demo_value(indicator: Indicator, rng: random.Random) -> tuple[float | None, float | None, float | None]:
    """A plausible (value, numerator, denominator) near the target, missing it now and then."""
    metric = METRICS.get(indicator.metric_key)
    target = float(indicator.target_value)
    miss = rng.random() < 0.15
    if metric.key == "manual.share":
        denominator = float(rng.randint(6, 14))
        numerator = denominator if not miss else denominator - rng.randint(1, 2)
        return None, numerator, denominator
    if metric.key == "manual.yes_no":
        return (0.0 if miss else 1.0), None, None
    if metric.key == "manual.count":
        return float(max(0, round(target + (-1 if miss else rng.randint(0, 2))))), None, None
    score = target - rng.uniform(3, 12) if miss else rng.uniform(min(target, 100), 100)
    return round(min(score, 100.0), 1), None, None


def periods_for(indicator: Indicator, today: dt.date) -> list[Period]:
    """The last twelve months, four quarters or one year before the current period."""
    granularity = Granularity(indicator.granularity)
    count = {Granularity.MONTH: 12, Granularity.QUARTER: 4, Granularity.YEAR: 1}[granularity]
    period = Period.containing(today, granularity).previous()
    periods = []
    for _ in range(count):
        periods.append(period)
        period = period.previous()
    return sorted(periods)


def enter_manual_values(organisation: Organisation, rng: random.Random, today: dt.date) -> int:
    manager = Membership.objects.get(organisation=organisation, role=Role.QUALITY_MANAGER).user
    entered = 0
    indicators = Indicator.objects.filter(organisation=organisation).select_related("commitment").order_by("pk")
    for indicator in indicators:
        if indicator.metric_key not in METRICS or not METRICS.get(indicator.metric_key).is_manual:
            continue
        for period in periods_for(indicator, today):
            value, numerator, denominator = demo_value(indicator, rng)
            record_manual_value(
                indicator=indicator,
                period=period,
                service=None,
                value=value,
                numerator=numerator,
                denominator=denominator,
                comment="Relevé de démonstration",
                evidence=None,
                actor=manager,
            )
            entered += 1
    return entered


def build_demo(*, seed: int = DEFAULT_SEED, today: dt.date) -> list[Organisation]:
    """The demo towns, then their improvement loop (demo.improvement_data) in a second
    transaction: it reads the indicator values that the first one's commit stored; last, last
    year's annual review validated and frozen as its PDF, last year closed (demo.closing_data),
    the auditor's notes on it (demo.audit_notes_data) and its results published."""
    towns = build_towns(seed=seed, today=today)
    for organisation in towns:
        add_improvement(organisation, today=today)
        validate_demo_review(organisation, today=today)
        close_last_year(organisation, today=today)
        add_audit_notes(organisation, today=today)
        publish_demo_results(organisation, today=today)
    return towns


@transaction.atomic
def build_towns(*, seed: int = DEFAULT_SEED, today: dt.date) -> list[Organisation]:
    rng = random.Random(seed)
    towns = []
    for plan in TOWNS:
        organisation = build_town(plan, rng, today)
        load_framework(organisation=organisation, code="qualivilles")
        enter_manual_values(organisation, rng, today)
        add_registers(organisation, rng=rng, today=today)
        add_complaints(organisation, rng=rng, today=today)
        add_surveys(organisation, rng=random.Random(f"surveys:{seed}:{plan.slug}"), today=today)
        add_training(organisation, today=today)
        add_appointments(organisation, rng=random.Random(f"appointments:{seed}:{plan.slug}"), today=today)
        add_audits(organisation, rng=random.Random(f"audits:{seed}:{plan.slug}"), today=today)
        add_activity(organisation, rng=rng, today=today)
        months = activity_months(today=today)
        after_tickets_written(organisation=organisation, months=months)
        refresh_calls(organisation=organisation, months=months)
        record_demo_import(organisation, today)
        recompute_demo_indicators(organisation, today, prefixes=("complaints", "training", "audits", "appointments"))
        # What every new town gets, in the transaction that creates it; last, so that the
        # demo's own visit reasons and rules stand in for the defaults where it has them.
        create_town_defaults(organisation=organisation, actor=None)
        add_kiosk(organisation, today)
        towns.append(organisation)
    return towns


def add_kiosk(organisation: Organisation, today: dt.date) -> None:
    """The town hall's tablet, paired yesterday morning for the ticket and the survey, through
    the product's own actions. Its token is thrown away: no browser holds it. To try the kiosk,
    pair a tablet (or a browser window) from the "Bornes" page (README)."""
    quality_manager = Membership.objects.get(organisation=organisation, role=Role.QUALITY_MANAGER).user
    town_hall = Site.objects.get(organisation=organisation, name="Hôtel de ville")
    yesterday = today - dt.timedelta(days=1)
    morning = aware_local(dt.datetime.combine(yesterday, dt.time(8, 15)), organisation.time_zone)
    _device, code = create_device(
        organisation=organisation,
        actor=quality_manager,
        name="Tablette du hall",
        site=town_hall,
        screens=["ticket", "enquete"],
        now=morning,
    )
    pair_device(organisation=organisation, code=code, now=morning + dt.timedelta(minutes=5))


def record_demo_import(organisation: Organisation, today: dt.date) -> None:
    """The demo's calls stand for the telephone exchange's log: say so in the import history."""
    source = ImportSource.objects.get(organisation=organisation, kind=CALLS, name="standard")
    calls = Call.objects.filter(organisation=organisation, source=source).count()
    # This morning's import at 07:00, or a moment ago when the demo is built before seven.
    finished = min(timezone.make_aware(dt.datetime.combine(today, dt.time(7, 0))), timezone.now())
    ImportRun.objects.create(
        organisation=organisation,
        source=source,
        filename="Master.csv",
        status=ImportStatus.DONE,
        started_at=finished - dt.timedelta(minutes=2),
        finished_at=finished,
        rows_read=calls,
        imported=calls,
    )


def recompute_demo_indicators(organisation: Organisation, today: dt.date, *, prefixes: tuple[str, ...]) -> None:
    """Store the indicator values of every month of the demo, as the apps do after a change."""
    months = {period.start for period in Period(dt.date(today.year - 2, 1, 1), Granularity.YEAR).months()}
    months |= {period.start for period in Period(dt.date(today.year - 1, 1, 1), Granularity.YEAR).months()}
    months |= {period.start for period in Period(dt.date(today.year, 1, 1), Granularity.YEAR).months()}
    months = {month for month in months if month <= today}
    for prefix in prefixes:
        records_changed(organisation=organisation, metric_prefix=prefix, months=months)


def demo_accounts() -> list[tuple[str, str, str]]:
    """(town, e-mail, role) of every demo account, for the README and `make run`."""
    rows: list[tuple[str, str, str]] = []
    for plan in TOWNS:
        memberships = Membership.objects.filter(organisation__slug=plan.slug).select_related("user", "organisation")
        rows.extend((m.organisation.slug, m.user.email, m.get_role_display()) for m in memberships)
    return rows
