"""The published results in a real browser, on a desk and on a 390 px phone: axe finds no
violation on any public page, and the phone never scrolls sideways."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from core.models import Role
from publication.actions import publish_results
from publication.tests.conftest import NOW
from tests.conftest import browser_type_launch_args  # noqa: F401 -- Debian's Chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW)]
axe = Axe()
PHONE = 390


def assert_no_axe_violations(page: Page) -> None:
    for width in (1280, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        results = axe.run(page)
        assert results.violations_count == 0, f"{page.url} ({width} px)\n{results.generate_report()}"
        if width == PHONE:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, page.url


def test_every_public_results_page_has_no_accessibility_violation(live_server, town, year_2025, make_member, page):
    base = f"{live_server.url}/p/{town.slug}/resultats/"
    response = page.goto(base)  # nothing published yet: a plain page that says so
    assert response is not None and response.status == 404
    assert_no_axe_violations(page)
    manager = make_member(town, Role.QUALITY_MANAGER)
    publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    publish_results(organisation=town, year=2025, actor=manager, now=NOW)  # a correction: two versions listed
    for address in (base, f"{base}2025/", f"{base}2025/v1/"):
        response = page.goto(address)
        assert response is not None and response.status == 200, address
        assert_no_axe_violations(page)
