"""State changes of commitments, indicators and their values, each with its audit event."""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from administration.actions import invite_member
from commitments.frameworks import load_framework
from commitments.metrics import MANUAL_COUNT, MANUAL_SCORE, MANUAL_SHARE, MANUAL_YES_NO
from commitments.models import (
    PLANNED_METRIC_NOTE,
    YES_NO_UNIT,
    Commitment,
    Comparator,
    Indicator,
    IndicatorValue,
    ValueSource,
)
from commitments.queries import sites_with_values
from core.audit import record_event, record_events, saved_user, snapshot
from core.closing import closed_years, guard_change
from core.daily import last_run_day
from core.metrics import Measure, Memo, MetricQuery
from core.models import Organisation, Role, Service, Site, User
from core.periods import GRANULARITY_LABELS, Granularity, Period
from core.registries import METRICS, create_town_defaults
from documents.evidence import check_evidence, download_name

CHANGED = "update"
ENTERED = "enter"
DELETED = "delete"
COMPUTED = "compute"
CREATED = "create"

COMMITMENT_FIELDS = ["title", "description", "is_active", "is_public"]
INDICATOR_FIELDS = ["label", "comparator", "target_value", "granularity", "is_active"]
VALUE_FIELDS = [
    "indicator",
    "granularity",
    "period_start",
    "service",
    "numerator",
    "denominator",
    "value",
    "sample_size",
    "source",
    "comment",
    "evidence",
    "evidence_name",
    "entered_by",
    "site",
]


def _record_change(instance: Any, actor: User | None, before: dict[str, Any], after: dict[str, Any]) -> None:
    if before != after:
        record_event(
            organisation=instance.organisation,
            actor=actor,
            instance=instance,
            action=CHANGED,
            before=before,
            after=after,
        )


@transaction.atomic
def update_commitment(
    *,
    commitment: Commitment,
    actor: User | None,
    title: str | None = None,
    description: str | None = None,
    is_active: bool | None = None,
    is_public: bool | None = None,
) -> Commitment:
    """Change a commitment's wording, whether the town follows it and whether the public sees
    it. None leaves a field as it is."""
    if title is not None and not title.strip():
        raise ValidationError({"title": "Le libellé de l'engagement est obligatoire."})
    before = snapshot(commitment, COMMITMENT_FIELDS)
    if title is not None:
        commitment.title = title.strip()
    if description is not None:
        commitment.description = description.strip()
    if is_active is not None:
        commitment.is_active = is_active
    if is_public is not None:
        commitment.is_public = is_public
    commitment.save(update_fields=COMMITMENT_FIELDS)
    _record_change(commitment, actor, before, snapshot(commitment, COMMITMENT_FIELDS))
    return commitment


def _indicator_snapshot(indicator: Indicator) -> dict[str, Any]:
    services = sorted(indicator.services.values_list("pk", flat=True))
    return snapshot(indicator, INDICATOR_FIELDS) | {"services": services, "params": indicator.settings_text}


def _checked_params(indicator: Indicator, params: dict[str, int]) -> dict[str, int]:
    """The new values of the parameters the indicator's metric declares; a refusal in French
    under the field `param_<name>` for a value out of its bounds or a parameter it lacks."""
    declared = {param.name: param for param, _value in indicator.settings}
    errors: dict[str, str] = {}
    for name, value in params.items():
        param = declared.get(name)
        if param is None:
            errors[f"param_{name}"] = f"La mesure de l'indicateur {indicator.code} n'a pas de paramètre « {name} »."
        elif (refusal := param.refusal(value)) is not None:
            errors[f"param_{name}"] = refusal
    if errors:
        raise ValidationError(errors)
    return {name: int(value) for name, value in params.items()}


