"""Issue 9, item 6: indicator parameters are settings. Each metric declares its parameters; the
quality manager changes them on the indicator page (audited, the values recomputed, GET never
writes), and deadline indicators follow the town's deadline settings (21.1 measured 2 days
whatever the town's acknowledgement deadline)."""

import datetime as dt
from importlib import import_module
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse

from commitments.actions import recompute_all_services, update_indicator
from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from complaints import actions as complaint_actions
from complaints.metrics import acknowledged_on_time
from complaints.models import Channel, Kind
from core.metrics import MetricQuery
from core.models import AuditEvent, Role, Service, Site
from core.periods import Period
from core.registries import METRICS
from reception.actions import apply_transition, issue_ticket

PARIS = ZoneInfo("Europe/Paris")
MARCH = Period.parse("2026-03")

pytestmark = pytest.mark.django_db


def indicator(org, code: str) -> Indicator:
    return Indicator.objects.get(organisation=org, commitment__framework__code="qualivilles", code=code)


def edit_url(org, item: Indicator) -> str:
    return reverse("commitments:indicator_edit", args=[org.slug, item.pk])


def form_of(item: Indicator, **changes) -> dict:
    return {
        "label": item.label,
        "comparator": item.comparator,
        "target_value": str(item.target_value),
        "granularity": item.granularity,
        "is_active": "on",
        **changes,
    }


@pytest.fixture
def qualivilles(org):
    return load_framework(organisation=org, code="qualivilles")


@pytest.fixture
def waits_of_march(org):
    """Three tickets of 3 March called after 10, 17 and 25 minutes."""
    site = Site.objects.get(organisation=org)
    for minutes in (10, 17, 25):
        issued = dt.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS)
        ticket = issue_ticket(organisation=org, site=site, reason=None, now=issued, actor=None)
        apply_transition(ticket=ticket, transition="call", now=issued + dt.timedelta(minutes=minutes), actor=None)


def test_metrics_declare_their_parameters_with_label_default_unit_and_bounds():
    minutes = METRICS.get("reception.called_within").params
    assert [(p.name, p.label, p.default, p.unit, p.minimum, p.maximum) for p in minutes] == [
        ("minutes", "Attente maximale", 15, "minutes", 1, 240)
    ]
    (rings,) = METRICS.get("telephony.answered_within_rings").params
    assert (rings.name, rings.default, rings.unit) == ("rings", 5, "sonneries")
    assert METRICS.get("reception.wait_median").params == ()


def test_the_commitment_page_and_the_indicator_page_show_the_parameters(org, qualivilles, manager_client):
    item = indicator(org, "8.1")
    page = manager_client.get(reverse("commitments:commitment_detail", args=[org.slug, item.commitment_id]))
    assert "Attente maximale : 15 minutes" in page.content.decode()
    form = manager_client.get(edit_url(org, item)).content.decode()
    assert 'name="param_minutes"' in form and 'value="15"' in form


@pytest.mark.time_machine(dt.datetime(2026, 4, 15, 10, tzinfo=dt.UTC))
def test_a_manager_changes_the_threshold_and_the_stored_values_follow(org, qualivilles, manager_client, waits_of_march):
    item = indicator(org, "8.1")
    recompute_all_services(indicator=item, period=MARCH)
    stored = IndicatorValue.objects.get(indicator=item, period_start=MARCH.start, service=None)
    assert (stored.numerator, stored.denominator) == (1, 3)  # only the 10-minute wait is within 15

    response = manager_client.post(edit_url(org, item), form_of(item, param_minutes="20"))

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.params == {"minutes": 20}
    assert item.label == "Tickets appelés en 20 minutes au plus"  # the label no longer states 15
    stored.refresh_from_db()
    assert (stored.numerator, stored.denominator) == (2, 3)
    change = AuditEvent.objects.get(object_type="commitments.indicator", action="update")
    assert change.before is not None and change.after is not None
    assert change.before["params"] == "Attente maximale : 15 minutes"
    assert change.after["params"] == "Attente maximale : 20 minutes"
    assert AuditEvent.objects.filter(object_type="commitments.indicatorvalue", action="compute").exists()
    history = manager_client.get(reverse("commitments:commitment_detail", args=[org.slug, item.commitment_id]))
    assert "Attente maximale : 20 minutes" in history.content.decode()


