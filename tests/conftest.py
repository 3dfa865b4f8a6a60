"""Browser fixtures: Playwright drives Debian's Chromium (never a downloaded browser)."""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

from accounts.testing import log_in_verified
from core.models import User

# pytest-django's live server and Playwright's sync API share the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def log_in(live_server, page: Page) -> Callable[[User], Page]:
    """Open a session for `user` in the browser without typing the password each time."""

    def log_in_as(user: User) -> Page:
        client = log_in_verified(Client(), user)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return page

    return log_in_as


@pytest.fixture
def kiosk_page(live_server, browser, kiosk_client) -> Iterator[Callable[..., Page]]:
    """A browser page of a tablet paired with `organisation` (its own context: no agent's
    session), opened on nothing yet: kiosk_page(org, screens=("ticket",)); every screen by
    default; `javascript=False` for a browser without it. Its `device` attribute is the
    KioskDevice."""
    from core.kiosk import COOKIE_NAME

    contexts = []

    def open_tablet(
        organisation: Any,
        screens: tuple[str, ...] = ("ticket", "enquete", "salle-attente", "rendez-vous"),
        javascript: bool = True,
    ) -> Page:
        client = kiosk_client(organisation, screens)
        context = browser.new_context(viewport={"width": 1024, "height": 768}, java_script_enabled=javascript)
        contexts.append(context)
        cookie = {"name": COOKIE_NAME, "value": client.cookies[COOKIE_NAME].value, "url": live_server.url + "/borne/"}
        context.add_cookies([cookie])
        page = context.new_page()
        page.device = client.device  # type: ignore[attr-defined]
        return page

    yield open_tablet
    for context in contexts:
        context.close()