def _relabelled(label: str, indicator: Indicator, old: dict[str, int], new: dict[str, int]) -> str:
    """The label with a parameter's old value written in it ("en 15 minutes") brought to the
    new one ("en 20 minutes"), so that a label never states a threshold the figure no longer uses."""
    for param, _value in indicator.settings:
        before, after = old[param.name], new[param.name]
        if before != after:
            label = re.sub(rf"(?<![\d,]){before} {re.escape(param.unit)}", f"{after} {param.unit}", label)
    return label


def _recompute_stored_periods(indicator: Indicator, actor: User | None) -> None:
    """Recompute every period of the indicator that has stored values (after its parameters changed)."""
    starts = (
        IndicatorValue.objects.for_org(indicator.organisation)
        .filter(indicator=indicator, granularity=indicator.granularity)
        .values_list("period_start", flat=True)
        .distinct()
    )
    granularity = Granularity(indicator.granularity)
    pairs = [(indicator, Period(start, granularity)) for start in sorted(set(starts))]
    recompute_periods(indicator.organisation, pairs, actor=actor)


def _check_target(unit: str, target_value: Decimal) -> None:
    if unit == "%" and not 0 <= target_value <= 100:
        raise ValidationError({"target_value": "Une cible en pourcentage est comprise entre 0 et 100."})
    if unit == YES_NO_UNIT and target_value not in (0, 1):
        raise ValidationError({"target_value": "Une cible oui/non vaut 1 (oui) ou 0 (non)."})
    if target_value < 0:
        raise ValidationError({"target_value": "La cible ne peut pas être négative."})


def _check_indicator_changes(
    indicator: Indicator,
    label: str | None,
    comparator: str | None,
    granularity: str | None,
    services: list[Service] | None,
) -> None:
    if label is not None and not label.strip():
        raise ValidationError({"label": "Le libellé de l'indicateur est obligatoire."})
    if comparator is not None and comparator not in Comparator.values:
        raise ValidationError({"comparator": "Choisissez « au moins », « au plus » ou « égal à »."})
    if granularity is not None and granularity not in list(Granularity):
        raise ValidationError({"granularity": "Choisissez le mois, le trimestre ou l'année."})
    if services is not None and any(service.organisation_id != indicator.organisation_id for service in services):
        raise ValidationError({"services": "Choisissez des services de votre organisation."})


@transaction.atomic
def update_indicator(
    *,
    indicator: Indicator,
    actor: User | None,
    label: str | None = None,
    comparator: str | None = None,
    target_value: Decimal | None = None,
    granularity: str | None = None,
    services: list[Service] | None = None,
    is_active: bool | None = None,
    params: dict[str, int] | None = None,
) -> Indicator:
    """Change an indicator's wording, target, measuring period, services or the parameters its
    metric declares (`params`: name → value). None leaves a field as it is. Changed parameters
    are audited, a label stating the old value follows, and every stored period is recomputed."""
    _check_indicator_changes(indicator, label, comparator, granularity, services)
    if target_value is not None:
        _check_target(indicator.unit, target_value)
    new_params = _checked_params(indicator, params or {})
    before = _indicator_snapshot(indicator)
    old_values = dict(indicator.settings)
    if label is not None:
        indicator.label = label.strip()
    if comparator is not None:
        indicator.comparator = comparator
    if target_value is not None:
        indicator.target_value = target_value
    if granularity is not None:
        indicator.granularity = granularity
    if is_active is not None:
        indicator.is_active = is_active
    old = {param.name: value for param, value in old_values.items()}
    indicator.params = {**indicator.params, **new_params}
    new = {param.name: value for param, value in indicator.settings}
    indicator.label = _relabelled(indicator.label, indicator, old, new)
    indicator.save(update_fields=[*INDICATOR_FIELDS, "params"])
    if services is not None:
        indicator.services.set(services, through_defaults={"organisation": indicator.organisation})
    _record_change(indicator, actor, before, _indicator_snapshot(indicator))
    if old != new:
        _recompute_stored_periods(indicator, actor)
    return indicator


