"""The second half of the organisation pages through axe (the first: test_browser_pages.py):
a file of its own, so that pytest-xdist's `--dist loadfile` can run the two halves at once."""

import pytest

from tests.test_browser_pages import walk_organisation_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_half_of_the_organisation_pages_has_no_accessibility_violation(
    live_server, org, make_member, log_in
):
    walk_organisation_pages(live_server, org, make_member, log_in, half=1)
