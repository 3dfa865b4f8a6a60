"""What a metric is. Operational apps offer their measures in `metrics.py` and register them
in `core.registries.METRICS` from `AppConfig.ready()`; `commitments` only knows that registry.

A metric computes, for one organisation, period and optional service or site, a numerator and a
denominator (or a sample for medians and percentiles) and the ids of the records behind it.

A metric declares its parameters (`MetricParam`: a threshold of 15 minutes, 5 rings...): the
indicator page shows them and lets the quality manager change them; the metric reads them
through `MetricParam.value_in(query.params)`, so a missing value is the declared default.
Filters (channels, a survey question) stay plain entries of the indicator's params.

A recomputation of many indicators, periods, services and sites hands every query one `Memo`:
a metric reads what several metrics or slots share (the summary rows of a period, the town's
rules) through `query.memo.get(key, read)`, once per recomputation instead of once per value."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.db.models import QuerySet

from core.models import Organisation, Service, Site
from core.periods import Period

Read = TypeVar("Read")


class Memo:
    """What one recomputation has already read, by key. Valid while the records measured do
    not change: a recomputation only writes indicator values, so one memo lives as long as it."""

    def __init__(self) -> None:
        self._reads: dict[Hashable, Any] = {}

    def get(self, key: Hashable, read: Callable[[], Read]) -> Read:
        """The value stored under `key`, read by `read()` the first time only."""
        if key not in self._reads:
            self._reads[key] = read()
        return cast("Read", self._reads[key])


@dataclass(frozen=True)
class MetricQuery:
    organisation: Organisation
    period: Period
    service: Service | None = None
    params: dict[str, Any] = field(default_factory=dict)
    site: Site | None = None  # a town's annex or district town hall: the records of its services
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)  # shared by one recomputation


Records = TypeVar("Records", bound=QuerySet[Any])


def narrow(records: Records, query: MetricQuery, *, service: str = "service", site: str = "") -> Records:
    """The records of the query's service and site. `service` names the records' service field;
    `site` their own site field, when they have one (else the site of their service counts)."""
    if query.service is not None:
        records = records.filter(**{service: query.service})
    if query.site is not None:
        records = records.filter(**{site or f"{service}__site": query.site})
    return records


Row = TypeVar("Row")


def _field(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def narrow_rows(rows: list[Row], query: MetricQuery) -> list[Row]:
    """`narrow` over rows already read for the whole town (a `Memo`): those of the query's
    service and site, each row giving its `service_id` and `site_id` (keys or attributes)."""
    service_id = query.service.pk if query.service is not None else None
    site_id = query.site.pk if query.site is not None else None
    return [
        row
        for row in rows
        if (service_id is None or _field(row, "service_id") == service_id)
        and (site_id is None or _field(row, "site_id") == site_id)
    ]


@dataclass(frozen=True)
class Measure:
    """What a metric returns. `value` is in the metric's unit (a percentage runs 0 to 100)."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    sample_size: int = 0
    record_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class MetricParam:
    """A whole-number setting of a metric that the quality manager may change per indicator.
    `unit` is written after the number in French ("minutes", "sonneries", "jours ouvrés")."""

    name: str
    label: str
    default: int
    unit: str
    minimum: int
    maximum: int

    def value_in(self, params: dict[str, Any]) -> int:
        """The value an indicator's params give this parameter, else its default."""
        raw = params.get(self.name)
        return self.default if raw is None or raw == "" else int(raw)

    def refusal(self, value: int) -> str | None:
        """Why `value` cannot be taken, in French; None when it can."""
        if not self.minimum <= value <= self.maximum:
            return f"{self.label} : choisissez un nombre entre {self.minimum} et {self.maximum} {self.unit}."
        return None

    def text(self, value: int) -> str:
        """ "Attente maximale : 15 minutes"."""
        return f"{self.label} : {value} {self.unit}"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    compute: Callable[[MetricQuery], Measure | None] | None = None
    description: str = ""
    params: tuple[MetricParam, ...] = ()
    # The page listing the records behind a value of the period (the drill-down an indicator's
    # values link to): given the town, the period and the indicator's params.
    records_url: Callable[[Organisation, Period, dict[str, Any]], str] | None = None

    def param_values(self, params: dict[str, Any]) -> dict[str, int]:
        """Every declared parameter with the value `params` gives it (or its default)."""
        return {param.name: param.value_in(params) for param in self.params}

    @property
    def is_manual(self) -> bool:
        return self.compute is None