def find_value(
    *, indicator: Indicator, period: Period, service: Service | None, site: Site | None = None
) -> IndicatorValue | None:
    return (
        IndicatorValue.objects.for_org(indicator.organisation)
        .filter(
            indicator=indicator, granularity=period.granularity, period_start=period.start, service=service, site=site
        )
        .first()
    )


def allowed_services(indicator: Indicator) -> list[Service]:
    """The services a value may be entered for: the indicator's own, or else all the town's."""
    chosen = list(indicator.services.select_related("site"))
    return chosen or list(Service.objects.for_org(indicator.organisation).select_related("site"))


def _require_number(field: str, number: float | None, message: str) -> float:
    if number is None or not math.isfinite(number):
        raise ValidationError({field: message})
    return float(number)


def _measure_of_share(numerator: float | None, denominator: float | None) -> Measure:
    top = _require_number("numerator", numerator, "Saisissez le numérateur (le nombre d'éléments conformes).")
    bottom = _require_number("denominator", denominator, "Saisissez le dénominateur (le nombre d'éléments vérifiés).")
    if bottom <= 0:
        raise ValidationError({"denominator": "Le dénominateur doit être supérieur à zéro."})
    if not 0 <= top <= bottom:
        raise ValidationError({"numerator": "Le numérateur doit être compris entre zéro et le dénominateur."})
    return Measure(value=100 * top / bottom, numerator=top, denominator=bottom, sample_size=int(bottom))


def _measure_of_single(metric_key: str, value: float | None) -> Measure:
    number = _require_number("value", value, "Saisissez une valeur.")
    if metric_key == MANUAL_SCORE and not 0 <= number <= 100:
        raise ValidationError({"value": "Un score est compris entre 0 et 100 %."})
    if metric_key == MANUAL_COUNT and (number < 0 or number != int(number)):
        raise ValidationError({"value": "Un nombre saisi est un entier positif ou nul."})
    if metric_key == MANUAL_YES_NO and number not in (0, 1):
        raise ValidationError({"value": "Répondez oui ou non."})
    return Measure(value=number)


def manual_measure(
    metric_key: str, *, value: float | None, numerator: float | None, denominator: float | None
) -> Measure:
    """The measure a hand-entered value stands for; a share is computed from its counts."""
    if metric_key == MANUAL_SHARE:
        return _measure_of_share(numerator, denominator)
    return _measure_of_single(metric_key, value)


def _check_manual_entry(indicator: Indicator, period: Period, service: Service | None, site: Site | None) -> None:
    if indicator.is_planned:
        raise ValidationError({NON_FIELD_ERRORS: f"{PLANNED_METRIC_NOTE} : cet indicateur ne se saisit pas."})
    if not indicator.takes_manual_values:
        raise ValidationError({NON_FIELD_ERRORS: "Cet indicateur est calculé automatiquement : il ne se saisit pas."})
    if period.granularity != indicator.granularity:
        label = GRANULARITY_LABELS[Granularity(indicator.granularity)]
        raise ValidationError({"period": f"Cet indicateur se mesure par {label} : choisissez une période de ce type."})
    if service is not None and service not in allowed_services(indicator):
        raise ValidationError({"service": "Choisissez un des services concernés par cet indicateur."})
    if site is not None and (service is not None or site not in sites_with_values(indicator.organisation)):
        raise ValidationError({"site": "Choisissez un site de la ville, ou un service, pas les deux."})


def _refuse_frozen(organisation: Organisation, day: dt.date, actor: User | None, action: str) -> None:
    """A closed year's stored values and evidence are what its closing froze: refused in French."""
    guard_change(organisation=organisation, days=(day,), actor=actor, action=action, frozen=True)


