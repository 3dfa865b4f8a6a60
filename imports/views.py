"""The import pages (/o/<slug>/imports/): sources of call logs and queue exports, their JSON
file, uploading a file, and each run with its progress and summary.

An uploaded file is imported in a thread of the web process (imports.background)
so that the page answers at once; the run page polls the run every second with htmx and
shows a progress bar, then the summary. Managing sources and uploading files need
MANAGE_QUALITY."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.access import Capability, OrgRequest, get_for_org, org_view
from core.web import acting_user, page_of
from imports import ImportResult, import_file, import_in_background, kind_spec, start_run
from imports.forms import (
    SourceForm,
    SourceJsonForm,
    UploadForm,
    create_source,
    delete_source,
    import_max_bytes,
    source_deletion_blocker,
    source_to_json,
    update_source,
)
from imports.kinds import KINDS
from imports.models import ImportRun, ImportSource, ImportStatus

MANAGE = Capability.MANAGE_QUALITY
RUNS_PER_PAGE = 25
STOP_POLLING = 286  # htmx stops polling on this status


def _page(request: OrgRequest, template: str, context: dict[str, Any] | None = None) -> HttpResponse:
    return render(request, f"imports/{template}", {"nav_section": "imports", **(context or {})})


def _posted(request: OrgRequest) -> dict[str, Any]:
    return {"data": request.POST, "files": request.FILES} if request.method == "POST" else {}


# --- Sources ------------------------------------------------------------------------------------


@org_view(read=MANAGE)
def sources(request: OrgRequest) -> HttpResponse:
    sources = list(ImportSource.objects.for_org(request.org).filter(kind__in=KINDS.keys()).order_by("label"))
    # One query whatever the number of kinds the apps offer.
    by_kind = [(spec, [source for source in sources if source.kind == spec.kind]) for spec in KINDS.values()]
    recent = ImportRun.objects.for_org(request.org).select_related("source", "actor")[:10]
    return _page(request, "sources.html", {"by_kind": by_kind, "recent": recent})


def _kind_of(request: OrgRequest) -> str:
    kind = request.GET.get("donnees") or request.POST.get("kind") or ""
    return kind if kind in KINDS else KINDS.keys()[0]


@org_view(read=MANAGE, write=MANAGE)
def source_add(request: OrgRequest) -> HttpResponseBase:
    spec = kind_spec(_kind_of(request))
    form = SourceForm(**_posted(request), organisation=request.org, spec=spec)
    if form.is_bound and form.is_valid():
        try:
            source = create_source(organisation=request.org, actor=acting_user(request), values=form.values)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"La source « {source.label} » a été créée.")
            return redirect("imports:upload", org_slug=request.org.slug, source_id=source.pk)
    return _page(request, "source_form.html", {"form": form, "spec": spec})


@org_view(read=MANAGE, write=MANAGE)
def source_edit(request: OrgRequest, source_id: int) -> HttpResponseBase:
    source = get_for_org(ImportSource, request, pk=source_id)
    spec = kind_spec(source.kind)
    form = SourceForm(**_posted(request), organisation=request.org, spec=spec, source=source)
    if form.is_bound and form.is_valid():
        try:
            update_source(source=source, actor=acting_user(request), values=form.values)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"La source « {source.label} » a été modifiée.")
            return redirect("imports:sources", org_slug=request.org.slug)
    return _page(request, "source_form.html", {"form": form, "spec": spec, "source": source})


@org_view(read=MANAGE, write=MANAGE)
def source_from_json(request: OrgRequest) -> HttpResponseBase:
    form = SourceJsonForm(**_posted(request), organisation=request.org)
    if form.is_bound and form.is_valid():
        source = create_source(organisation=request.org, actor=acting_user(request), values=form.cleaned_data["file"])
        messages.success(request, f"La source « {source.label} » a été créée depuis le fichier.")
        return redirect("imports:source_edit", org_slug=request.org.slug, source_id=source.pk)
    return _page(request, "source_json.html", {"form": form})


@org_view(read=MANAGE)
def source_json(request: OrgRequest, source_id: int) -> HttpResponse:
    source = get_for_org(ImportSource, request, pk=source_id)
    text = json.dumps(source_to_json(source), ensure_ascii=False, indent=2)
    response = HttpResponse(text + "\n", content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="source-{source.kind}-{source.name}.json"'
    return response


@org_view(read=MANAGE, write=MANAGE)
def source_delete(request: OrgRequest, source_id: int) -> HttpResponseBase:
    source = get_for_org(ImportSource, request, pk=source_id)
    if request.method == "POST":
        try:
            delete_source(source=source, actor=acting_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"La source « {source.label} » a été supprimée.")
        return redirect("imports:sources", org_slug=request.org.slug)
    return _page(request, "source_delete.html", {"source": source, "blocker": source_deletion_blocker(source)})


# --- Uploading a file ---------------------------------------------------------------------------


class CappedUploadHandler(FileUploadHandler):
    """Refuses a request body over the cap before reading it, and stops a body that lies
    about its length as soon as it passes the cap."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.received = 0
        self.too_big = False

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        self.too_big = content_length > self.limit

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if self.too_big:  # nothing of the file is stored; the fields before it (CSRF token) are kept
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _stored_copy(upload: UploadedFile) -> Path:
    """The uploaded file in a private temporary file the import thread reads, then deletes."""
    handle, name = tempfile.mkstemp(prefix="qualipilote-import-", suffix=Path(upload.name or "").suffix.lower())
    with os.fdopen(handle, "wb") as out:
        temporary = getattr(upload, "temporary_file_path", None)
        if temporary is not None:
            with open(temporary(), "rb") as source:
                shutil.copyfileobj(source, out, 1024 * 1024)
        else:
            for block in upload.chunks():
                out.write(block)
    return Path(name)


