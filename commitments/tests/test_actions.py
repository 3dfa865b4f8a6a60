from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.actions import (
    delete_value,
    recompute_all_services,
    recompute_indicator,
    record_manual_value,
    update_commitment,
    update_indicator,
)
from commitments.models import Commitment, Indicator, IndicatorValue, Status, ValueSource
from core.metrics import Measure, Metric
from core.models import AuditEvent, Role, Service
from core.periods import Period
from core.registries import METRICS

pytestmark = pytest.mark.django_db

MARCH = Period.parse("2026-03")
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def manager(org, make_member):
    return make_member(org, Role.QUALITY_MANAGER)


def events_of(instance, action=None):
    events = AuditEvent.objects.filter(object_type=instance._meta.label_lower, object_id=str(instance.pk))
    return events.filter(action=action) if action else events


def test_a_share_is_stored_with_its_counts_and_100_times_their_ratio(share_indicator, manager):
    value = record_manual_value(indicator=share_indicator, period=MARCH, actor=manager, numerator=9, denominator=12)
    assert (value.numerator, value.denominator, value.value, value.sample_size) == (9, 12, 75.0, 12)
    assert value.source == ValueSource.MANUAL
    assert value.entered_by == manager


def test_entering_the_same_period_and_service_again_replaces_the_value(share_indicator, manager):
    first = record_manual_value(indicator=share_indicator, period=MARCH, actor=manager, numerator=9, denominator=12)
    second = record_manual_value(indicator=share_indicator, period=MARCH, actor=manager, numerator=12, denominator=12)
    assert first.pk == second.pk
    assert IndicatorValue.objects.filter(indicator=share_indicator).count() == 1
    assert share_indicator.status_for(IndicatorValue.objects.get().value) == Status.MET


def test_a_service_value_and_the_all_services_value_are_kept_apart(share_indicator, manager, org):
    service = Service.objects.get(organisation=org, code="accueil")
    record_manual_value(indicator=share_indicator, period=MARCH, actor=manager, numerator=1, denominator=2)
    record_manual_value(
        indicator=share_indicator, period=MARCH, actor=manager, service=service, numerator=2, denominator=2
    )
    assert IndicatorValue.objects.filter(indicator=share_indicator).count() == 2


def test_an_entry_and_a_correction_are_both_in_the_audit_trail_with_before_and_after(share_indicator, manager):
    value = record_manual_value(indicator=share_indicator, period=MARCH, actor=manager, numerator=9, denominator=12)
    record_manual_value(indicator=share_indicator, period=MARCH, actor=manager, numerator=12, denominator=12)
    assert events_of(value, "enter").get().after["value"] == 75.0
    correction = events_of(value, "update").get()
    assert (correction.before["value"], correction.after["value"]) == (75.0, 100.0)
    assert correction.actor == manager


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        (None, 10, "Saisissez le numérateur"),
        (3, None, "Saisissez le dénominateur"),
        (3, 0, "Le dénominateur doit être supérieur à zéro"),
        (11, 10, "Le numérateur doit être compris entre zéro et le dénominateur"),
    ],
)
def test_a_share_with_bad_counts_is_refused_in_french_and_nothing_is_written(
    share_indicator, manager, numerator, denominator, message
):
    with pytest.raises(ValidationError, match=message):
        record_manual_value(
            indicator=share_indicator, period=MARCH, actor=manager, numerator=numerator, denominator=denominator
        )
    assert not IndicatorValue.objects.exists()


def test_a_score_above_100_is_refused(score_indicator, manager):
    with pytest.raises(ValidationError, match="Un score est compris entre 0 et 100"):
        record_manual_value(indicator=score_indicator, period=Period.parse("2026-Q1"), actor=manager, value=120)


def test_a_period_of_another_granularity_is_refused(score_indicator, manager):
    with pytest.raises(ValidationError, match="se mesure par trimestre"):
        record_manual_value(indicator=score_indicator, period=MARCH, actor=manager, value=95)


def test_a_planned_computed_indicator_takes_no_manual_value(planned_indicator, manager):
    with pytest.raises(ValidationError, match="Mesure automatique prévue"):
        record_manual_value(indicator=planned_indicator, period=MARCH, actor=manager, value=95)
    assert not IndicatorValue.objects.exists()


def test_a_service_of_another_town_is_refused(share_indicator, manager, other_org):
    foreign = Service.objects.get(organisation=other_org)
    with pytest.raises(ValidationError, match="services concernés"):
        record_manual_value(
            indicator=share_indicator, period=MARCH, actor=manager, service=foreign, numerator=1, denominator=1
        )