@transaction.atomic
def record_manual_value(
    *,
    indicator: Indicator,
    period: Period,
    actor: User | None,
    service: Service | None = None,
    value: float | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
    comment: str = "",
    evidence: UploadedFile | None = None,
    site: Site | None = None,
) -> IndicatorValue:
    """Enter (or correct) the value of a manual indicator for one period and service.

    A share (manual.share) takes a numerator and a denominator and stores 100 × num ÷ den.
    A new evidence file replaces the link to the previous one, which is kept for the audit trail.
    The values and evidence of a closed year are frozen: refused (core.closing)."""
    _check_manual_entry(indicator, period, service, site)
    _refuse_frozen(indicator.organisation, period.start, actor, ENTERED)
    measure = manual_measure(indicator.metric_key, value=value, numerator=numerator, denominator=denominator)
    kind = check_evidence(evidence) if evidence is not None else None
    stored, before = _value_to_write(indicator, period, service, site)
    _apply_measure(stored, measure)
    stored.source = ValueSource.MANUAL
    stored.comment = comment.strip()
    stored.entered_by = saved_user(actor)
    if evidence is not None and kind is not None:
        stored.evidence_name = download_name(evidence.name or "", kind)
        stored.evidence.save(f"justificatif{kind.extension}", evidence, save=False)
    stored.save()
    record_event(
        organisation=indicator.organisation,
        actor=actor,
        instance=stored,
        action=ENTERED if before is None else CHANGED,
        before=before,
        after=snapshot(stored, VALUE_FIELDS),
    )
    return stored


@transaction.atomic
def delete_value(*, value: IndicatorValue, actor: User | None) -> None:
    """Delete a stored value. Its evidence file is kept: the audit trail still names it. A value
    of a closed year is frozen: refused (core.closing)."""
    _refuse_frozen(value.organisation, value.period_start, actor, DELETED)
    record_event(
        organisation=value.organisation,
        actor=actor,
        instance=value,
        action=DELETED,
        before=snapshot(value, VALUE_FIELDS),
    )
    value.delete()


def _new_value(indicator: Indicator, period: Period, service: Service | None, site: Site | None) -> IndicatorValue:
    """A new unsaved value of this slot."""
    return IndicatorValue(
        organisation=indicator.organisation,
        indicator=indicator,
        granularity=period.granularity,
        period_start=period.start,
        service=service,
        site=site,
    )


def _value_to_write(
    indicator: Indicator, period: Period, service: Service | None, site: Site | None = None
) -> tuple[IndicatorValue, dict[str, Any] | None]:
    """The stored value of this slot with its snapshot, or a new unsaved one and None."""
    stored = find_value(indicator=indicator, period=period, service=service, site=site)
    if stored is not None:
        return stored, snapshot(stored, VALUE_FIELDS)
    return _new_value(indicator, period, service, site), None


def _apply_measure(stored: IndicatorValue, measure: Measure) -> None:
    stored.value = measure.value
    stored.numerator = measure.numerator
    stored.denominator = measure.denominator
    stored.sample_size = measure.sample_size


Slot = tuple[Indicator, Period, Service | None, Site | None]
SlotKey = tuple[int, str, dt.date, int | None, int | None]


def _slot_key(indicator: Indicator, period: Period, service: Service | None, site: Site | None) -> SlotKey:
    service_id = service.pk if service is not None else None
    site_id = site.pk if site is not None else None
    return (indicator.pk, period.granularity.value, period.start, service_id, site_id)


def _stored_values(organisation: Organisation, pairs: list[tuple[Indicator, Period]]) -> dict[SlotKey, IndicatorValue]:
    """The stored values of the indicators' periods, read in one query, by slot."""
    if not pairs:
        return {}
    wanted = {(indicator.pk, period.granularity.value, period.start) for indicator, period in pairs}
    rows = IndicatorValue.objects.for_org(organisation).filter(
        indicator__in={indicator.pk for indicator, _ in pairs},
        period_start__in={period.start for _, period in pairs},
    )
    return {
        (value.indicator_id, value.granularity, value.period_start, value.service_id, value.site_id): value
        for value in rows.select_related("service", "site", "entered_by")
        if (value.indicator_id, value.granularity, value.period_start) in wanted
    }


