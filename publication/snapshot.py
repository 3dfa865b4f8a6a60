"""The figures a publication shows: the town's public commitments with the results of one
complete year, the three Services Publics+ results first, each in a plain French sentence.

Read from stored indicator values only (commitments.IndicatorValue), in five queries whatever
the size of the town, and returned as plain JSON data: the draft page shows it as it is
computed, a publication stores it frozen (`Publication.content`), and the public page, the
posters and the open data files are all drawn from that one snapshot, so they cannot differ.

A year's result of an indicator measured by month or quarter is the sum of its numerators
over the sum of its denominators when it is a share (every period carrying them); otherwise
(a median, a delay, a yes or no) the number of periods that met the target. A cell counted
from fewer than 5 answers (its sample size: calls, requests, survey answers, grids…) is
published without any of its figures, not even its sample size (domain.md, "Data rules"); a
value typed by hand without counts (a checklist score, a yes or no) and a tally (a number of
surveys held) are not read from answers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from commitments.models import STATUS_LABELS, Commitment, Indicator, IndicatorValue, Status, format_measure
from commitments.targets import read_in_year
from commitments.years import PERCENT, year_counts
from core.models import Organisation, Service, Site
from core.periods import Granularity, Period
from correspondence.metrics import ON_TIME as LETTERS_ON_TIME
from correspondence.models import Channel
from documents.french import format_count, format_number
from surveys.metrics import SATISFACTION
from telephony.metrics import ANSWER_RATE

SCHEMA_VERSION = 1
MIN_ANSWERS = 5
# The town's own checks (self-assessment and mystery grids) are not people's answers: a score
# read from 3 grids is published, as a value typed by hand is.
OWN_CHECKS = ("audits.",)
HIDDEN_TEXT = "moins de 5 réponses : résultat non publié"
HIDDEN = "hidden"  # the status of a cell published without its figures
HIDDEN_LABEL = "Non publié"
TOWN_SCOPE = "Toute la commune"
SERVICES_PUBLICS_PLUS = "services-publics-plus"  # the framework file's code
PERIOD_NAMES = {Granularity.MONTH: ("mois", "mois"), Granularity.QUARTER: ("trimestre", "trimestres")}
CIVIL_ON_TIME = "civil_registry.on_time"
CIVIL_ERROR_RATE = "civil_registry.error_rate"


@dataclass(frozen=True)
class RequiredResult:
    """One of the three results Services Publics+ asks every service to publish each year."""

    key: str
    title: str
    explanation: str
    matches: Callable[[Indicator], bool]


SERVICES_PUBLICS_PLUS_RESULTS = (
    RequiredResult(
        "decroche",
        "Taux de décroché",
        "Part des appels reçus pendant les heures d'ouverture auxquels un agent a répondu.",
        lambda indicator: indicator.metric_key == ANSWER_RATE,
    ),
    RequiredResult(
        "delais",
        "Respect des délais annoncés",
        "Part des courriers, courriels et demandes en ligne qui ont reçu une réponse dans le délai annoncé.",
        lambda indicator: indicator.metric_key == LETTERS_ON_TIME,
    ),
    RequiredResult(
        "satisfaction",
        "Satisfaction globale",
        "Part des usagers interrogés qui se disent satisfaits ou très satisfaits du service rendu.",
        lambda indicator: indicator.metric_key == SATISFACTION and indicator.params.get("question") == "globale",
    ),
)


@dataclass(frozen=True)
class Stored:
    value: float | None
    numerator: float | None
    denominator: float | None
    sample_size: int

    @property
    def counts_answers(self) -> bool:
        """Whether the value is read from a sample (calls, requests, survey answers, grids…):
        a share or a median, not a tally (a number of surveys held, whose count is the value
        itself) nor a figure typed by hand without counts."""
        tally = self.denominator is None and self.value == self.numerator == self.sample_size
        return bool(self.sample_size or self.denominator is not None) and not tally


@dataclass(frozen=True)
class YearFigure:
    """An indicator's year for one scope: its value (None when it does not add up), the
    counts behind it, and how many of its periods were measured and met the target."""

    value: float | None
    numerator: float | None
    denominator: float | None
    sample_size: int
    counts_answers: bool
    measured: int
    met: int

    @property
    def hidden(self) -> bool:
        return self.counts_answers and self.sample_size < MIN_ANSWERS


def year_figure(indicator: Indicator, values: list[Stored]) -> YearFigure | None:
    """The year of `values` (the indicator's stored values of the year for one scope, in its
    own granularity); None when none was measured."""
    measured = [stored for stored in values if stored.value is not None]
    if not measured:
        return None
    year = year_counts(indicator, measured)
    return YearFigure(
        year.value,
        year.numerator,
        year.denominator,
        sample_size=sum(stored.sample_size for stored in measured),
        counts_answers=not indicator.metric_key.startswith(OWN_CHECKS)
        and any(stored.counts_answers for stored in measured),
        measured=len(measured),
        met=sum(indicator.status_for(stored.value) == Status.MET for stored in measured),
    )


def _status(indicator: Indicator, figure: YearFigure | None) -> str:
    """The year's verdict: the year's value against the target; for a measure that does not
    add up, met when every period measured met it. The year is complete (actions checks it)."""
    if figure is None:
        return Status.NO_DATA
    if figure.hidden:
        return HIDDEN
    if figure.value is not None:
        return indicator.status_for(figure.value)
    return Status.MET if figure.met == figure.measured else Status.NOT_MET


# --- Plain French ------------------------------------------------------------------------


def _count(number: float) -> str:
    """1000.0 → "1 000"; a count that is not whole (points of a grid) keeps its decimals."""
    return format_count(round(number)) if abs(number - round(number)) < 1e-9 else format_number(number)


def _share(value: float) -> str:
    return format_measure(round(value, 1), PERCENT)


def _plural(count: float, one: str, many: str) -> str:
    return one if count < 2 else many


def _written_requests(indicator: Indicator) -> str:
    channels = indicator.params.get("channels") or [Channel.LETTER, Channel.EMAIL, Channel.WEB]
    names = {Channel.LETTER: "courriers", Channel.EMAIL: "courriels", Channel.WEB: "demandes en ligne"}
    words = [names.get(Channel(channel), Channel(channel).label) for channel in channels if channel in Channel.values]
    return " et ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else (words or ["demandes"])[0]


def _share_sentence(indicator: Indicator, top: float, bottom: float, value: float) -> str:
    key, n, d, share = indicator.metric_key, _count(top), _count(bottom), _share(value)
    if key == ANSWER_RATE:
        verb = _plural(top, "a été décroché", "ont été décrochés")
        return f"Sur {d} appels reçus, {n} {verb} par un agent, soit {share}."
    if key == LETTERS_ON_TIME:
        verb = _plural(top, "a reçu", "ont reçu")
        what = _written_requests(indicator)
        return f"Sur {d} {what} arrivés à échéance, {n} {verb} une réponse dans le délai annoncé, soit {share}."
    if key == SATISFACTION:
        verb = _plural(top, "se dit satisfaite ou très satisfaite", "se disent satisfaites ou très satisfaites")
        return f"Sur {d} personnes ayant donné leur avis, {n} {verb}, soit {share}."
    if key == CIVIL_ON_TIME:
        verb = _plural(top, "a été traitée", "ont été traitées")
        what = "demandes d'actes d'état civil arrivées à échéance"
        return f"Sur {d} {what}, {n} {verb} dans le délai annoncé, soit {share}."
    if key == CIVIL_ERROR_RATE:
        verb = _plural(top, "comportait une erreur", "comportaient une erreur")
        return f"Sur {d} actes d'état civil délivrés, {n} {verb} due au service, soit {share}."
    return f"Résultat : {share} ({n} sur {d})."


def sentence(indicator: Indicator, figure: YearFigure | None, period: Period) -> str:
    """The result in a sentence a citizen reads: "Sur 1 000 appels reçus, 912 ont été
    décrochés par un agent, soit 91,2 %." """
    if figure is None:
        return f"Aucun résultat mesuré en {period.label}."
    if figure.hidden:
        return HIDDEN_TEXT
    if figure.value is None:
        one, many = PERIOD_NAMES.get(Granularity(indicator.granularity), ("période", "périodes"))
        name = _plural(figure.measured, one, many)
        measured = _plural(figure.measured, "mesuré", "mesurés")
        return f"Objectif atteint {figure.met} {name} sur {figure.measured} {measured}."
    if indicator.unit == PERCENT and figure.numerator is not None and figure.denominator:
        return _share_sentence(indicator, figure.numerator, figure.denominator, figure.value)
    return f"Résultat : {format_measure(figure.value, indicator.unit)}."


