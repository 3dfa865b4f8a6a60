"""The small helpers every app's views share, written once: who acts, how an action's refusal
shows on a form, which export format a page asks for, and which page of a list to show.

Views call these instead of keeping their own copies, so that a refusal lands on the same
field, a bad export format gets the same answer and `?page=` reads the same everywhere."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from core.closing import CorrectionReasonRequired
from core.concurrency import ConcurrentEditError
from core.models import Organisation, User

# The formats every export offers (documents.exports writes them); CSV when the page names none.
EXPORT_FORMATS = ("csv", "xlsx", "ods")
DEFAULT_EXPORT_FORMAT = "csv"


def acting_user(request: HttpRequest) -> User:
    """The signed-in person a view's action is credited to (`org_view` has checked the login)."""
    return cast(User, request.user)


def show_refusal(form: forms.BaseForm, error: ValidationError) -> None:
    """Show an action's refusal on the form: each message under the field it names when the form
    has that field, above the form otherwise (an action may name a field the page does not show,
    or none at all). A change of a closed year's record that needs its reason marks the form, so
    that its errors ask for it (`includes/form_errors.html`, core.closing)."""
    if isinstance(error, CorrectionReasonRequired):
        form.asks_correction_reason = True  # type: ignore[attr-defined]
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# A refused change (400) and a change made on a stale page (409): nothing written in both cases.
REFUSED, STALE = 400, 409
Save = Callable[[dict[str, Any]], object]


def form_page(
    request: HttpRequest,
    form: forms.Form,
    save: Save,
    *,
    template: str,
    context: dict[str, Any],
    done: Callable[[object], tuple[str, str]],
) -> HttpResponseBase:
    """A form page that changes records (the questionnaire and grid editors): `save(cleaned_data)`
    on a valid post, then to the address `done(result)` gives with its message; a refusal shows on
    the form (400), a stale page gets 409; nothing is written in both cases."""
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                result = save(form.cleaned_data)
            except ConcurrentEditError as error:
                form.add_error(None, str(error))
                status = STALE
            except ValidationError as error:
                show_refusal(form, error)
            else:
                address, message = done(result)
                messages.success(request, message)
                return redirect(address)
    return render(request, template, {"form": form, **context}, status=status)


def export_format(request: HttpRequest) -> str | None:
    """The file format asked by `?format=`: csv when absent, xlsx or ods; None for anything
    else, which every export refuses with `unknown_export_format`."""
    file_format = request.GET.get("format", DEFAULT_EXPORT_FORMAT)
    return file_format if file_format in EXPORT_FORMATS else None


def unknown_export_format() -> HttpResponseBadRequest:
    """The answer to an export asked in a format we do not write."""
    return HttpResponseBadRequest("Format d'export inconnu : choisissez csv, xlsx ou ods.")


def page_of(request: HttpRequest, items: Any, *, per_page: int) -> Page[Any]:
    """The page of `items` asked by `?page=`: the first when absent or not a number, the last
    when past the end (Django's `get_page`)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def town_url(name: str, organisation: Organisation, **query: Any) -> str:
    """The address of the town's page `name` opened on the filters `query` (a home's "À faire"
    line opens the list of the records it counts): `town_url("complaints:home", org, overdue="on")`."""
    address = reverse(name, kwargs={"org_slug": organisation.slug})
    return f"{address}?{urlencode(query)}" if query else address


# What a public form's "sent" page may say (the number given, whether an e-mail went): kept
# in a signed cookie of the town's public pages for a while, never in a session row.
RECEIPT_WINDOW = dt.timedelta(hours=1)


def keep_receipt(
    response: HttpResponseRedirect, *, name: str, salt: str, organisation: Organisation, values: dict[str, Any]
) -> HttpResponseRedirect:
    response.set_signed_cookie(
        name,
        json.dumps({"org": organisation.slug, **values}),
        salt=salt,
        max_age=int(RECEIPT_WINDOW.total_seconds()),
        path=f"/p/{organisation.slug}/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def read_receipt(request: HttpRequest, *, name: str, salt: str, organisation: Organisation) -> dict[str, Any]:
    """The values `keep_receipt` kept for this town, or {} (none, expired, tampered with)."""
    raw = request.get_signed_cookie(name, default="", salt=salt, max_age=RECEIPT_WINDOW)
    try:
        kept = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return kept if isinstance(kept, dict) and kept.get("org") == organisation.slug else {}
