"""The counter's measures for the indicator engine (commitment 8 of Qualivilles).

Definitions (domain.md, "Counter (queue tickets)"): wait = called_at − issued_at; "called
within N min" = wait ≤ N min over the tickets that were called; tickets that left without
being called are counted apart (`reception.left_without_service`), never dropped. The median
and the 90th percentile use the nearest-rank definition, in started minutes (queries.py).
Every measure reads the monthly summary rows, so a year costs twelve rows per site and service.
"""

from __future__ import annotations

from core import registries
from core.metrics import Measure, Metric, MetricParam, MetricQuery, narrow_rows
from reception.queries import DEFAULT_THRESHOLD_MINUTES, TicketFigures, counts_of_summaries, town_summaries

CALLED_WITHIN = "reception.called_within"
WAIT_MEDIAN = "reception.wait_median"
WAIT_P90 = "reception.wait_p90"
LEFT_WITHOUT_SERVICE = "reception.left_without_service"

MINUTES = MetricParam(
    name="minutes",
    label="Attente maximale",
    default=DEFAULT_THRESHOLD_MINUTES,
    unit="minutes",
    minimum=1,
    maximum=240,
)


def _figures(query: MetricQuery) -> TicketFigures:
    """The counts of the query's scope, from the period's summary rows read once per recomputation."""
    threshold = MINUTES.value_in(query.params)
    key = ("reception.town_summaries", query.organisation.pk, query.period)
    summaries = query.memo.get(key, lambda: town_summaries(query.organisation, query.period))
    counts = counts_of_summaries(narrow_rows(summaries, query))
    return TicketFigures(counts, threshold)


def called_within(query: MetricQuery) -> Measure | None:
    """Share of the called tickets whose wait is at most `minutes` (param, default 15)."""
    figures = _figures(query)
    called = figures.counts.called
    if not called:
        return None
    return Measure(
        value=100 * figures.within / called, numerator=figures.within, denominator=called, sample_size=called
    )


def _percentile(query: MetricQuery, percent: int) -> Measure | None:
    figures = _figures(query)
    value = figures.median if percent == 50 else figures.p90
    if value is None:
        return None
    return Measure(value=float(value), sample_size=figures.counts.called)


def wait_median(query: MetricQuery) -> Measure | None:
    """Median wait of the called tickets, in minutes (nearest rank, started minutes)."""
    return _percentile(query, 50)


def wait_p90(query: MetricQuery) -> Measure | None:
    """90th percentile of the wait of the called tickets, in minutes (nearest rank)."""
    return _percentile(query, 90)


def left_without_service(query: MetricQuery) -> Measure | None:
    """Share of the tickets issued that left without ever being called."""
    counts = _figures(query).counts
    if not counts.issued:
        return None
    return Measure(
        value=100 * counts.left_uncalled / counts.issued,
        numerator=counts.left_uncalled,
        denominator=counts.issued,
        sample_size=counts.issued,
    )


METRICS = [
    Metric(
        key=CALLED_WITHIN,
        label="Tickets appelés dans le délai (paramètre minutes, 15 par défaut)",
        unit="%",
        compute=called_within,
        description="Tickets appelés avec une attente d'au plus N minutes ÷ tickets appelés.",
        params=(MINUTES,),
    ),
    Metric(
        key=WAIT_MEDIAN,
        label="Attente médiane au guichet",
        unit="min",
        compute=wait_median,
        description="Médiane (rang le plus proche) des attentes des tickets appelés, en minutes entamées.",
    ),
    Metric(
        key=WAIT_P90,
        label="Attente au 90ᵉ centile au guichet",
        unit="min",
        compute=wait_p90,
        description="90ᵉ centile (rang le plus proche) des attentes des tickets appelés, en minutes entamées.",
    ),
    Metric(
        key=LEFT_WITHOUT_SERVICE,
        label="Tickets partis sans être appelés",
        unit="%",
        compute=left_without_service,
        description="Tickets partis avant d'être appelés ÷ tickets émis.",
    ),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