@pytest.mark.parametrize("value", ["0", "500"])
def test_a_parameter_out_of_its_bounds_is_refused_in_french_and_writes_nothing(org, qualivilles, manager_client, value):
    item = indicator(org, "16.1")
    response = manager_client.post(edit_url(org, item), form_of(item, param_rings=value))
    assert response.status_code == 200
    assert "Sonneries au plus : choisissez un nombre entre 1 et 30 sonneries." in response.content.decode()
    item.refresh_from_db()
    assert item.params == {"rings": 5}
    assert not AuditEvent.objects.filter(object_type="commitments.indicator", action="update").exists()


def test_a_reader_cannot_change_a_parameter(org, qualivilles, client_as):
    item = indicator(org, "8.1")
    response = client_as(org, Role.READER).post(edit_url(org, item), form_of(item, param_minutes="20"))
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.params == {"minutes": 15}


def test_a_parameter_the_metric_does_not_declare_is_refused(org, qualivilles):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="pas de paramètre"):
        update_indicator(indicator=indicator(org, "8.2"), actor=None, params={"minutes": 20})


# --- Deadlines follow the town's settings --------------------------------------------------


def _acknowledged_complaint(org, received: dt.date, acknowledged: dt.date):
    complaint = complaint_actions.register_complaint(
        organisation=org,
        actor=None,
        kind=Kind.COMPLAINT,
        channel=Channel.EMAIL,
        received_on=received,
        subject="Accueil",
        description="Attente trop longue.",
        today=acknowledged,
    )
    complaint_actions.acknowledge(
        complaint=complaint, actor=None, seen_version=complaint.version, on=acknowledged, today=acknowledged
    )
    return complaint


def test_21_1_follows_the_towns_acknowledgement_deadline(org, qualivilles):
    complaint_actions.update_settings(organisation=org, actor=None, acknowledge_days=3)
    # Received Friday 3 July 2026, acknowledged Wednesday 8 July: the 3rd working day.
    _acknowledged_complaint(org, dt.date(2026, 7, 3), dt.date(2026, 7, 8))
    item = indicator(org, "21.1")
    july = Period.parse("2026-07")
    measure = acknowledged_on_time(MetricQuery(org, july, params=dict(item.params)), today=dt.date(2026, 8, 15))
    assert measure is not None and (measure.numerator, measure.denominator) == (1, 1)
    assert "2 jours" not in item.label


def test_the_migration_makes_complaint_deadline_indicators_follow_the_town(org, qualivilles):
    migration = import_module("commitments.migrations.0003_deadline_params_follow_the_town")
    item = indicator(org, "21.1")
    Indicator.objects.filter(pk=item.pk).update(
        params={"days": 2}, label="Réclamations dont la réception est accusée en 2 jours ouvrés"
    )
    answered = indicator(org, "21.2")
    Indicator.objects.filter(pk=answered.pk).update(params={"days": 10, "letter_days": 15, "channel": "email"})

    migration.follow_the_town(apps, SimpleNamespace(connection=None))

    item.refresh_from_db()
    answered.refresh_from_db()
    assert item.params == {}
    assert item.label == "Réclamations dont la réception est accusée dans le délai de la ville"
    assert answered.params == {"channel": "email"}


def test_getting_the_indicator_page_writes_nothing(org, qualivilles, manager_client):
    item = indicator(org, "8.1")
    before = AuditEvent.objects.count(), IndicatorValue.objects.count()
    manager_client.get(edit_url(org, item))
    assert (AuditEvent.objects.count(), IndicatorValue.objects.count()) == before
    assert Service.objects.filter(organisation=org).exists()
