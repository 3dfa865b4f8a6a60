"""Display helpers for commitment pages."""

from collections.abc import Callable

from django import template
from django.utils.safestring import SafeString

from commitments.models import YES_NO_UNIT, format_measure, format_number
from commitments.trends import Trend
from core.periods import Granularity, Period
from documents.svg import line_chart, sparkline

register = template.Library()


@register.filter
def measure(value: float | str | None, unit: str) -> str:
    """A value with its unit: {{ value.value|measure:indicator.unit }} → "92,5 %". A missing
    value (None, or "" when the template lookup failed) shows as a dash."""
    return format_measure(None if value in (None, "") else float(value), unit)


@register.filter
def number(value: float | str | None) -> str:
    """A bare number in French writing, or a dash when empty."""
    return "—" if value in (None, "") else format_number(float(value))


SHORT_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def _short_label(period: Period) -> tuple[str, str]:
    """A chart's label of a period and its year (the chart writes a year once)."""
    year = str(period.start.year)
    if period.granularity == Granularity.MONTH:
        return SHORT_MONTHS[period.start.month - 1], year
    if period.granularity == Granularity.QUARTER:
        return f"T{(period.start.month + 2) // 3}", year
    return year, ""


def _axis_text(unit: str) -> Callable[[float], str]:
    if unit == YES_NO_UNIT:
        return lambda number: "oui" if number >= 1 else "non" if number <= 0 else ""
    return lambda number: format_measure(round(number, 1), unit)


@register.simple_tag
def trend_chart(trend: Trend) -> SafeString:
    """The trend's line chart against its target, named for screen readers; its data table
    comes with it in includes/trend.html."""
    indicator = trend.indicator
    latest = trend.latest
    count = len(trend.points)
    periods = {"month": "derniers mois terminés", "quarter": "derniers trimestres terminés"}
    title = (
        f"Évolution de l'indicateur {indicator.code} sur les {count} "
        f"{periods.get(indicator.granularity, 'dernières années terminées')}, "
        f"cible {indicator.target_label} : {latest.period.label}, "
        f"{format_measure(latest.value, indicator.unit)} ({latest.status_label.lower()})"
    )
    return line_chart(
        labels=[_short_label(point.period) for point in trend.points],
        values=[point.value for point in trend.points],
        target=float(indicator.target_value),
        title=title,
        value_text=_axis_text(indicator.unit),
        target_label=f"cible {indicator.target_label}",
    )


@register.filter
def trend_sparkline(trend: Trend) -> SafeString:
    return sparkline([point.value for point in trend.points], float(trend.indicator.target_value))
