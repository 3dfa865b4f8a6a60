"""Reads for the commitment pages. Each runs a fixed number of queries, whatever the size."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from commitments.models import (
    PLANNED_METRIC_NOTE,
    STATUS_LABELS,
    Commitment,
    Framework,
    Indicator,
    IndicatorService,
    IndicatorValue,
    Module,
    Status,
    ValueSource,
)
from commitments.targets import attach_closed_targets
from commitments.trends import Trend, indicator_trends
from core.audit import history_of
from core.closing import closings_in_force
from core.models import AuditEvent, Organisation, Service, Site, YearCorrection
from core.periods import Granularity, Period
from core.registries import METRICS, RecordPanel


def values_marker(organisation: Organisation, today: dt.date) -> str:
    """A cheap mark that changes whenever what the commitment pages show may have changed:
    the town's latest stored value (its `computed_at`, set at each write and recomputation),
    its latest audit event (a target, a commitment, a site or a deleted value changed), and
    the day (a period becomes complete). One query on two indexes, whatever the town's size:
    the overview, the summary and the home (dashboards.views.home: every step, import and
    setting is journaled) keep their rendered HTML under it, ten minutes at most: two writers
    committing out of order could leave the mark of the later one in place."""
    latest_value = IndicatorValue.objects.filter(organisation=OuterRef("pk")).order_by("-computed_at")
    latest_event = AuditEvent.objects.filter(organisation=OuterRef("pk")).order_by("-at", "-id")
    value_at, event_id = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(value_at=Subquery(latest_value.values("computed_at")[:1]))
        .annotate(event_id=Subquery(latest_event.values("pk")[:1]))
        .values_list("value_at", "event_id")
        .get()
    )
    stamp = value_at.isoformat() if value_at else "-"
    return f"{organisation.pk}:{today.isoformat()}:{stamp}:{event_id or '-'}"


def sites_with_values(organisation: Organisation) -> list[Site]:
    """The sites whose own values are stored and shown: every site of a town with several
    (annexes, district town halls), none for a town with one site, whose values are the town's."""
    sites = list(Site.objects.for_org(organisation).order_by("name"))
    return sites if len(sites) > 1 else []


def chosen_site(sites: list[Site], code: str | None) -> Site | None:
    """The site named by its code (`?site=` on pages, `--site` on the command line), if any."""
    return next((site for site in sites if site.code == code), None) if code else None


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with its latest result (the latest complete period with a value, all
    services together) and its verdict, and beside it the current period's value so far."""

    indicator: Indicator
    latest: IndicatorValue | None
    current_period: Period
    current: IndicatorValue | None = None
    trend: Trend | None = None

    @property
    def status(self) -> Status:
        """The verdict of the latest complete period: never of the current one."""
        if self.indicator.is_planned or self.latest is None:
            return Status.NO_DATA
        return self.indicator.status_for(self.latest.value, year=self.latest.period_start.year)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def current_status(self) -> Status:
        if self.indicator.is_planned or self.current is None or self.current.value is None:
            return Status.NO_DATA
        return Status.IN_PROGRESS

    @property
    def current_status_label(self) -> str:
        return STATUS_LABELS[self.current_status]

    @property
    def note(self) -> str:
        return PLANNED_METRIC_NOTE if self.indicator.is_planned else ""


@dataclass
class CommitmentRow:
    commitment: Commitment
    indicators: list[IndicatorRow] = field(default_factory=list)


@dataclass
class ModuleRow:
    module: Module
    commitments: list[CommitmentRow] = field(default_factory=list)


@dataclass
class FrameworkRow:
    framework: Framework
    modules: list[ModuleRow] = field(default_factory=list)


@dataclass(frozen=True)
class Summary:
    met: int
    not_met: int
    no_data: int

    @property
    def total(self) -> int:
        return self.met + self.not_met + self.no_data


# The overview's status filter (?statut=), in the query string's French words.
STATUS_FILTERS = {
    "atteint": Status.MET,
    "non_atteint": Status.NOT_MET,
    "sans_donnee": Status.NO_DATA,
    "en_cours": Status.IN_PROGRESS,
}


@dataclass(frozen=True)
class OverviewFilters:
    """What the overview's form chose (each empty for all): framework and site by code, module
    by id, service by code, status by its word in STATUS_FILTERS."""

    framework: str = ""
    site: str = ""
    module: str = ""
    service: str = ""
    status: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> OverviewFilters:
        status = query.get("statut", "")
        return cls(
            framework=query.get("framework", ""),
            site=query.get("site", ""),
            module=query.get("module", ""),
            service=query.get("service", ""),
            status=status if status in STATUS_FILTERS else "",
        )

    @property
    def narrowing(self) -> bool:
        """Whether the list is narrowed below the framework and site: empty commitments hide."""
        return bool(self.module or self.service or self.status)


