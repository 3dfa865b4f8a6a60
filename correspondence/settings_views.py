"""The town's settings of written requests: deadline rules, categories and the
acknowledgement letter template. Quality managers and administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone

from core.access import Capability, OrgRequest, get_for_org, org_view
from core.concurrency import ConcurrentEditError
from core.web import acting_user
from correspondence import actions
from correspondence.forms import CategoryEditForm, CategoryForm, RuleForm, TemplateForm
from correspondence.letters import PLACEHOLDERS, acknowledgement_letter, sample_request
from correspondence.models import AcknowledgementTemplate, Category, DeadlineRule
from correspondence.views import PAGES
from registers.views import edit_initial

QUALITY = {"read": Capability.MANAGE_QUALITY, "write": Capability.MANAGE_QUALITY}


def _to_settings(request: OrgRequest) -> HttpResponseBase:
    return redirect("correspondence:settings", org_slug=request.org.slug)


def _posted(request: OrgRequest, prefix: str) -> Any:
    """Bound data only for the form whose button was pressed (two forms share the page)."""
    return request.POST if request.method == "POST" and request.POST.get("form") == prefix else None


@org_view(**QUALITY)
def settings(request: OrgRequest) -> HttpResponseBase:
    rule_form = RuleForm(_posted(request, "rule"), organisation=request.org)
    category_form = CategoryForm(_posted(request, "category"))
    if rule_form.is_bound and rule_form.is_valid():
        try:
            actions.save_rule(organisation=request.org, actor=acting_user(request), rule=None, **rule_form.cleaned_data)
        except ValidationError as error:
            rule_form.add_error(None, error)
        else:
            messages.success(request, "La règle de délai a été ajoutée.")
            return _to_settings(request)
    if category_form.is_bound and category_form.is_valid():
        try:
            actions.add_category(organisation=request.org, actor=acting_user(request), **category_form.cleaned_data)
        except ValidationError as error:
            category_form.add_error(None, error)
        else:
            messages.success(request, "La catégorie a été ajoutée.")
            return _to_settings(request)
    rules = DeadlineRule.objects.filter(organisation=request.org).select_related("category")
    categories = Category.objects.filter(organisation=request.org)
    context = {"rules": rules, "categories": categories, "rule_form": rule_form, "category_form": category_form}
    return PAGES.render(request, "settings.html", context, status=400 if request.method == "POST" else 200)


@org_view(**QUALITY)
def rule_edit(request: OrgRequest, rule_id: int) -> HttpResponseBase:
    rule = get_for_org(DeadlineRule.objects.select_related("category"), request, pk=rule_id)
    initial = {name: getattr(rule, name) for name in actions.RULE_FIELDS}
    form = RuleForm(request.POST or None, initial=initial, organisation=request.org)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_rule(organisation=request.org, actor=acting_user(request), rule=rule, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "La règle de délai a été modifiée ; les demandes en cours suivent le nouveau délai."
            )
            return _to_settings(request)
    return PAGES.render(request, "rule_form.html", {"form": form, "rule": rule})


@org_view(**QUALITY)
def rule_delete(request: OrgRequest, rule_id: int) -> HttpResponseBase:
    rule = get_for_org(DeadlineRule, request, pk=rule_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.delete_rule(rule=rule, actor=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "La règle de délai a été supprimée.")
    return _to_settings(request)


@org_view(**QUALITY)
def category_edit(request: OrgRequest, category_id: int) -> HttpResponseBase:
    category = get_for_org(Category, request, pk=category_id)
    form = CategoryEditForm(request.POST or None, initial={"name": category.name, "is_active": category.is_active})
    if request.method == "POST" and form.is_valid():
        actions.update_category(category=category, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, f"La catégorie « {category.name} » a été modifiée.")
        return _to_settings(request)
    return PAGES.render(request, "category_form.html", {"form": form, "category": category})


def _preview(request: OrgRequest, template: AcknowledgementTemplate) -> Any:
    written, service = sample_request()
    return acknowledgement_letter(written, service, template, today=timezone.localdate(), organisation=request.org)


@org_view(**QUALITY)
def template_edit(request: OrgRequest) -> HttpResponseBase:
    template = actions.acknowledgement_template(request.org)
    initial = edit_initial(template, actions.TEMPLATE_FIELDS)
    form = TemplateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        seen_version = data.pop("version")
        if "preview" in request.POST:
            draft = AcknowledgementTemplate(organisation=request.org, **data)
            context = {
                "form": form,
                "letter": _preview(request, draft),
                "placeholders": PLACEHOLDERS,
                "previewing": True,
            }
            return PAGES.render(request, "template_form.html", context)
        try:
            actor = acting_user(request)
            actions.save_acknowledgement_template(template, actor=actor, seen_version=seen_version, **data)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            messages.success(request, "Le modèle d'accusé de réception a été enregistré.")
            return redirect("correspondence:template_edit", org_slug=request.org.slug)
    context = {"form": form, "letter": _preview(request, template), "placeholders": PLACEHOLDERS}
    return PAGES.render(request, "template_form.html", context, status=status)