def test_evidence_is_stored_under_a_random_name_and_offered_under_the_senders_name(share_indicator, manager):
    upload = SimpleUploadedFile("contrôle mars.pdf", PDF, content_type="application/pdf")
    value = record_manual_value(
        indicator=share_indicator, period=MARCH, actor=manager, numerator=1, denominator=1, evidence=upload
    )
    assert value.evidence_name == "contrôle_mars.pdf"
    assert "contr" not in value.evidence.name
    assert value.evidence.name.startswith(f"evidence/{share_indicator.organisation_id}/")
    assert value.evidence.read() == PDF


def test_evidence_that_is_not_really_a_pdf_is_refused(share_indicator, manager):
    upload = SimpleUploadedFile("faux.pdf", b"just some text", content_type="application/pdf")
    with pytest.raises(ValidationError, match="PDF, PNG ou JPEG"):
        record_manual_value(
            indicator=share_indicator, period=MARCH, actor=manager, numerator=1, denominator=1, evidence=upload
        )
    assert not IndicatorValue.objects.exists()


def test_deleting_a_value_is_audited_with_what_was_deleted(share_indicator, manager):
    value = record_manual_value(indicator=share_indicator, period=MARCH, actor=manager, numerator=9, denominator=12)
    delete_value(value=IndicatorValue.objects.get(pk=value.pk), actor=manager)
    assert not IndicatorValue.objects.exists()
    assert events_of(value, "delete").get().before["value"] == 75.0


def test_a_commitment_update_records_only_what_changed(qualivilles, org, manager):
    commitment = Commitment.objects.get(organisation=org, code="9")
    update_commitment(commitment=commitment, actor=manager, title="Respecter les rendez-vous pris", is_active=True)
    event = events_of(commitment, "update").get()
    assert event.before == {"title": "Respecter les rendez-vous"}
    assert event.after == {"title": "Respecter les rendez-vous pris"}


def test_saving_a_commitment_unchanged_writes_no_event(qualivilles, org, manager):
    commitment = Commitment.objects.get(organisation=org, code="9")
    update_commitment(commitment=commitment, actor=manager, title=commitment.title)
    assert not events_of(commitment, "update").exists()


def test_an_empty_commitment_title_is_refused(qualivilles, org, manager):
    commitment = Commitment.objects.get(organisation=org, code="9")
    with pytest.raises(ValidationError, match="Le libellé de l'engagement est obligatoire"):
        update_commitment(commitment=commitment, actor=manager, title="  ")


def test_an_indicator_update_changes_target_and_services_and_is_audited(share_indicator, manager, org):
    service = Service.objects.get(organisation=org, code="accueil")
    update_indicator(
        indicator=share_indicator, actor=manager, target_value=Decimal("95"), comparator=">=", services=[service]
    )
    share_indicator.refresh_from_db()
    assert share_indicator.target_value == 95
    assert list(share_indicator.services.all()) == [service]
    event = events_of(share_indicator, "update").get()
    assert event.before == {"target_value": "100.00", "services": []}
    assert event.after == {"target_value": "95", "services": [service.pk]}


def test_a_percentage_target_above_100_is_refused(share_indicator, manager):
    with pytest.raises(ValidationError, match="entre 0 et 100"):
        update_indicator(indicator=share_indicator, actor=manager, target_value=Decimal("120"))
    share_indicator.refresh_from_db()
    assert share_indicator.target_value == 100


def test_services_of_another_town_are_refused(share_indicator, manager, other_org):
    with pytest.raises(ValidationError, match="services de votre organisation"):
        update_indicator(
            indicator=share_indicator, actor=manager, services=list(Service.objects.filter(organisation=other_org))
        )


def computed_indicator(org, qualivilles, metric_key="test.constant"):
    commitment = Commitment.objects.get(organisation=org, code="8")
    return Indicator.objects.create(
        organisation=org, commitment=commitment, code="8.9", label="Test", metric_key=metric_key, target_value=90
    )


def test_recompute_stores_the_measure_of_a_registered_metric(org, qualivilles, constant_metric):
    indicator = computed_indicator(org, qualivilles)
    value = recompute_indicator(indicator=indicator, period=MARCH)
    assert value is not None
    assert (value.numerator, value.denominator, value.value, value.sample_size) == (80, 100, 80.0, 100)
    assert value.source == ValueSource.COMPUTED
    assert value.computed_at is not None
    query = constant_metric[0]
    assert (query.organisation, query.period, query.service) == (org, MARCH, None)