@dataclass
class Overview:
    frameworks: list[FrameworkRow]
    available: list[Framework]
    selected: Framework | None
    summary: Summary
    sites: list[Site] = field(default_factory=list)
    site: Site | None = None
    modules: list[Module] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    filters: OverviewFilters = OverviewFilters()

    @property
    def status_choices(self) -> list[tuple[str, str]]:
        return [(word, STATUS_LABELS[status]) for word, status in STATUS_FILTERS.items()]


def _current_starts(today: dt.date) -> dict[Granularity, dt.date]:
    return {granularity: Period.containing(today, granularity).start for granularity in Granularity}


def with_latest_value(
    indicators: QuerySet[Indicator], *, today: dt.date, site: Site | None = None
) -> QuerySet[Indicator]:
    """Annotate each indicator, in its own granularity and for all services together (of the
    whole town, or of `site`), with the id of its latest non-empty value of a complete period
    (`latest_value_id`) and of its value of the current period (`current_value_id`): two
    correlated subqueries served by the value index. A period is complete when it started
    before the current one of its granularity."""
    values = IndicatorValue.objects.filter(
        organisation=OuterRef("organisation"),
        indicator=OuterRef("pk"),
        granularity=OuterRef("granularity"),
        service__isnull=True,
        site=site,
        value__isnull=False,
    )
    starts = _current_starts(today)
    complete = Q()
    current = Q()
    for granularity, start in starts.items():
        complete |= Q(granularity=granularity, period_start__lt=start)
        current |= Q(granularity=granularity, period_start=start)
    latest = values.filter(complete).order_by("-period_start").values("pk")[:1]
    now = values.filter(current).values("pk")[:1]
    return indicators.annotate(latest_value_id=Subquery(latest), current_value_id=Subquery(now))


def indicator_rows(indicators: QuerySet[Indicator], *, today: dt.date, site: Site | None = None) -> list[IndicatorRow]:
    """Three queries: the indicators, their latest complete and current values, the targets of
    the closed years."""
    annotated = attach_closed_targets(list(with_latest_value(indicators, today=today, site=site)))
    ids = [
        pk
        for indicator in annotated
        for pk in (indicator.latest_value_id, indicator.current_value_id)  # type: ignore[attr-defined]
        if pk
    ]
    values = IndicatorValue.objects.in_bulk(ids)
    return [
        IndicatorRow(
            indicator,
            latest=values.get(indicator.latest_value_id),  # type: ignore[attr-defined]
            current_period=Period.containing(today, Granularity(indicator.granularity)),
            current=values.get(indicator.current_value_id),  # type: ignore[attr-defined]
        )
        for indicator in annotated
    ]


def _summary(rows: list[CommitmentRow]) -> Summary:
    followed = [
        row.status
        for commitment_row in rows
        if commitment_row.commitment.is_active
        for row in commitment_row.indicators
        if row.indicator.is_active
    ]
    counts = Counter(followed)
    return Summary(met=counts[Status.MET], not_met=counts[Status.NOT_MET], no_data=counts[Status.NO_DATA])


def _group(commitment_rows: list[CommitmentRow]) -> list[FrameworkRow]:
    frameworks: dict[int, FrameworkRow] = {}
    modules: dict[int, ModuleRow] = {}
    for row in commitment_rows:
        module = row.commitment.module
        if module.pk not in modules:
            modules[module.pk] = ModuleRow(module)
            framework = row.commitment.framework
            frameworks.setdefault(framework.pk, FrameworkRow(framework)).modules.append(modules[module.pk])
        modules[module.pk].commitments.append(row)
    return list(frameworks.values())


def _concerning(indicators: QuerySet[Indicator], service: Service | None) -> QuerySet[Indicator]:
    """The indicators that concern `service`: those naming it, and those naming none (they
    concern every service)."""
    if service is None:
        return indicators
    links = IndicatorService.objects.filter(indicator=OuterRef("pk"))
    return indicators.filter(Exists(links.filter(service=service)) | ~Exists(links))


def _shows(row: IndicatorRow, status: str) -> bool:
    """Whether a row passes the status filter: its latest verdict, or a current value so far."""
    if not status:
        return True
    wanted = STATUS_FILTERS[status]
    if wanted == Status.IN_PROGRESS:
        return row.current_status == Status.IN_PROGRESS
    return row.status == wanted


def _with_trends(
    rows: list[IndicatorRow], *, organisation: Organisation, today: dt.date, site: Site | None
) -> list[IndicatorRow]:
    trends = indicator_trends([row.indicator for row in rows], organisation=organisation, today=today, site=site)
    return [replace(row, trend=trends[row.indicator.pk]) for row in rows]


