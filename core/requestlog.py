"""Every request gets an id: kept for the request's log lines, echoed in `X-Request-ID`, so an
error a person reports ("code de la demande") leads to its lines in the logs and the proxy's.

The id comes from the reverse proxy when it sends a well-formed `X-Request-ID` (nginx's
`$request_id`), so the proxy's and the application's lines share it; otherwise it is made here.
Error mails to the administrators leave out what people typed (`PersonalDataFilter`)."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.debug import SafeExceptionReporterFilter

HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")
NO_REQUEST = "-"

current_request_id: ContextVar[str] = ContextVar("current_request_id", default=NO_REQUEST)


def request_id_for(request: HttpRequest) -> str:
    """The proxy's id when well formed (letters, digits, `._-`, 8 to 64 characters), else a new one."""
    given = request.headers.get(HEADER, "")
    return given if WELL_FORMED.fullmatch(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_for(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        # Kept until the answer is closed (`forget_request_id`): Django logs an answer's 4xx or
        # 5xx status after the middleware returned it.
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def forget_request_id(**kwargs: Any) -> None:
    current_request_id.set(NO_REQUEST)


request_finished.connect(forget_request_id, dispatch_uid="core.requestlog.forget_request_id")


class RequestIdFilter(logging.Filter):
    """Gives each log record the id of the request being served (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class PersonalDataFilter(SafeExceptionReporterFilter):
    """Error reports (the administrators' mails) hide every posted value, cookies and the
    client's address: a citizen's name or address must not travel by mail."""

    HIDDEN_META = ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_COOKIE")

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None:
            return {}
        return {name: self.cleansed_substitute for name in request.POST}

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        return {key: self.cleansed_substitute if key in self.HIDDEN_META else value for key, value in meta.items()}

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, Any]:
        return {name: self.cleansed_substitute for name in request.COOKIES}
