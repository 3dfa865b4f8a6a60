"""A town with hand-counted figures for the steering committee's documents.

Stored values (whole town) of indicator 16.2 (answer rate, monthly, target ≥ 90 %): in 2025
every month 180 answered of 200 (90 %), except March 2025: 170 of 200 (85 %); in 2026 every
month 190 of 200 (95 %) from January to November. Year 2025: 2150 / 2400 = 89,58 %; 2026 so
far 2090 / 2200 = 95 %. Indicator 8.2 (median wait at the counter, ≤ 10 min, monthly): 8 min
each month of 2025, 12 min in October 2026.

Complaints on commitment 16 (telephone): in October 2026 three, two founded and one not; in
March 2025 one founded. One suggestion in October 2026. With `large`, many more records of
every kind outside the spans measured and values per service and site, which the documents
must read in as many queries."""

from __future__ import annotations

import datetime as dt

from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from complaints.models import Channel, Complaint, Justified, Kind
from core.models import Organisation, Role, Service, Site, User
from core.periods import add_months
from improvement.actions import open_action
from improvement.models import ActionStatus, ImprovementAction, Origin

CITIZEN = "Usager Confidentiel"


def _value(
    indicator: Indicator,
    month: dt.date,
    numerator: float | None,
    denominator: float | None,
    value: float,
    **scope: object,
) -> IndicatorValue:
    return IndicatorValue(
        organisation=indicator.organisation,
        indicator=indicator,
        granularity=indicator.granularity,
        period_start=month,
        numerator=numerator,
        denominator=denominator,
        value=value,
        sample_size=int(denominator or 0),
        **scope,
    )


def store_values(org: Organisation, *, large: bool = False) -> None:
    rate = Indicator.objects.get(organisation=org, code="16.2")
    wait = Indicator.objects.get(organisation=org, code="8.2")
    rows = []
    for index in range(12):
        month = dt.date(2025, index + 1, 1)
        answered = 170 if index == 2 else 180
        rows.append(_value(rate, month, answered, 200, answered / 2))
        rows.append(_value(wait, month, None, None, 8))
    for index in range(11):
        month = dt.date(2026, index + 1, 1)
        rows.append(_value(rate, month, 190, 200, 95))
    rows.append(_value(wait, dt.date(2026, 10, 1), None, None, 12))
    if large:
        service = Service.objects.filter(organisation=org).first()
        site = Site.objects.filter(organisation=org).first()
        for index in range(60):  # five years before, and per service and site
            month = add_months(dt.date(2020, 1, 1), index)
            rows.append(_value(rate, month, 150, 200, 75))
        for index in range(23):
            month = add_months(dt.date(2025, 1, 1), index)
            rows.append(_value(rate, month, 10, 20, 50, service=service))
            rows.append(_value(rate, month, 10, 20, 50, site=site))
    IndicatorValue.objects.bulk_create(rows)


def _complaint(
    org: Organisation, number: int, day: dt.date, *, justified: str, kind: str = Kind.COMPLAINT
) -> Complaint:
    return Complaint(
        organisation=org,
        tracking_number=f"R{day.year}-T{number:07d}",
        kind=kind,
        channel=Channel.PHONE,
        received_on=day,
        received_month=day.replace(day=1),
        commitment_code="16",
        commitment_label="Répondre au téléphone",
        subject="Attente au téléphone",
        citizen_name=CITIZEN,
        justified=justified,
    )


def store_complaints(org: Organisation, *, large: bool = False) -> None:
    rows = [
        _complaint(org, 1, dt.date(2026, 10, 5), justified=Justified.YES),
        _complaint(org, 2, dt.date(2026, 10, 6), justified=Justified.YES),
        _complaint(org, 3, dt.date(2026, 10, 7), justified=Justified.NO),
        _complaint(org, 4, dt.date(2026, 10, 8), justified=Justified.UNDETERMINED, kind=Kind.SUGGESTION),
        _complaint(org, 5, dt.date(2025, 3, 10), justified=Justified.YES),
    ]
    if large:
        rows += [
            _complaint(org, 100 + n, dt.date(2023, 1 + n % 12, 1 + n % 28), justified=Justified.NO) for n in range(300)
        ]
    Complaint.objects.bulk_create(rows)


def staff(org: Organisation) -> User:
    from core.models import Membership

    user = User.objects.create_user(f"pilote@{org.slug}.test", "x", full_name="Paule Pilote")
    Membership.objects.create(organisation=org, user=user, role=Role.QUALITY_MANAGER)
    return user


def store_actions(org: Organisation, owner: User, *, large: bool = False) -> dict[str, ImprovementAction]:
    """A late action (due 2026-09-30, still planned), one done on time in October 2026 and
    found effective (expected 92, measured 95 on 16.2), one done late in 2025."""
    rate = Indicator.objects.get(organisation=org, code="16.2")

    def action(title: str, due_on: dt.date, **changes: object) -> ImprovementAction:
        made = open_action(
            organisation=org, actor=None, origin=Origin.SUGGESTION, title=title, owner=owner, due_on=due_on
        )
        opened_at = dt.datetime.combine(due_on - dt.timedelta(days=30), dt.time(10), tzinfo=dt.UTC)
        ImprovementAction.objects.filter(pk=made.pk).update(created_at=opened_at, **changes)
        made.refresh_from_db()
        return made

    actions = {
        "late": action("Former les agents au nouveau standard", dt.date(2026, 9, 30), status=ActionStatus.PLANNED),
        "effective": action(
            "Renfort téléphonique du lundi",
            dt.date(2026, 10, 31),
            status=ActionStatus.EFFECTIVE,
            done_on=dt.date(2026, 10, 15),
            check_indicator=rate,
            expected_value=92,
            checked_on=dt.date(2026, 11, 20),
            checked_value=95,
        ),
        "old": action(
            "Affiche des horaires", dt.date(2025, 5, 31), status=ActionStatus.DONE, done_on=dt.date(2025, 6, 15)
        ),
    }
    if large:
        for number in range(40):
            action(
                f"Action ancienne {number}", dt.date(2022, 5, 1), status=ActionStatus.DONE, done_on=dt.date(2022, 4, 1)
            )
    return actions


def steering_town(org: Organisation, *, large: bool = False) -> dict[str, ImprovementAction]:
    load_framework(organisation=org, code="qualivilles")
    store_values(org, large=large)
    store_complaints(org, large=large)
    return store_actions(org, staff(org), large=large)