def _start_import(request: OrgRequest, source: ImportSource, upload: UploadedFile, *, replace: bool) -> ImportRun:
    path = _stored_copy(upload)
    run = start_run(
        source=source, filename=upload.name or "fichier", actor=acting_user(request), total_bytes=upload.size or 0
    )
    if getattr(settings, "QUALIPILOTE_IMPORTS_IN_BACKGROUND", True):
        import_in_background(source=source, path=path, run=run, replace=replace)
    else:  # tests: the same engine, synchronously
        try:
            import_file(source=source, path=path, run=run, replace=replace)
        finally:
            path.unlink(missing_ok=True)
    return run


@csrf_exempt  # the upload handler must be set before the body is read; CSRF is checked below
@org_view(read=MANAGE, write=MANAGE)
def upload(request: OrgRequest, source_id: int) -> HttpResponseBase:
    request.upload_handlers = [CappedUploadHandler(import_max_bytes()), *request.upload_handlers]
    return _upload(request, source_id)


@csrf_protect
def _upload(request: OrgRequest, source_id: int) -> HttpResponseBase:
    source = get_for_org(ImportSource, request, pk=source_id)
    form = UploadForm(**_posted(request), source=source)
    if request.method == "POST" and "file" not in request.FILES:
        limit = import_max_bytes() // (1024 * 1024)
        form.add_error("file", f"Choisissez un fichier de {limit} Mio au plus.")
    elif form.is_bound and form.is_valid():
        run = _start_import(request, source, form.cleaned_data["file"], replace=form.cleaned_data.get("replace", False))
        return redirect("imports:run", org_slug=request.org.slug, run_id=run.pk)
    return _page(request, "upload.html", {"form": form, "source": source, "spec": kind_spec(source.kind)})


# --- Runs ---------------------------------------------------------------------------------------


@org_view(read=MANAGE)
def runs(request: OrgRequest) -> HttpResponse:
    """Every import, newest first; `?type=calls` keeps those of one kind of data (an unknown
    kind shows them all)."""
    all_runs = ImportRun.objects.for_org(request.org).select_related("source", "actor")
    kind = request.GET.get("type", "")
    spec = KINDS.get(kind) if kind in KINDS else None
    if spec is not None:
        all_runs = all_runs.filter(source__kind=kind)
    page = page_of(request, all_runs, per_page=RUNS_PER_PAGE)
    return _page(request, "runs.html", {"page": page, "kind": spec})


@org_view(read=MANAGE)
def run(request: OrgRequest, run_id: int) -> HttpResponse:
    """The run page; asked by htmx, only its state (status 286 once finished: polling stops)."""
    import_run = get_for_org(ImportRun.objects.select_related("source", "actor"), request, pk=run_id)
    context = {
        "run": import_run,
        "result": ImportResult(import_run),
        "running": import_run.status == ImportStatus.RUNNING,
    }
    if getattr(request, "htmx", False):
        response = render(request, "imports/includes/run_state.html", context)
        if not context["running"]:
            response.status_code = STOP_POLLING
        return response
    return _page(request, "run.html", context)
