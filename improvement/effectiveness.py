"""The effectiveness check of an improvement action, judged from the stored indicator values.

When an action's check date comes and the action is done (réalisée), the daily job reads the
value its check indicator stored for the latest period complete on that date, for the whole
town (every service, no site), and compares it with the expected value as the indicator
compares its target (`Indicator.status_for`). The verdict is a workflow step given by the
system: "efficacité vérifiée" or "constat de non-efficacité", with the value, its period and the
day written on the action. Without a stored value for that period there is no verdict: the
action stays "à vérifier" (the list's filter and the home's line show it) and the job tries again
the next day; a verdict can also be given by hand (improvement.actions.step_action)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from commitments.models import Indicator, IndicatorValue, Status, format_measure
from core.concurrency import ConcurrentEditError
from core.models import Organisation
from core.periods import Granularity, Period
from improvement.models import ActionStatus, ImprovementAction
from improvement.workflow import WORKFLOW

CONFIRM = "confirm_effective"
REJECT = "find_ineffective"


def checked_period(indicator: Indicator, check_on: dt.date) -> Period:
    """The latest period of the indicator complete on the check date."""
    return Period.containing(check_on, Granularity(indicator.granularity)).previous()


def meets_expected(indicator: Indicator, value: float, expected: Decimal) -> bool:
    """The indicator's own comparison (≥, ≤, =), with the expected value in place of its target."""
    judge = Indicator(comparator=indicator.comparator, target_value=expected, unit=indicator.unit)
    return judge.status_for(value) == Status.MET


def stored_value(indicator: Indicator, period: Period) -> float | None:
    """The value stored for the whole town (all services, no site) for the period, if any."""
    return (
        IndicatorValue.objects.filter(
            organisation_id=indicator.organisation_id,
            indicator=indicator,
            granularity=indicator.granularity,
            period_start=period.start,
            service__isnull=True,
            site__isnull=True,
            value__isnull=False,
        )
        .values_list("value", flat=True)
        .first()
    )


def verdict_note(indicator: Indicator, value: float, period: Period, expected: Decimal) -> str:
    """ "Valeur de mars 2026 : 92,5 % ; attendue : au moins 90 %"."""
    measured = format_measure(value, indicator.unit)
    wanted = format_measure(float(expected), indicator.unit)
    return f"Valeur de {period.label} : {measured} ; attendue : {indicator.get_comparator_display()} {wanted}."


@transaction.atomic
def judge(action: ImprovementAction, *, day: dt.date) -> str | None:
    """Give the action its verdict from the stored values (the step's code), or None and
    change nothing when it is not done, has no check, or its period has no stored value yet."""
    indicator = action.check_indicator
    if action.status != ActionStatus.DONE or indicator is None or action.check_on is None:
        return None
    if action.expected_value is None or action.check_on > day:
        return None
    period = checked_period(indicator, action.check_on)
    value = stored_value(indicator, period)
    if value is None:
        return None
    step = CONFIRM if meets_expected(indicator, value, action.expected_value) else REJECT
    changes = {
        "checked_on": day,
        "checked_value": value,
        "checked_period_start": period.start,
        "check_note": verdict_note(indicator, value, period, action.expected_value),
    }
    WORKFLOW.step(action, step, actor=None, changes=changes, seen_version=action.version)
    return step


def due_checks(organisation: Organisation, day: dt.date) -> list[ImprovementAction]:
    """The done actions whose check date has come, with their indicator."""
    actions = ImprovementAction.objects.for_org(organisation).filter(
        status=ActionStatus.DONE, check_indicator__isnull=False, check_on__lte=day
    )
    return list(actions.select_related("check_indicator", "organisation").order_by("check_on", "pk"))


def judge_due_checks(organisation: Organisation, day: dt.date) -> int:
    """The daily job (core.registries.DAILY_JOBS): judge every check that has come; returns
    how many actions got their verdict."""
    judged = 0
    for action in due_checks(organisation, day):
        try:
            judged += judge(action, day=day) is not None
        except ConcurrentEditError:  # someone saved it meanwhile: judged on the next run
            continue
    return judged
