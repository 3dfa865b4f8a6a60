"""The grid editor's pages: every member reads the grids; the quality manager (and the
administrator) creates, edits, reorders and duplicates them (audits.editor). A grid on which a
filled grid was submitted reads only, but for its frequency and use (docs/audits.md).

A change posted from a page opened before another change is refused with 409 and writes
nothing; a refused input comes back on its form with 400."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from audits import editor
from audits.forms import CriterionForm, GridForm, MoveForm, VersionForm
from audits.models import Criterion, Grid
from audits.queries import commitment_labels, criteria_by_commitment, grid_rows
from core.access import Capability, OrgRequest, can, get_for_org, org_view
from core.concurrency import ConcurrentEditError
from core.web import REFUSED, STALE, Save, acting_user, form_page

NAV = {"nav_section": "audits"}
MANAGE = Capability.MANAGE_QUALITY


def _grid(request: OrgRequest, grid_id: int) -> Grid:
    return get_for_org(Grid, request, pk=grid_id)


def _criterion(request: OrgRequest, criterion_id: int) -> Criterion:
    return get_for_org(Criterion.objects.select_related("grid__organisation"), request, pk=criterion_id)


def _detail_url(request: OrgRequest, grid: Grid, anchor: str = "") -> str:
    address = reverse("audits:grid_detail", args=[request.org.slug, grid.pk])
    return f"{address}#{anchor}" if anchor else address


def _show_detail(request: OrgRequest, grid: Grid, refusal: str = "", status: int = 200) -> HttpResponse:
    grid.refresh_from_db()
    locked = editor.is_locked(grid)
    context = {
        **NAV,
        "grid": grid,
        "groups": criteria_by_commitment(grid, commitment_labels(request.org)),
        "locked": locked,
        "editable": not locked and can(request.membership, MANAGE),
        "campaigns": grid.campaigns.count(),
        "refusal": refusal,
    }
    return render(request, "audits/editor/detail.html", context, status=status)


def _locked(request: OrgRequest, grid: Grid) -> HttpResponseBase | None:
    """An edit page of a locked grid shows the grid's own page, which says why."""
    return _show_detail(request, grid) if editor.is_locked(grid) else None


def _form_page(
    request: OrgRequest,
    form: forms.Form,
    save: Save,
    *,
    template: str,
    context: dict[str, Any],
    done: Callable[[object], tuple[str, str]],
) -> HttpResponseBase:
    return form_page(request, form, save, template=f"audits/editor/{template}", context={**NAV, **context}, done=done)


@org_view()
def grid_list(request: OrgRequest) -> HttpResponse:
    return render(request, "audits/editor/list.html", {**NAV, "grids": grid_rows(request.org)})


@org_view(read=MANAGE, write=MANAGE)
def grid_new(request: OrgRequest) -> HttpResponseBase:
    form = GridForm(request.POST or None, creating=True, initial={"is_active": True, "frequency": "month"})

    def save(data: dict[str, Any]) -> Grid:
        return editor.create_grid(
            organisation=request.org, actor=acting_user(request), today=request.org.today(), values=form.values()
        )

    def done(grid: object) -> tuple[str, str]:
        assert isinstance(grid, Grid)
        return _detail_url(request, grid), f"La grille « {grid} » est créée : ajoutez ses critères."

    context = {"grid": None, "title": "Nouvelle grille"}
    return _form_page(request, form, save, template="form.html", context=context, done=done)


@org_view()
def grid_detail(request: OrgRequest, grid_id: int) -> HttpResponse:
    return _show_detail(request, _grid(request, grid_id))