def test_recompute_passes_the_indicator_parameters_to_the_metric(org, qualivilles, constant_metric):
    indicator = computed_indicator(org, qualivilles)
    indicator.params = {"minutes": 15}
    indicator.save()
    recompute_indicator(indicator=indicator, period=MARCH)
    assert constant_metric[0].params == {"minutes": 15}


def test_recomputing_twice_keeps_one_value_and_one_audit_event(org, qualivilles, constant_metric):
    indicator = computed_indicator(org, qualivilles)
    first = recompute_indicator(indicator=indicator, period=MARCH)
    second = recompute_indicator(indicator=indicator, period=MARCH)
    assert first is not None and second is not None
    assert first.pk == second.pk
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 1
    assert events_of(first).count() == 1


def test_recompute_skips_a_metric_not_registered_yet(planned_indicator):
    assert recompute_indicator(indicator=planned_indicator, period=MARCH) is None
    assert not IndicatorValue.objects.exists()


def test_recompute_of_a_manual_share_recomputes_its_value_from_the_stored_counts(share_indicator, manager):
    value = record_manual_value(indicator=share_indicator, period=MARCH, actor=manager, numerator=9, denominator=12)
    IndicatorValue.objects.filter(pk=value.pk).update(value=1.0)
    recomputed = recompute_indicator(indicator=share_indicator, period=MARCH)
    assert recomputed is not None
    assert recomputed.value == 75.0
    assert events_of(value, "compute").get().before == {"value": 1.0}


def test_recompute_for_every_service_covers_all_services_and_each_concerned_service(org, qualivilles, constant_metric):
    indicator = computed_indicator(org, qualivilles)
    indicator.services.set(Service.objects.filter(organisation=org), through_defaults={"organisation": org})
    values = recompute_all_services(indicator=indicator, period=MARCH)
    assert len(values) == 3
    assert {value.service_id for value in values} == {
        None,
        *Service.objects.filter(organisation=org).values_list("pk", flat=True),
    }


def test_a_metric_with_nothing_for_the_period_removes_the_stored_value_with_an_audit_event(org, qualivilles):
    answers = [Measure(value=50.0, numerator=1, denominator=2, sample_size=2), None]
    METRICS.register(
        "test.fading", Metric(key="test.fading", label="Test", unit="%", compute=lambda query: answers.pop(0))
    )
    try:
        indicator = computed_indicator(org, qualivilles, metric_key="test.fading")
        stored = recompute_indicator(indicator=indicator, period=MARCH)
        assert stored is not None
        assert recompute_indicator(indicator=indicator, period=MARCH) is None
        assert not IndicatorValue.objects.filter(indicator=indicator).exists()
        assert events_of(stored, "delete").exists()
    finally:
        METRICS.unregister("test.fading")


def test_a_value_typed_before_an_indicator_was_measured_stays_until_a_measure_exists(org, qualivilles, manager):
    answers: list[Measure | None] = [None, Measure(value=75.0, numerator=3, denominator=4, sample_size=1)]
    METRICS.register(
        "test.arriving", Metric(key="test.arriving", label="Test", unit="%", compute=lambda query: answers.pop(0))
    )
    try:
        indicator = computed_indicator(org, qualivilles, metric_key="test.arriving")
        typed = IndicatorValue.objects.create(
            organisation=org, indicator=indicator, granularity=indicator.granularity, period_start=MARCH.start,
            value=90.0, source=ValueSource.MANUAL, entered_by=manager,
        )  # fmt: skip
        assert recompute_indicator(indicator=indicator, period=MARCH) == typed
        typed.refresh_from_db()
        assert (typed.value, typed.source) == (90.0, ValueSource.MANUAL)
        measured = recompute_indicator(indicator=indicator, period=MARCH)
        assert measured is not None and (measured.value, measured.source) == (75.0, ValueSource.COMPUTED)
    finally:
        METRICS.unregister("test.arriving")


def test_an_indicator_can_be_measured_by_another_period(share_indicator, manager):
    update_indicator(indicator=share_indicator, actor=manager, granularity="quarter")
    share_indicator.refresh_from_db()
    assert share_indicator.granularity == "quarter"
    value = record_manual_value(
        indicator=share_indicator, period=Period.parse("2026-Q1"), actor=manager, numerator=1, denominator=1
    )
    assert value.granularity == "quarter"
