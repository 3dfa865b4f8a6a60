"""One object of every kind in a town, keyed by the URL parameter names that point at them.

When a new view takes a new URL parameter, give it a sample: the access and accessibility
tests refuse to guess. Each operational app adds its own in `<app>/tests/samples.py`, a
module with `sample_values(organisation) -> dict` (objects it creates) and
`existing_values(organisation) -> dict` (ids of objects a demo town already has); both are
collected here."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.conf import settings

from commitments.actions import record_manual_value
from commitments.frameworks import load_framework
from commitments.models import Indicator
from core.kiosk import create_device
from core.models import (
    ClosureDay,
    KioskDevice,
    Membership,
    OpeningHours,
    Organisation,
    Role,
    Service,
    Site,
    User,
    YearClosing,
)
from core.periods import Period


def app_sample_modules() -> list[Any]:
    modules = []
    for app in settings.INSTALLED_APPS:
        try:
            modules.append(importlib.import_module(f"{app}.tests.samples"))
        except ModuleNotFoundError as error:
            if error.name not in (f"{app}.tests", f"{app}.tests.samples", app):
                raise
    return modules


def sample_values(organisation: Organisation) -> dict[str, Any]:
    values = core_sample_values(organisation)
    for module in app_sample_modules():
        values |= module.sample_values(organisation)
    return values


def existing_values(organisation: Organisation) -> dict[str, Any]:
    values = core_existing_values(organisation)
    for module in app_sample_modules():
        values |= module.existing_values(organisation)
    return values


def core_sample_values(organisation: Organisation) -> dict[str, Any]:
    site = Site.objects.filter(organisation=organisation).first() or Site.objects.create(
        organisation=organisation, name="Site témoin"
    )
    service = Service.objects.filter(organisation=organisation).first() or Service.objects.create(
        organisation=organisation, site=site, code="temoin", name="Service témoin"
    )
    slot = OpeningHours.objects.create(
        organisation=organisation, site=site, weekday=0, opens_at=dt.time(8, 30), closes_at=dt.time(12)
    )
    closure = ClosureDay.objects.create(organisation=organisation, date=dt.date(2026, 5, 15), label="Pont")
    member = User.objects.create_user(f"membre@{organisation.slug}.test", "x", full_name="Membre témoin")
    membership = Membership.objects.create(organisation=organisation, user=member, role=Role.AGENT)
    device, _code = create_device(
        organisation=organisation,
        actor=None,
        name="Tablette témoin",
        site=site,
        screens=["ticket", "enquete"],
        now=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
    )
    load_framework(organisation=organisation, code="qualivilles")
    indicator = Indicator.objects.get(organisation=organisation, code="6.2")  # typed: a yes or a no
    value = record_manual_value(indicator=indicator, period=Period.parse("2026"), actor=None, value=1)
    # a year the samples hold no record of, so that no other sample is refused by its closing
    closing = YearClosing.objects.create(
        organisation=organisation, year=2020, closed_at=dt.datetime(2021, 1, 15, 9, tzinfo=dt.UTC)
    )
    return {
        "commitment_id": indicator.commitment_id,
        "indicator_id": indicator.pk,
        "value_id": value.pk,
        "org_slug": organisation.slug,
        "site_id": site.pk,
        "service_id": service.pk,
        "slot_id": slot.pk,
        "closure_id": closure.pk,
        "membership_id": membership.pk,
        "kiosk_id": device.pk,
        "closing_id": closing.pk,
    }


def core_existing_values(organisation: Organisation) -> dict[str, Any]:
    """The ids of objects a town already has (the demo towns), keyed like `sample_values`."""
    from commitments.models import IndicatorValue

    def first_id(model: Any) -> int:
        return model.objects.filter(organisation=organisation).order_by("pk").values_list("pk", flat=True)[0]

    indicator = Indicator.objects.filter(organisation=organisation, values__isnull=False).order_by("pk").first()
    assert indicator is not None
    return {
        "org_slug": organisation.slug,
        "commitment_id": indicator.commitment_id,
        "indicator_id": indicator.pk,
        "value_id": first_id(IndicatorValue),
        "site_id": first_id(Site),
        "service_id": first_id(Service),
        "slot_id": first_id(OpeningHours),
        "closure_id": first_id(ClosureDay),
        "membership_id": first_id(Membership),
        "kiosk_id": first_id(KioskDevice),
        "closing_id": first_id(YearClosing),
    }
