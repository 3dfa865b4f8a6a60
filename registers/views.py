"""View helpers the register pages share (registers.models): a register describes its pages
once in a `RegisterPages` (its app, how an item is fetched and shown) and its views stay thin:

- `step` / `day_step`: a workflow step posted from the item's page. On a bad date or a step
  the workflow refuses, the item's page again with the message (400); on a stale page (someone
  saved the item meanwhile), back to the item's page with the message naming who; nothing is
  written in both cases;
- `edit`: an edit form with the concurrent-edit check (409 on a stale page);
- `import_page`: a register file uploaded and imported, with its report.

Every view fetches its object first, so that another town's id is a 404 even on GET."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.access import OrgRequest
from core.concurrency import ConcurrentEditError, Versioned
from core.web import acting_user, show_refusal
from registers.forms import DayStepForm
from registers.imports import Importer, ImportReport
from registers.models import RegisterRecord

PER_PAGE = 25  # a register list's page size


def edit_initial(record: Versioned, fields: list[str]) -> dict[str, Any]:
    """The edit form's initial values: the record's `fields` and the version the page shows."""
    return {name: getattr(record, name) for name in fields} | {"version": record.version}


# Runs a step with the form's cleaned data.
StepRunner = Callable[[dict[str, Any]], object]
# Writes an edit: (the version the page showed, the form's other fields).
EditSaver = Callable[[int, dict[str, Any]], object]
# A register's step action: (item, actor=, seen_version=, on=).
DayAction = Callable[..., object]


@dataclass(frozen=True)
class RegisterPages:
    """The pages of one register. `app` names its templates folder, URL namespace and
    navigation section; `item_kwarg` the URL parameter of an item (`act_id`); `get_item`
    fetches an item of the town (404 otherwise); `detail_context(request, item, **forms)` is
    the context of the item's page, whose forms a failed step replaces."""

    app: str
    item_kwarg: str
    detail_template: str
    get_item: Callable[[OrgRequest, int], Any]
    detail_context: Callable[..., dict[str, Any]]

    def render(self, request: OrgRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        return render(request, f"{self.app}/{template}", {"nav_section": self.app, **context}, status=status)

    def url(self, request: OrgRequest, name: str, **kwargs: Any) -> str:
        return reverse(f"{self.app}:{name}", kwargs={"org_slug": request.org.slug, **kwargs})

    def detail_url(self, request: OrgRequest, item: RegisterRecord) -> str:
        return self.url(request, "detail", **{self.item_kwarg: item.pk})

    def detail(self, request: OrgRequest, item: RegisterRecord, status: int = 200, **forms: Any) -> HttpResponse:
        return self.render(request, self.detail_template, self.detail_context(request, item, **forms), status=status)

    def step(
        self,
        request: OrgRequest,
        item: RegisterRecord,
        form_name: str,
        form: forms.Form,
        run: StepRunner,
        done: str,
        next_url: str | None = None,
    ) -> HttpResponseBase:
        """Run a step posted from the item's page; `done` is the success message, in which
        `{reference}` is the item's reference. Then to `next_url`, or back to the item."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if form.is_valid():
            try:
                run(form.cleaned_data)
            except ConcurrentEditError as error:
                messages.error(request, str(error))
                return redirect(self.detail_url(request, item))
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, done.format(reference=item.display_reference))
                return redirect(next_url or self.detail_url(request, item))
        item.refresh_from_db()
        return self.detail(request, item, status=400, **{form_name: form})

    def day_step(
        self,
        request: OrgRequest,
        item_id: int,
        action: DayAction,
        form_name: str,
        label: str,
        done: str,
        next_url: str | None = None,
    ) -> HttpResponseBase:
        """A step that happens on a day: `action(item, actor=, seen_version=, on=)`."""
        item = self.get_item(request, item_id)
        form = DayStepForm(request.POST, today=timezone.localdate(), label=label)

        def run(data: dict[str, Any]) -> object:
            return action(item, actor=acting_user(request), seen_version=data["version"], on=data["on"])

        return self.step(request, item, form_name, form, run, done, next_url)

    def edit(
        self,
        request: OrgRequest,
        form: forms.Form,
        save: EditSaver,
        *,
        template: str,
        context: dict[str, Any],
        done: str,
        success_url: str,
    ) -> HttpResponseBase:
        """The edit page of a record: `save(seen_version, data)` on a valid post, then to
        `success_url` with the message `done`; a stale page gets 409 and writes nothing."""
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                save(data.pop("version"), data)
            except ConcurrentEditError as error:
                form.add_error(None, str(error))
                return self.render(request, template, context, status=409)
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, done)
                return redirect(success_url)
        return self.render(request, template, context)

    def import_page(
        self, request: OrgRequest, form: forms.Form, importer_of: Callable[[dict[str, Any]], Importer]
    ) -> HttpResponse:
        """The import page: the file posted is imported by `importer_of(cleaned_data)`."""
        report: ImportReport | None = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            report = importer_of(form.cleaned_data)(
                organisation=request.org,
                binary=upload.file,
                filename=upload.name or "import.csv",
                actor=acting_user(request),
                all_or_nothing=form.cleaned_data["all_or_nothing"],
            )
        return self.render(request, "import.html", {"form": form, "report": report})