# --- Cells -------------------------------------------------------------------------------


def _number(number: float | None, digits: int = 2) -> float | int | None:
    """A number as the open data gives it: whole numbers as integers, others rounded."""
    if number is None:
        return None
    rounded = round(number, digits)
    return int(rounded) if rounded == int(rounded) else rounded


def cell(
    indicator: Indicator, figure: YearFigure | None, *, period: Period, scope: str, scope_kind: str
) -> dict[str, Any]:
    """One published result: an indicator over the year for the town, a site or a service.
    A hidden cell carries none of its figures."""
    status = _status(indicator, figure)
    shown = figure is not None and not figure.hidden
    commitment = indicator.commitment
    return {
        "framework": commitment.framework.name,
        "commitment_code": commitment.code,
        "commitment": commitment.title,
        "indicator_code": indicator.code,
        "indicator": indicator.label,
        "metric": indicator.metric_key,
        "scope": scope,
        "scope_kind": scope_kind,
        "unit": indicator.unit,
        "comparator": indicator.comparator,
        "target_value": _number(float(indicator.target_value)),
        "target_label": indicator.target_label,
        "value": _number(figure.value) if shown and figure else None,
        "value_text": format_measure(round(figure.value, 1), indicator.unit)
        if shown and figure and figure.value is not None
        else "",
        "numerator": _number(figure.numerator) if shown and figure else None,
        "denominator": _number(figure.denominator) if shown and figure else None,
        "sample_size": figure.sample_size if shown and figure and figure.counts_answers else None,
        "periods_measured": figure.measured if shown and figure else None,
        "periods_met": figure.met if shown and figure else None,
        "status": str(status),
        "status_label": HIDDEN_LABEL if status == HIDDEN else STATUS_LABELS[Status(status)],
        "text": sentence(indicator, figure, period),
        "hidden": status == HIDDEN,
    }


