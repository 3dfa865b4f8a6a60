"""The client's address behind trusted reverse proxies (QUALIPILOTE_TRUSTED_PROXIES, ADR 0014).

Each proxy appends to X-Forwarded-For the address it was connected from, and the app sees the
last proxy as REMOTE_ADDR. python-ipware reads the chain "X-Forwarded-For, REMOTE_ADDR" against
the configured proxies: a count, or one address or network per proxy. The socket's address
closes the chain, so a client that reaches the app directly cannot pass for a listed proxy by
writing the header itself. `ClientAddressMiddleware` runs first and puts the client's address in
REMOTE_ADDR, so that every later reader (rate limits, the login lockout, logs) sees the same."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from python_ipware import IpWare

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


@functools.cache
def _resolver(trusted: int | tuple[str, ...]) -> IpWare:
    if isinstance(trusted, int):
        return IpWare(precedence=(FORWARDED_FOR,), proxy_count=trusted)
    return IpWare(precedence=(FORWARDED_FOR,), proxy_list=list(trusted))


def client_address(meta: Mapping[str, Any], trusted: int | list[str] | None) -> str:
    """The client's address: the peer's own (REMOTE_ADDR) unless the request came through the
    `trusted` proxies, then the address the outermost of them saw."""
    peer = str(meta.get("REMOTE_ADDR", ""))
    forwarded = meta.get(FORWARDED_FOR, "")
    if not trusted or not forwarded or not peer:
        return peer
    key = trusted if isinstance(trusted, int) else tuple(trusted)
    address, through_trusted = _resolver(key).get_client_ip({FORWARDED_FOR: f"{forwarded}, {peer}"})
    return str(address) if address is not None and through_trusted else peer


def request_address(request: HttpRequest) -> str:
    """The client's address of a request that went through the middleware (AXES_CLIENT_IP_CALLABLE)."""
    return str(request.META.get("REMOTE_ADDR", ""))


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = client_address(request.META, settings.QUALIPILOTE_TRUSTED_PROXIES)
        return self.get_response(request)
