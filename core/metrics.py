"""What a metric is. Operational apps offer their measures in `metrics.py` and register them
in `core.registries.METRICS` from `AppConfig.ready()`; `commitments` only knows that registry.

A metric computes, for one organisation, period and optional service or site, a numerator and a
denominator (or a sample for medians and percentiles) and the ids of the records behind it.

A metric declares its parameters (`MetricParam`: a threshold of 15 minutes, 5 rings...): the
indicator page shows them and lets the quality manager change them; the metric reads them
through `MetricParam.value_in(query.params)`, so a missing value is the declared default.
Filters (channels, a survey question) stay plain entries of the indicator's params."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import QuerySet

from core.models import Organisation, Service, Site
from core.periods import Period


@dataclass(frozen=True)
class MetricQuery:
    organisation: Organisation
    period: Period
    service: Service | None = None
    params: dict[str, Any] = field(default_factory=dict)
    site: Site | None = None  # a town's annex or district town hall: the records of its services


Records = TypeVar("Records", bound=QuerySet[Any])


def narrow(records: Records, query: MetricQuery, *, service: str = "service", site: str = "") -> Records:
    """The records of the query's service and site. `service` names the records' service field;
    `site` their own site field, when they have one (else the site of their service counts)."""
    if query.service is not None:
        records = records.filter(**{service: query.service})
    if query.site is not None:
        records = records.filter(**{site or f"{service}__site": query.site})
    return records


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

    def param_values(self, params: dict[str, Any]) -> dict[str, int]:
        """Every declared parameter with the value `params` gives it (or its default)."""
        return {param.name: param.value_in(params) for param in self.params}

    @property
    def is_manual(self) -> bool:
        return self.compute is None
