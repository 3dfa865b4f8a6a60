"""Plain SVG charts (no matplotlib) and matplotlib charts drawn once per change of their data."""

from unittest import mock

import pytest
from django.core.cache import caches

from documents import charts
from documents.svg import line_chart, sparkline


@pytest.fixture(autouse=True)
def empty_chart_cache():
    caches[charts.CHARTS_CACHE].clear()
    yield
    caches[charts.CHARTS_CACHE].clear()


def test_a_line_chart_is_a_named_image_with_its_target_and_no_inline_style():
    svg = line_chart(
        labels=[("janv.", "2026"), ("févr.", "")],
        values=[88.0, None],
        target=90.0,
        title="Évolution <de> 8.1 & cible",
        value_text=lambda number: f"{number:.0f} %",
        target_label="cible ≥ 90 %",
    )
    assert svg.startswith('<svg class="trend-chart" role="img" aria-label="Évolution &lt;de&gt; 8.1 &amp; cible"')
    assert 'stroke-dasharray="6 4"' in svg and "cible ≥ 90 %" in svg
    assert "style" not in svg and "<script" not in svg


def test_a_missing_value_breaks_the_line():
    svg = line_chart(
        labels=[("a", ""), ("b", ""), ("c", ""), ("d", "")],
        values=[1.0, 2.0, None, 3.0],
        target=None,
        title="t",
        value_text=str,
    )
    path = svg.split('<path d="')[1].split('"')[0]
    assert path.count("M") == 2 and path.count("L") == 1


def test_a_sparkline_is_hidden_from_screen_readers():
    svg = sparkline([None, None], 90.0)
    assert 'aria-hidden="true"' in svg and "style" not in svg


def test_a_second_chart_of_the_same_data_is_not_drawn_again():
    with mock.patch.object(charts, "to_svg", wraps=charts.to_svg) as draws:
        first = charts.bar_chart(["lundi", "mardi"], {"Appels": [12, 7]}, title="Appels par jour")
        second = charts.bar_chart(["lundi", "mardi"], {"Appels": [12, 7]}, title="Appels par jour")
    assert first == second and draws.call_count == 1


def test_a_change_of_the_data_draws_the_chart_again():
    with mock.patch.object(charts, "to_svg", wraps=charts.to_svg) as draws:
        charts.bar_chart(["lundi", "mardi"], {"Appels": [12, 7]}, title="Appels par jour")
        changed = charts.bar_chart(["lundi", "mardi"], {"Appels": [12, 8]}, title="Appels par jour")
        charts.heatmap({(0, 18): 3.0}, title="Carte", first_slot=16, last_slot=35)
        charts.heatmap({(0, 18): 4.0}, title="Carte", first_slot=16, last_slot=35)
    assert draws.call_count == 4 and changed.startswith("<svg")


def test_cached_svg_keys_by_kind_and_data():
    drawn = []

    def draw(text):
        drawn.append(text)
        return f"<svg>{text}</svg>"

    assert charts.cached_svg("a", [1, 2], lambda: draw("x")) == "<svg>x</svg>"
    assert charts.cached_svg("a", [1, 2], lambda: draw("y")) == "<svg>x</svg>"
    assert charts.cached_svg("b", [1, 2], lambda: draw("z")) == "<svg>z</svg>"
    assert drawn == ["x", "z"]