def commitments_overview(
    *,
    organisation: Organisation,
    today: dt.date,
    framework_code: str | None = None,
    site_code: str | None = None,
    filters: OverviewFilters | None = None,
) -> Overview:
    """The town's commitments grouped by framework then module, each indicator with its target,
    latest result (latest complete period) and its verdict, the current period's value so far,
    its trend over its last complete periods, and the count of indicators met, not met and
    without data on their latest result; of the whole town, or of the site named by
    `site_code` in a town with several. `filters` narrow the list by module, service (the
    indicators concerning it) and status; the counts follow module and service, not status.

    Seven queries whatever the number of commitments: sites, services, frameworks,
    commitments, indicators, latest values, trend values."""
    filters = filters or OverviewFilters(framework=framework_code or "", site=site_code or "")
    sites = sites_with_values(organisation)
    site = chosen_site(sites, filters.site)
    services = list(Service.objects.for_org(organisation).order_by("name"))
    service = next((choice for choice in services if choice.code == filters.service), None) if filters.service else None
    available = list(Framework.objects.for_org(organisation))
    selected = next((framework for framework in available if framework.code == filters.framework), None)
    shown = [selected] if selected else available
    commitments = list(
        Commitment.objects.for_org(organisation)
        .filter(framework__in=shown)
        .select_related("module", "framework")
        .order_by("framework__name", "module__number", "position", "code")
    )
    modules = list({commitment.module_id: commitment.module for commitment in commitments}.values())
    if any(str(module.pk) == filters.module for module in modules):
        commitments = [commitment for commitment in commitments if str(commitment.module_id) == filters.module]
    rows = {commitment.pk: CommitmentRow(commitment) for commitment in commitments}
    indicators = _concerning(Indicator.objects.for_org(organisation).filter(commitment__in=commitments), service)
    ordered_indicators = indicators.order_by("commitment", "position", "code")
    indicator_list = indicator_rows(ordered_indicators, today=today, site=site)
    for indicator_row in _with_trends(indicator_list, organisation=organisation, today=today, site=site):
        rows[indicator_row.indicator.commitment_id].indicators.append(indicator_row)
    ordered = [rows[commitment.pk] for commitment in commitments]
    summary = _summary(ordered)
    for commitment_row in ordered:
        commitment_row.indicators = [row for row in commitment_row.indicators if _shows(row, filters.status)]
    if filters.narrowing:
        ordered = [row for row in ordered if row.indicators]
    return Overview(
        frameworks=_group(ordered),
        available=available,
        selected=selected,
        summary=summary,
        sites=sites,
        site=site,
        modules=modules,
        services=services,
        filters=filters,
    )


@dataclass(frozen=True)
class ValueRow:
    """A stored value with its status on the day shown: a verdict, or *en cours*. A value of
    a closed year is frozen (core.closing); `corrections` counts the changes made after the
    closing to the records it was computed from (their app: the indicator's metric prefix)."""

    value: IndicatorValue
    status: Status
    records_url: str = ""  # the records behind a computed value, when its metric lists them
    closing_id: int | None = None  # the closing in force of its year: frozen
    corrections: int = 0

    @property
    def frozen(self) -> bool:
        return self.closing_id is not None

    @property
    def closing_target(self) -> str:
        """The target of its year's closing when the indicator's target has changed since."""
        indicator, year = self.value.indicator, self.value.period_start.year
        changed = self.frozen and indicator.target_in(year) != indicator.target_in(None)
        return indicator.target_label_in(year) if changed else ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def records_url(indicator: Indicator, value: IndicatorValue) -> str:
    """The page of the records behind a computed value (core.metrics.Metric.records_url)."""
    if value.source != ValueSource.COMPUTED or indicator.metric_key not in METRICS:
        return ""
    link = METRICS.get(indicator.metric_key).records_url
    return link(indicator.organisation, value.period, dict(indicator.params)) if link is not None else ""


@dataclass
class IndicatorDetail:
    row: IndicatorRow
    values: list[ValueRow]
    panels: list[RecordPanel] = field(default_factory=list)


@dataclass
class CommitmentPage:
    commitment: Commitment
    indicators: list[IndicatorDetail]
    history: list[AuditEvent]
    sites: list[Site] = field(default_factory=list)
    site: Site | None = None


