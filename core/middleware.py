"""Request middleware of core."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.cache import patch_cache_control


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


class SecurityHeadersMiddleware:
    """Headers every answer carries: a `Permissions-Policy` turning off the browser features no
    page uses, and `Cache-Control: private, no-store` on the pages of a signed-in person, so that
    neither a shared cache nor the browser's back button keeps a town's data after logout. An
    answer that chose its own caching (a logo, a file) keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_store=True)
        return response