def _pair_slots(indicator: Indicator, period: Period, stored: dict[SlotKey, IndicatorValue], memo: Memo) -> list[Slot]:
    """The values of one indicator's period to recompute: for a computed metric the whole town,
    each service concerned and, in a town with several sites, each site; for a manual one the
    values stored."""
    if indicator.is_planned:
        return []
    if METRICS.get(indicator.metric_key).is_manual:
        key = (indicator.pk, period.granularity.value, period.start)
        return [(indicator, period, value.service, value.site) for slot, value in stored.items() if slot[:3] == key]
    organisation = indicator.organisation
    sites = memo.get(("sites", organisation.pk), lambda: sites_with_values(organisation))
    return [
        (indicator, period, None, None),
        *((indicator, period, service, None) for service in indicator.services.all()),
        *((indicator, period, None, site) for site in sites),
    ]


def _recompute_manual(stored: IndicatorValue | None, indicator: Indicator) -> tuple[dict[str, Any], bool] | None:
    """A manual share's stored value recomputed from its stored counts: its snapshot before
    and whether it changed; None when there is nothing to recompute."""
    if stored is None or indicator.metric_key != MANUAL_SHARE or not stored.denominator:
        return None
    before = snapshot(stored, VALUE_FIELDS)
    _apply_measure(stored, _measure_of_share(stored.numerator, stored.denominator))
    return before, before != snapshot(stored, VALUE_FIELDS)


@dataclass
class _Writes:
    """What a recomputation writes, in bulk once every slot is measured."""

    created: list[IndicatorValue] = field(default_factory=list)
    changed: list[IndicatorValue] = field(default_factory=list)
    checked: list[IndicatorValue] = field(default_factory=list)  # unchanged: only computed_at moves
    events: list[tuple[IndicatorValue, dict[str, Any] | None]] = field(default_factory=list)  # with before

    def write(self, organisation: Organisation, actor: User | None) -> None:
        now = timezone.now()
        for value in (*self.changed, *self.checked):
            value.computed_at = now
        # an unchanged value is written with the figures it holds: only computed_at moves
        _update_values([*self.changed, *self.checked], [*WRITTEN_FIELDS, "computed_at"])
        if self.created:
            IndicatorValue.objects.bulk_create(self.created)
        changes = [(value, before, snapshot(value, VALUE_FIELDS)) for value, before in self.events]
        record_events(organisation=organisation, actor=actor, action=COMPUTED, changes=changes)


WRITTEN_FIELDS = ["numerator", "denominator", "value", "sample_size", "source", "entered_by"]


