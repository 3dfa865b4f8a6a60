"""The phone measures for the indicator engine (commitment 16 of Qualivilles, the answer rate
of Services Publics+). Every measure reads the monthly summary rows through
`telephony.queries.call_figures`: a year costs a few hundred rows, whatever the call count.

Record ids are not listed (a month may hold tens of thousands of calls): every figure opens
its calls through the list page, `telephony:call_list` with `periode`, `service` and `vue`
(see `drilldown_url`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from core import registries
from core.metrics import Measure, Metric, MetricParam, MetricQuery, narrow_rows
from core.models import Organisation, Service
from core.periods import Period
from telephony.queries import DEFAULT_RINGS, CallFigures, figures_of_rows, town_rows

ANSWER_RATE = "telephony.answer_rate"
ANSWERED_WITHIN_RINGS = "telephony.answered_within_rings"
OUT_OF_HOURS = "telephony.out_of_hours"

RINGS = MetricParam(
    name="rings", label="Sonneries au plus", default=DEFAULT_RINGS, unit="sonneries", minimum=1, maximum=30
)


def _figures(query: MetricQuery) -> CallFigures:
    """The figures of the query's scope, from the period's summary rows read once per recomputation."""
    key = ("telephony.town_rows", query.organisation.pk, query.period)
    rows = query.memo.get(key, lambda: town_rows(query.organisation, query.period))
    return figures_of_rows(query.organisation, narrow_rows(rows, query), rings=RINGS.value_in(query.params))


def answer_rate(query: MetricQuery) -> Measure | None:
    """Presented calls answered by a person ÷ presented calls."""
    figures = _figures(query)
    if not figures.presented:
        return None
    return Measure(
        value=100 * figures.answered / figures.presented,
        numerator=figures.answered,
        denominator=figures.presented,
        sample_size=figures.presented,
    )


def answered_within_rings(query: MetricQuery) -> Measure | None:
    """Presented calls answered within `rings` rings (param, default 5; ring cycle: the town's
    setting) ÷ presented calls. An answered call whose wait is not known stays in the
    denominator (domain.md); their number is `CallFigures.wait_unknown`, shown beside the
    figure and listed by the drill-down view "attente-inconnue"."""
    figures = _figures(query)
    denominator = figures.within_denominator
    if not denominator:
        return None
    return Measure(
        value=100 * figures.within / denominator,
        numerator=figures.within,
        denominator=denominator,
        sample_size=denominator,
    )


def out_of_hours(query: MetricQuery) -> Measure | None:
    """Calls that started outside the opening hours (counted apart, in no rate)."""
    figures = _figures(query)
    if not figures.total:
        return None
    return Measure(value=figures.out_of_hours, numerator=figures.out_of_hours, sample_size=figures.total)


def drilldown_url(organisation: Organisation, period: Period, service: Service | None, view: str) -> str:
    """The list of the calls behind a figure: view is one of queries.DRILLDOWNS."""
    params = {"periode": period.key, "vue": view}
    if service is not None:
        params["service"] = str(service.pk)
    return reverse("telephony:call_list", kwargs={"org_slug": organisation.slug}) + "?" + urlencode(params)


METRICS = [
    Metric(
        key=ANSWER_RATE,
        label="Taux de décroché (appels présentés décrochés par un agent)",
        unit="%",
        compute=answer_rate,
        description="Appels présentés décrochés ÷ appels présentés (pendant les heures d'ouverture).",
    ),
    Metric(
        key=ANSWERED_WITHIN_RINGS,
        label="Appels présentés décrochés en N sonneries au plus (paramètre rings, 5 par défaut)",
        unit="%",
        compute=answered_within_rings,
        params=(RINGS,),
        description="Appels présentés décrochés après une attente ≤ N × durée d'une sonnerie (réglage de la "
        "ville, 5 s par défaut) ÷ appels présentés. Un appel dont seules les sonneries sont relevées compte "
        "pour ses sonneries. Un appel décroché dont l'attente n'est pas connue reste parmi les présentés "
        "sans compter comme décroché à temps : leur nombre est affiché à côté du taux sur la page "
        "Accueil téléphonique, et la liste des appels « dont l'attente n'est pas connue » les montre.",
    ),
    Metric(
        key=OUT_OF_HOURS,
        label="Appels hors des heures d'ouverture",
        unit="nombre",
        compute=out_of_hours,
        description="Appels commencés hors des horaires d'ouverture, un jour férié ou de fermeture.",
    ),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
