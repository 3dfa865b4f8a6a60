"""The indicators of written requests (commitment 17), counted by registers.deadlines' rule.

- `correspondence.on_time`: requests DUE in the period (their own deadline: the town's rule
  for their channel and category) answered on or before their due date. A holding reply that
  gives a date counts as the answer when the rule of the request's channel/category says so.
- `correspondence.answered_within`: the same, with a deadline of `days` working (or, with
  `business`, business) days after receipt instead of the town's rule.
- `correspondence.acknowledged_within`: requests whose acknowledgement was due in the period
  (`days` working days after receipt, default 2) acknowledged by then; an answer or a holding
  reply sent earlier stands for the acknowledgement.

Params common to the three: `channels` (list of "letter", "email", "web", "phone"; all when
absent) and `categories` (list of category codes; all when absent). Items still open and not
yet past their due date are not counted; an unanswered item past it counts as late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import F

from core import registries
from core.metrics import Measure, Metric, MetricParam, MetricQuery, narrow_rows
from core.workdays import WorkingCalendar, calendar_for
from correspondence.models import Channel, WrittenRequest
from correspondence.rules import Rules
from registers.deadlines import DeadlineItem, count_deadlines, due_date, measure_of

ON_TIME = "correspondence.on_time"
ANSWERED_WITHIN = "correspondence.answered_within"
ACKNOWLEDGED_WITHIN = "correspondence.acknowledged_within"
DEFAULT_ACKNOWLEDGEMENT_DAYS = 2

ANSWER_DAYS = MetricParam(name="days", label="Délai de réponse", default=15, unit="jours", minimum=1, maximum=90)
ACKNOWLEDGEMENT_DAYS = MetricParam(
    name="days",
    label="Délai d'accusé de réception",
    default=DEFAULT_ACKNOWLEDGEMENT_DAYS,
    unit="jours",
    minimum=1,
    maximum=30,
)

COLUMNS = (
    "pk",
    "channel",
    "category_id",
    "received_on",
    "due_on",
    "acknowledged_on",
    "holding_reply_on",
    "promised_on",
    "answered_on",
)


def _rows(query: MetricQuery, kind: str, select: Callable[[Any], Any], order: str) -> list[dict[str, Any]]:
    """The rows of the query's channels, categories, service and site among the town's requests
    that `select` keeps. The town's rows of every channel and category are read once per
    recomputation and period (`kind` names the selection), then chosen here: the indicators of
    letters and of e-mails share one read, and the query set is built only then."""
    key = ("correspondence", kind, query.organisation.pk, query.period)

    def read() -> list[dict[str, Any]]:
        requests = select(WrittenRequest.objects.for_org(query.organisation))
        fields = {"site_id": F("service__site"), "category_code": F("category__code")}
        return list(requests.values(*COLUMNS, "service_id", **fields).order_by(order, "pk"))

    channels = {Channel(channel) for channel in query.params.get("channels") or ()}
    categories = set(query.params.get("categories") or ())
    rows = [
        row
        for row in query.memo.get(key, read)
        if (not channels or row["channel"] in channels) and (not categories or row["category_code"] in categories)
    ]
    return narrow_rows(rows, query)


def _today(query: MetricQuery) -> dt.date:
    """Metrics count on the day they run: an item's status is decided by then or not counted."""
    return query.organisation.today()


def _calendar(query: MetricQuery) -> WorkingCalendar:
    return query.memo.get(("calendar", query.organisation.pk), lambda: calendar_for(query.organisation))


def on_time(query: MetricQuery) -> Measure | None:
    rules = query.memo.get(("correspondence.rules", query.organisation.pk), lambda: Rules(query.organisation))
    period = query.period
    items = []
    for row in _rows(query, "due", lambda town: town.filter(due_on__gte=period.start, due_on__lt=period.end), "due_on"):
        counts = rules.deadline(row["channel"], row["category_id"]).holding_reply_counts
        holding = row["holding_reply_on"] if counts and row["promised_on"] else None
        items.append(DeadlineItem(row["pk"], row["due_on"], row["answered_on"], holding))
    return measure_of(count_deadlines(items, period=query.period, today=_today(query), holding_reply_counts=True))


def _received_around(query: MetricQuery, days: int) -> list[dict[str, Any]]:
    """Requests whose deadline of `days` may fall in the period: received up to well before it."""
    first, end = query.period.start - dt.timedelta(days=3 * days + 21), query.period.end
    return _rows(
        query, f"received-{days}", lambda town: town.filter(received_on__gte=first, received_on__lt=end), "received_on"
    )


def answered_within(query: MetricQuery) -> Measure | None:
    days = ANSWER_DAYS.value_in(query.params)
    business = bool(query.params.get("business", False))
    calendar = _calendar(query)
    items = [
        DeadlineItem(row["pk"], due_date(calendar, row["received_on"], days, business), row["answered_on"])
        for row in _received_around(query, days)
    ]
    return measure_of(count_deadlines(items, period=query.period, today=_today(query)))


def _first(*days: dt.date | None) -> dt.date | None:
    present = [day for day in days if day is not None]
    return min(present) if present else None


def acknowledged_within(query: MetricQuery) -> Measure | None:
    days = ACKNOWLEDGEMENT_DAYS.value_in(query.params)
    calendar = _calendar(query)
    items = [
        DeadlineItem(
            row["pk"],
            due_date(calendar, row["received_on"], days),
            _first(row["acknowledged_on"], row["holding_reply_on"], row["answered_on"]),
        )
        for row in _received_around(query, days)
    ]
    return measure_of(count_deadlines(items, period=query.period, today=_today(query)))


METRICS = [
    Metric(
        key=ON_TIME,
        label="Demandes écrites répondues dans le délai de la ville",
        unit="%",
        compute=on_time,
        description="Demandes dont l'échéance tombe dans la période, répondues au plus tard à l'échéance.",
    ),
    Metric(
        key=ANSWERED_WITHIN,
        label="Demandes écrites répondues en N jours ouvrés",
        unit="%",
        compute=answered_within,
        params=(ANSWER_DAYS,),
        description="Paramètres : days (nombre de jours), business (jours ouvrables), channels, categories.",
    ),
    Metric(
        key=ACKNOWLEDGED_WITHIN,
        label="Demandes écrites dont la réception est accusée en N jours ouvrés",
        unit="%",
        compute=acknowledged_within,
        params=(ACKNOWLEDGEMENT_DAYS,),
        description="Paramètres : days (2 par défaut), channels, categories.",
    ),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