# --- The snapshot ------------------------------------------------------------------------

Scope = tuple[int | None, int | None]  # (service id, site id); (None, None) for the whole town


def _public_indicators(organisation: Organisation) -> tuple[list[Commitment], list[Indicator]]:
    """The followed public commitments and their followed indicators that something measures
    (a planned measure has no value). Two queries."""
    commitments = list(
        Commitment.objects.for_org(organisation)
        .filter(is_active=True, is_public=True)
        .select_related("framework")
        .order_by("framework__name", "position", "code")
    )
    indicators = [
        indicator
        for indicator in Indicator.objects.for_org(organisation)
        .filter(is_active=True, commitment__in=commitments)
        .select_related("commitment__framework")
        .order_by("commitment__framework__name", "commitment__position", "commitment__code", "position", "code")
        if not indicator.is_planned
    ]
    return commitments, indicators


def _stored_values(
    organisation: Organisation, indicators: list[Indicator], period: Period
) -> dict[int, dict[Scope, list[Stored]]]:
    """Each indicator's stored values of the year in its own granularity, by scope. One query."""
    granularity = {indicator.pk: indicator.granularity for indicator in indicators}
    rows = (
        IndicatorValue.objects.for_org(organisation)
        .filter(indicator__in=list(granularity), period_start__gte=period.start, period_start__lt=period.end)
        .order_by("indicator", "period_start")
        .values_list(
            "indicator_id", "granularity", "service_id", "site_id", "value", "numerator", "denominator", "sample_size"
        )
    )
    stored: dict[int, dict[Scope, list[Stored]]] = defaultdict(lambda: defaultdict(list))
    for indicator_id, kind, service_id, site_id, value, numerator, denominator, sample in rows:
        if kind == granularity[indicator_id]:
            stored[indicator_id][(service_id, site_id)].append(Stored(value, numerator, denominator, sample))
    return stored


