"""Walks the URL configuration so that access and accessibility tests cover every view,
including the ones written after these tests."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    view: Callable[..., Any]

    @property
    def access_rule(self) -> str | None:
        return getattr(self.view, "access_rule", None)

    @property
    def parameters(self) -> list[str]:
        return [match["name"] for match in PARAMETER.finditer(self.pattern)]

    def url(self, values: dict[str, Any]) -> str:
        missing = [name for name in self.parameters if name not in values]
        if missing:
            raise KeyError(
                f"Route {self.pattern!r} ({self.name}) takes {missing}: add a sample value for it in tests/samples.py"
            )
        return "/" + PARAMETER.sub(lambda match: str(values[match["name"]]), self.pattern)


def _walk(patterns: list[Any], prefix: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield Route(prefix + str(entry.pattern), entry.name or "", entry.callback)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, ""))


def organisation_routes() -> list[Route]:
    return [route for route in all_routes() if route.access_rule == "organisation"]


def kiosk_routes() -> list[Route]:
    """The screens of a paired tablet (core.access.kiosk_view, under /borne/<org_slug>/)."""
    return [route for route in all_routes() if route.access_rule == "kiosk"]