@org_view(read=MANAGE, write=MANAGE)
def grid_edit(request: OrgRequest, grid_id: int) -> HttpResponseBase:
    grid = _grid(request, grid_id)
    locked = editor.is_locked(grid)
    form = GridForm(request.POST or None, initial=GridForm.initial_for(grid), locked=locked)

    def save(data: dict[str, Any]) -> object:
        return editor.update_grid(
            grid=grid, actor=acting_user(request), seen_version=data["version"], values=form.values()
        )

    def done(_: object) -> tuple[str, str]:
        return _detail_url(request, grid), "La grille est enregistrée."

    context = {"grid": grid, "title": f"Modifier la grille « {grid} »", "locked": locked}
    return _form_page(request, form, save, template="form.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def grid_duplicate(request: OrgRequest, grid_id: int) -> HttpResponseBase:
    """« Dupliquer pour une nouvelle version » (POST): an editable copy, opened at once."""
    grid = _grid(request, grid_id)
    if request.method != "POST":  # after the lookup: another town's grid is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    copy = editor.duplicate_grid(grid=grid, actor=acting_user(request), today=request.org.today())
    messages.success(
        request, f"Copie créée : « {copy} ». Elle remplace l'ancienne version pour les prochaines campagnes."
    )
    return redirect(_detail_url(request, copy))


def _criterion_context(grid: Grid, title: str) -> dict[str, Any]:
    return {"grid": grid, "title": title}


@org_view(read=MANAGE, write=MANAGE)
def criterion_new(request: OrgRequest, grid_id: int) -> HttpResponseBase:
    grid = _grid(request, grid_id)
    if request.method == "GET" and (locked := _locked(request, grid)):
        return locked
    initial = {"version": grid.version, "commitment_code": request.GET.get("engagement", ""), "weight": 1}
    form = CriterionForm(request.POST or None, organisation=request.org, initial=initial)

    def save(data: dict[str, Any]) -> object:
        return editor.add_criterion(
            grid=grid, actor=acting_user(request), seen_version=data["version"], values=form.values()
        )

    def done(criterion: object) -> tuple[str, str]:
        assert isinstance(criterion, Criterion)
        return _detail_url(request, grid, f"critere-{criterion.pk}"), "Critère ajouté."

    context = _criterion_context(grid, "Nouveau critère")
    return _form_page(request, form, save, template="form.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def criterion_edit(request: OrgRequest, criterion_id: int) -> HttpResponseBase:
    criterion = _criterion(request, criterion_id)
    grid = criterion.grid
    if request.method == "GET" and (locked := _locked(request, grid)):
        return locked
    initial = CriterionForm.initial_for(criterion, grid.version)
    form = CriterionForm(request.POST or None, organisation=request.org, criterion=criterion, initial=initial)

    def save(data: dict[str, Any]) -> object:
        return editor.update_criterion(
            criterion=criterion, actor=acting_user(request), seen_version=data["version"], values=form.values()
        )

    def done(_: object) -> tuple[str, str]:
        return _detail_url(request, grid, f"critere-{criterion.pk}"), "Critère enregistré."

    context = _criterion_context(grid, "Modifier un critère")
    return _form_page(request, form, save, template="form.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def criterion_delete(request: OrgRequest, criterion_id: int) -> HttpResponseBase:
    criterion = _criterion(request, criterion_id)
    grid = criterion.grid
    if request.method == "GET" and (locked := _locked(request, grid)):
        return locked
    form = VersionForm(request.POST or None, initial={"version": grid.version})

    def save(data: dict[str, Any]) -> object:
        editor.delete_criterion(criterion=criterion, actor=acting_user(request), seen_version=data["version"])
        return None

    def done(_: object) -> tuple[str, str]:
        return _detail_url(request, grid), f"Critère « {criterion} » supprimé."

    context = {"grid": grid, "criterion": criterion, "title": "Supprimer un critère"}
    return _form_page(request, form, save, template="confirm_delete.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def criterion_move(request: OrgRequest, criterion_id: int) -> HttpResponseBase:
    criterion = _criterion(request, criterion_id)
    grid = criterion.grid
    if request.method != "POST":  # after the lookup: another town's criterion is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _show_detail(request, grid, "La demande est incomplète : rechargez la page.", REFUSED)
    try:
        editor.move_criterion(
            criterion=criterion,
            actor=acting_user(request),
            seen_version=form.cleaned_data["version"],
            direction=form.cleaned_data["direction"],
        )
    except ConcurrentEditError as error:
        return _show_detail(request, grid, str(error), STALE)
    except ValidationError as error:
        return _show_detail(request, grid, " ".join(error.messages), REFUSED)
    messages.success(request, "Critère déplacé.")
    return redirect(_detail_url(request, grid, f"critere-{criterion.pk}"))