def _update_values(values: list[IndicatorValue], names: list[str]) -> None:
    """Write these fields of saved values: one UPDATE by id per value, sent together
    (`executemany`: one round trip on PostgreSQL). Django's `bulk_update` builds a CASE per
    field and value, which costs more in Python than the database spends on the rows."""
    if not values:
        return
    meta = IndicatorValue._meta
    fields = [field for field in meta.concrete_fields if field.name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    rows = [
        [*(field.get_db_prep_save(getattr(value, field.attname), connection) for field in fields), value.pk]
        for value in values
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE id = %s",  # noqa: S608
            rows,
        )


def _recompute_computed(
    slot: Slot, stored: IndicatorValue | None, writes: _Writes, actor: User | None, memo: Memo
) -> IndicatorValue | None:
    indicator, period, service, site = slot
    metric = METRICS.get(indicator.metric_key)
    if metric.compute is None:
        return None
    query = MetricQuery(
        organisation=indicator.organisation,
        period=period,
        service=service,
        params=dict(indicator.params),
        site=site,
        memo=memo,
    )
    measure = metric.compute(query)
    if measure is None:
        if stored is not None and stored.source == ValueSource.MANUAL:
            return stored  # typed before the indicator was measured: kept until a measure exists
        if stored is not None:
            delete_value(value=stored, actor=actor)
        return None
    before = snapshot(stored, VALUE_FIELDS) if stored is not None else None
    value = stored or _new_value(indicator, period, service, site)
    _apply_measure(value, measure)
    value.source = ValueSource.COMPUTED
    value.entered_by = None
    changed = before != snapshot(value, VALUE_FIELDS)
    # always written: computed_at says when the figure was last checked
    (writes.created if stored is None else writes.changed if changed else writes.checked).append(value)
    if changed:
        writes.events.append((value, before))
    return value


@transaction.atomic
def _recompute_slots(
    organisation: Organisation,
    slots: list[Slot],
    stored: dict[SlotKey, IndicatorValue],
    actor: User | None,
    memo: Memo,
) -> list[IndicatorValue | None]:
    """Recompute each slot from the values stored (`_stored_values`): the measures read through
    one memo, then the changed values written in bulk with one audit event each, as before.
    A slot of a closed year keeps its stored value as it is: closing froze it (core.closing),
    whatever asks (records changed, the calendar, a command, the daily job)."""
    writes = _Writes()
    results: list[IndicatorValue | None] = []
    frozen = closed_years(organisation) if slots else set()
    for slot in slots:
        indicator = slot[0]
        value = stored.get(_slot_key(*slot))
        if value is not None:
            value.indicator = indicator  # its code names the value in the trail, without a query
        if slot[1].start.year in frozen:
            results.append(value)
        elif indicator.is_planned:
            results.append(None)
        elif METRICS.get(indicator.metric_key).is_manual:
            recomputed = _recompute_manual(value, indicator)
            if recomputed is not None and recomputed[1]:
                writes.changed.append(value)  # type: ignore[arg-type]
                writes.events.append((value, recomputed[0]))  # type: ignore[arg-type]
            results.append(value)
        else:
            results.append(_recompute_computed(slot, value, writes, actor, memo))
    writes.write(organisation, actor)
    return results


def recompute_indicator(
    *,
    indicator: Indicator,
    period: Period,
    service: Service | None = None,
    actor: User | None = None,
    site: Site | None = None,
) -> IndicatorValue | None:
    """THE recomputation of one indicator for one period and one service or one site (both
    None: the whole town).

    A registered computed metric is asked for its measure, which is stored (or the stored value
    removed when the metric has nothing for the period, unless it was typed: an indicator now
    measured from records, such as a grid score or a training share, keeps the values a town
    typed before, until records give the period a measure). A manual share is recomputed from its
    stored numerator and denominator. A metric not registered yet is skipped: None."""
    stored = _stored_values(indicator.organisation, [(indicator, period)])
    return _recompute_slots(indicator.organisation, [(indicator, period, service, site)], stored, actor, Memo())[0]


def recompute_periods(
    organisation: Organisation, pairs: list[tuple[Indicator, Period]], *, actor: User | None = None
) -> list[IndicatorValue]:
    """Recompute each indicator's period for the whole town, each service concerned and, in a
    town with several sites, each site: the stored values read in one query, what the metrics
    share read once (`core.metrics.Memo`), the changed values written in bulk."""
    memo = Memo()
    stored = _stored_values(organisation, pairs)
    slots = [slot for indicator, period in pairs for slot in _pair_slots(indicator, period, stored, memo)]
    results = _recompute_slots(organisation, slots, stored, actor, memo)
    return [value for value in results if value is not None]


def recompute_all_services(*, indicator: Indicator, period: Period, actor: User | None = None) -> list[IndicatorValue]:
    """Recompute one period for the whole town, for each service concerned and, in a town with
    several sites, for each site."""
    return recompute_periods(indicator.organisation, [(indicator, period)], actor=actor)


def recompute_after_change(organisation: Organisation, metric_prefix: str, months: set[dt.date]) -> int:
    """Recompute the values of every indicator measured by a `metric_prefix.*` metric for the
    months, quarters and years that contain `months`; returns how many periods were recomputed."""
    return recompute_after_changes(organisation, {metric_prefix: months})


def recompute_after_changes(organisation: Organisation, changes: dict[str, set[dt.date]]) -> int:
    """Recompute, in one batch (`recompute_periods`), the values of every indicator measured by
    a metric of a prefix in `changes` for the months, quarters and years that contain that
    prefix's months; returns how many periods were recomputed. Registered with core.registries
    (every prefix one transaction changed at once), so that operational apps can call it
    without importing us."""
    prefixes = [prefix for prefix, months in changes.items() if months]
    if not prefixes:
        return 0
    measured = reduce(operator.or_, (Q(metric_key__startswith=f"{prefix}.") for prefix in prefixes))
    indicators = (
        Indicator.objects.filter(measured, organisation=organisation, is_active=True)
        .select_related("organisation")
        .prefetch_related("services")
    )
    pairs = [
        (indicator, period)
        for indicator in indicators
        if not indicator.is_planned
        for period in sorted(
            {
                Period.containing(month, Granularity(indicator.granularity))
                for month in _months_of_metric(changes, indicator.metric_key)
            }
        )
    ]
    recompute_periods(organisation, pairs)
    return len(pairs)


def _months_of_metric(changes: dict[str, set[dt.date]], metric_key: str) -> set[dt.date]:
    """The changed months of every prefix of `changes` that measures `metric_key`."""
    return {month for prefix, months in changes.items() if metric_key.startswith(f"{prefix}.") for month in months}


# Days a missed run still catches up on (a server off for a holiday); older changes are
# caught by `recompute_indicators`.
CATCH_UP_DAYS = 62


def periods_passed(indicator: Indicator, *, since: dt.date, day: dt.date) -> list[Period]:
    """The periods of the indicator that hold a day from `since` to `day`: an item due on
    `since` became late the day after, and the period of `day` holds its value so far."""
    granularity = Granularity(indicator.granularity)
    first = max(since, day - dt.timedelta(days=CATCH_UP_DAYS))
    days = (first + dt.timedelta(days=offset) for offset in range((day - first).days + 1))
    return sorted({Period.containing(one, granularity) for one in days})


def refresh_values_time_changes(organisation: Organisation, day: dt.date) -> int:
    """The daily job (core.registries.DAILY_JOBS): recompute the computed values whose truth
    depends on the date, that is those of the periods holding a day passed since the last
    daily run (or yesterday) and today's period; returns how many periods were recomputed."""
    since = last_run_day(organisation, before=day) or day - dt.timedelta(days=1)
    indicators = (
        Indicator.objects.filter(organisation=organisation, is_active=True, commitment__is_active=True)
        .select_related("organisation")
        .prefetch_related("services")
    )
    pairs = [
        (indicator, period)
        for indicator in indicators
        if not indicator.is_planned and not METRICS.get(indicator.metric_key).is_manual
        for period in periods_passed(indicator, since=since, day=day)
    ]
    recompute_periods(organisation, pairs)
    return len(pairs)


@transaction.atomic
def create_organisation(
    *,
    slug: str,
    name: str,
    holiday_zone: str,
    framework_code: str,
    admin_email: str,
    base_url: str,
    actor: User | None = None,
) -> Organisation:
    """Open a new town: the organisation, what every app gives a new town (core.registries town
    defaults), its framework of commitments, and its administrator's invitation."""
    organisation = Organisation(slug=slug, name=name, holiday_zone=holiday_zone)
    organisation.full_clean()
    organisation.save()
    record_event(
        organisation=organisation,
        actor=actor,
        instance=organisation,
        action=CREATED,
        after=snapshot(organisation, ["slug", "name", "holiday_zone"]),
    )
    create_town_defaults(organisation=organisation, actor=actor)
    load_framework(organisation=organisation, code=framework_code, actor=actor)
    invite_member(organisation=organisation, email=admin_email, role=Role.ADMIN, invited_by=actor, base_url=base_url)
    return organisation
