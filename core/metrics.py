"""The metric registry. Operational apps offer their measures in `metrics.py` and register
them in `AppConfig.ready()`; `commitments` only knows this registry.

A metric computes, for one organisation, period and optional service, a numerator and a
denominator (or a sample for medians and percentiles) and the ids of the records behind it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.models import Organisation, Service
from core.periods import Period


@dataclass(frozen=True)
class MetricQuery:
    organisation: Organisation
    period: Period
    service: Service | None = None
    params: dict[str, Any] = field(default_factory=dict)


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


class MetricRegistry:
    def __init__(self) -> None:
        self._metrics: dict[str, Metric] = {}

    def register(self, metric: Metric) -> None:
        if metric.key in self._metrics and self._metrics[metric.key] != metric:
            raise ValueError(f"Metric {metric.key} is already registered.")
        self._metrics[metric.key] = metric

    def unregister(self, key: str) -> None:
        self._metrics.pop(key, None)

    def get(self, key: str) -> Metric:
        try:
            return self._metrics[key]
        except KeyError:
            raise KeyError(f"Unknown metric {key!r}.") from None

    def __contains__(self, key: str) -> bool:
        return key in self._metrics

    def all(self) -> list[Metric]:
        return sorted(self._metrics.values(), key=lambda metric: metric.key)


registry = MetricRegistry()
