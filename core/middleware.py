"""Request middleware of core."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone


class TownTimeMiddleware:
    """Each request starts and ends in the project's time zone: a town's page switches to the
    town's zone once its organisation is known (`core.access.use_town_time`), and this puts the
    default back, so a thread serving Nouméa next serves Paris in Paris time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