def _chosen(indicators: list[Indicator], required: RequiredResult) -> list[Indicator]:
    """The indicators that give a required result: those of the Services Publics+ framework
    when the town follows it, else the same measure in its other frameworks."""
    matching = [indicator for indicator in indicators if required.matches(indicator)]
    own = [indicator for indicator in matching if indicator.commitment.framework.code == SERVICES_PUBLICS_PLUS]
    return own or matching


def build_snapshot(*, organisation: Organisation, year: int) -> dict[str, Any]:
    """What a publication of `year` shows, as JSON data. Six queries."""
    period = Period(dt.date(year, 1, 1), Granularity.YEAR)
    commitments, indicators = _public_indicators(organisation)
    indicators = read_in_year(indicators, year)  # a closed year: judged against its closing's targets
    stored = _stored_values(organisation, indicators, period)
    services = dict(Service.objects.for_org(organisation).values_list("pk", "name"))
    sites = dict(Site.objects.for_org(organisation).values_list("pk", "name"))

    def town_cell(indicator: Indicator) -> dict[str, Any]:
        figure = year_figure(indicator, stored[indicator.pk][(None, None)])
        return cell(indicator, figure, period=period, scope=TOWN_SCOPE, scope_kind="town")

    def detail_cells(indicator: Indicator) -> list[dict[str, Any]]:
        scopes = stored[indicator.pk]
        by_site = sorted((sites[site], key) for key in scopes if (site := key[1]) is not None)
        by_service = sorted((services[service], key) for key in scopes if (service := key[0]) is not None)
        cells = [
            cell(indicator, year_figure(indicator, scopes[key]), period=period, scope=f"Site {name}", scope_kind="site")
            for name, key in by_site
        ]
        cells += [
            cell(indicator, year_figure(indicator, scopes[key]), period=period, scope=name, scope_kind="service")
            for name, key in by_service
        ]
        return cells

    required = []
    for result in SERVICES_PUBLICS_PLUS_RESULTS:
        chosen = _chosen(indicators, result)
        required.append(
            {
                "key": result.key,
                "title": result.title,
                "explanation": result.explanation,
                "results": [town_cell(indicator) for indicator in chosen],
                "details": [detail for indicator in chosen for detail in detail_cells(indicator)],
            }
        )
    by_commitment: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_commitment[indicator.commitment_id].append(indicator)
    frameworks: dict[str, dict[str, Any]] = {}
    for commitment in commitments:
        framework = frameworks.setdefault(
            commitment.framework.code,
            {"code": commitment.framework.code, "name": commitment.framework.name, "commitments": []},
        )
        framework["commitments"].append(
            {
                "code": commitment.code,
                "title": commitment.title,
                "results": [town_cell(indicator) for indicator in by_commitment[commitment.pk]],
            }
        )
    judged = [
        item["status"]
        for framework in frameworks.values()
        for commitment in framework["commitments"]
        for item in commitment["results"]
        if item["status"] in (Status.MET, Status.NOT_MET)
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "town": organisation.name,
        "year": year,
        "period": {
            "key": period.key,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.last_day.isoformat(),
        },
        "services_publics_plus": required,
        "frameworks": list(frameworks.values()),
        "summary": {"judged": len(judged), "met": judged.count(Status.MET)},
    }


def fingerprint(content: dict[str, Any]) -> str:
    """The SHA-256 of a snapshot: what the quality manager previewed is what gets published."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def all_cells(content: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every cell of a snapshot as (section, Services Publics+ result key or "", cell): the
    three Services Publics+ results (the town's, then each site's and service's), then the
    commitments'."""
    cells = [
        ("services_publics_plus", str(result["key"]), item)
        for result in content["services_publics_plus"]
        for item in [*result["results"], *result["details"]]
    ]
    cells += [
        ("engagements", "", item)
        for framework in content["frameworks"]
        for commitment in framework["commitments"]
        for item in commitment["results"]
    ]
    return cells


def has_results(content: dict[str, Any]) -> bool:
    """Whether anything was measured in the year (a hidden cell was)."""
    return any(item["status"] != Status.NO_DATA for _section, _key, item in all_cells(content))