def commitment_page(*, commitment: Commitment, today: dt.date, site_code: str | None = None) -> CommitmentPage:
    """A commitment with its indicators, every stored value per period and service or site
    with its status on `today` (a verdict for a complete period, *en cours* otherwise), and the
    history of the commitment and its indicators. With a site chosen (a town with several),
    the latest results are the site's and the values those of the site and of its services.
    A fixed number of queries."""
    organisation = commitment.organisation
    sites = sites_with_values(organisation)
    site = chosen_site(sites, site_code)
    indicators = (
        Indicator.objects.for_org(organisation)
        .filter(commitment=commitment)
        .prefetch_related(Prefetch("services", queryset=Service.objects.select_related("site")))
        .order_by("position", "code")
    )
    rows = _with_trends(
        indicator_rows(indicators, today=today, site=site), organisation=organisation, today=today, site=site
    )
    by_id = {row.indicator.pk: row.indicator for row in rows}
    values: dict[int, list[ValueRow]] = defaultdict(list)
    stored = IndicatorValue.objects.for_org(organisation).filter(indicator__commitment=commitment)
    if site is not None:
        stored = stored.filter(Q(site=site) | Q(service__site=site))
    frozen = dict(closings_in_force(organisation).values_list("year", "pk"))
    corrections = corrections_by_prefix(organisation) if frozen else {}
    for value in stored.select_related("service__site", "site", "entered_by").order_by(
        "indicator", "-period_start", "site__name", "service__name"
    ):
        value.indicator = by_id[value.indicator_id]  # the indicator already read: no query per value
        year, prefix = value.period_start.year, value.indicator.metric_key.split(".")[0]
        values[value.indicator_id].append(
            ValueRow(
                value,
                value.status(today),
                records_url(value.indicator, value),
                closing_id=frozen.get(year),
                corrections=corrections.get((year, prefix), 0),
            )
        )
    history = history_of(commitment) | AuditEvent.objects.filter(
        organisation=organisation,
        object_type=Indicator._meta.label_lower,
        object_id__in=[str(row.indicator.pk) for row in rows],
    ).select_related("actor")
    return CommitmentPage(
        commitment=commitment,
        indicators=[IndicatorDetail(row, values[row.indicator.pk]) for row in rows],
        history=list(history.order_by("-at", "-id")),
        sites=sites,
        site=site,
    )


def corrections_by_prefix(organisation: Organisation) -> dict[tuple[int, str], int]:
    """How many corrections after closing each closed year holds, by the metric prefix of the
    records corrected ("correspondence"): the commitment page marks the year's values of the
    indicators those records feed. One query."""
    rows = (
        YearCorrection.objects.filter(organisation=organisation, closing__reopened_at__isnull=True)
        .values_list("year", "metric_prefix")
        .annotate(count=Count("pk"))
    )
    return {(year, prefix): count for year, prefix, count in rows}


def _coded_commitments(organisation: Organisation) -> list[tuple[Commitment, str, str]]:
    """Each commitment the town follows with the code and label operational records name it
    by. Several frameworks: the code is prefixed by the framework's."""
    commitments = Commitment.objects.filter(organisation=organisation, is_active=True).select_related("framework")
    rows = list(commitments.order_by("framework__name", "position", "code"))
    several = len({commitment.framework_id for commitment in rows}) > 1
    coded = []
    for commitment in rows:
        code = f"{commitment.framework.code}:{commitment.code}" if several else commitment.code
        prefix = f"{commitment.framework.name} " if several else ""
        coded.append((commitment, code, f"{prefix}{commitment.code}. {commitment.title}"))
    return coded


def commitment_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """(code, "code. title") of the commitments the town follows, for operational records
    (a complaint) that name one."""
    return [(code, label) for _commitment, code, label in _coded_commitments(organisation)]


def internal_commitment_codes(organisation: Organisation) -> set[str]:
    """The codes (as `commitment_choices` gives them) of the commitments the town does not
    show the public (Commitment.is_public false): the public complaint form leaves them out."""
    return {code for commitment, code, _label in _coded_commitments(organisation) if not commitment.is_public}


@dataclass(frozen=True)
class PeriodValue:
    """A followed indicator with its stored value for one period and service, if any."""

    indicator: Indicator
    value: IndicatorValue | None


def values_for_period(
    *, organisation: Organisation, period: Period, service: Service | None, site: Site | None = None
) -> list[PeriodValue]:
    """Every followed indicator with the value stored for that very period and `service` or
    `site` (both None: the whole town), or None. Two queries."""
    values = {
        value.indicator_id: value
        for value in IndicatorValue.objects.for_org(organisation).filter(
            granularity=period.granularity, period_start=period.start, service=service, site=site
        )
    }
    indicators = (
        Indicator.objects.for_org(organisation)
        .filter(is_active=True, commitment__is_active=True)
        .select_related("commitment__framework")
        .order_by("commitment__framework__name", "commitment__position", "commitment__code", "position", "code")
    )
    return [PeriodValue(indicator, values.get(indicator.pk)) for indicator in indicators]
