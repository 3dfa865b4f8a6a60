"""What a metric is. Operational apps offer their measures in `metrics.py` and register them
in `core.registries.METRICS` from `AppConfig.ready()`; `commitments` only knows that registry.

A metric computes, for one organisation, period and optional service or site, a numerator and a
denominator (or a sample for medians and percentiles) and the ids of the records behind it."""

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
class Metric:
    key: str
    label: str
    unit: str
    compute: Callable[[MetricQuery], Measure | None] | None = None
    description: str = ""

    @property
    def is_manual(self) -> bool:
        return self.compute is None
