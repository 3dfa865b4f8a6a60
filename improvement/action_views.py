"""The improvement plan's pages. Thin: fetch through get_for_org, call a query or an action,
render. Everyone in the town reads the plan; members who may capture open actions; an action is
changed or moved along its workflow by its owner or by a quality manager (or administrator)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audits.models import CriterionAnswer
from commitments.models import Indicator
from complaints.models import Complaint
from core.access import Capability, OrgRequest, can, get_for_org, org_view
from core.concurrency import ConcurrentEditError
from core.web import acting_user, export_format, page_of, show_refusal, unknown_export_format
from documents.exports import export_response
from improvement import actions
from improvement.forms import ActionForm, FilterForm, StepForm
from improvement.models import ImprovementAction, Origin
from improvement.queries import EXPORT_HEADERS, STATES, action_page, export_rows, filtered_actions
from improvement.workflow import WORKFLOW
from surveys.models import Comment, Question

NAV = {"nav_section": "improvement"}
PAGE_SIZE = 25
# The buttons of the action's page, in the table's order.
STEP_BUTTONS = {
    "plan": "Planifier",
    "begin": "Démarrer",
    "complete": "Marquer comme réalisée",
    "confirm_effective": "Efficacité vérifiée",
    "find_ineffective": "Constater la non-efficacité",
    "relaunch": "Relancer",
    "cancel": "Abandonner",
}


def may_change(request: OrgRequest, action: ImprovementAction) -> bool:
    """The action's owner, or whoever manages quality, may change it and move it along."""
    membership = request.membership
    if can(membership, Capability.MANAGE_QUALITY):
        return True
    return can(membership, Capability.CAPTURE) and action.owner_id == membership.user_id


def _to_detail(request: OrgRequest, action: ImprovementAction) -> HttpResponseBase:
    return redirect("improvement:action_detail", org_slug=request.org.slug, action_id=action.pk)


@org_view()
def action_list(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = FilterForm(request.GET or None, organisation=request.org)
    page = page_of(request, filtered_actions(request.org, filters.filters(), today=today), per_page=PAGE_SIZE)
    context = {**NAV, "filters": filters, "page": page, "today": today, "states": STATES}
    return render(request, "improvement/action_list.html", context)


@org_view()
def action_export(request: OrgRequest) -> HttpResponseBase:
    file_format = export_format(request)
    if file_format is None:
        return unknown_export_format()
    today = timezone.localdate()
    actions_found = filtered_actions(
        request.org, FilterForm(request.GET, organisation=request.org).filters(), today=today
    )
    return export_response(
        EXPORT_HEADERS, export_rows(actions_found), file_format, f"plan-amelioration-{today:%Y-%m-%d}"
    )


@org_view()
def action_detail(request: OrgRequest, action_id: int) -> HttpResponse:
    related = ("owner", "commitment", "service", "origin_indicator", "check_indicator", "decision__meeting")
    action = get_for_org(ImprovementAction.objects.select_related(*related), request, pk=action_id)
    today = timezone.localdate()
    steps = (
        [(step, STEP_BUTTONS[step]) for step in WORKFLOW.allowed_steps(action)] if may_change(request, action) else []
    )
    context = {**NAV, "page": action_page(action), "action": action, "steps": steps, "today": today}
    context |= {"may_change": may_change(request, action), "form": StepForm(initial={"version": action.version})}
    return render(request, "improvement/action_detail.html", context | {"origin_url": origin_url(request, action)})


def origin_url(request: OrgRequest, action: ImprovementAction) -> str:
    """The page of the record the action comes from: a complaint, a grid's finding, an
    auditor's note, an indicator."""
    if action.origin_type == "complaints.complaint" and action.origin_id.isdigit():
        return reverse("complaints:detail", args=[request.org.slug, int(action.origin_id)])
    if action.origin_type == "improvement.auditnote" and action.origin_id.isdigit():
        return reverse("improvement:note_detail", args=[request.org.slug, int(action.origin_id)])
    if action.origin_type == "audits.criterionanswer" and action.origin_id.isdigit():
        return finding_url(request, int(action.origin_id))
    if action.origin_indicator is not None:
        return reverse("commitments:commitment_detail", args=[request.org.slug, action.origin_indicator.commitment_id])
    return ""


def finding_url(request: OrgRequest, answer_id: int) -> str:
    """The filled grid's page, at the finding the action comes from (empty once it is gone)."""
    assessment_id = (
        CriterionAnswer.objects.filter(organisation=request.org, pk=answer_id)
        .values_list("assessment_id", flat=True)
        .first()
    )
    if assessment_id is None:
        return ""
    return reverse("audits:assessment_detail", args=[request.org.slug, assessment_id]) + f"#reponse-{answer_id}"


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def action_new(request: OrgRequest) -> HttpResponseBase:
    today = timezone.localdate()
    initial = {"owner": request.user.pk, "due_on": today}
    form = ActionForm(request.POST or None, initial=initial, organisation=request.org, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            action = actions.open_action(organisation=request.org, actor=acting_user(request), **form.changes())
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"L'action {action.number} est ouverte.")
            return _to_detail(request, action)
    return render(request, "improvement/action_form.html", {**NAV, "form": form, "action": None})


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def action_edit(request: OrgRequest, action_id: int) -> HttpResponseBase:
    action = get_for_org(ImprovementAction.objects.select_related("owner"), request, pk=action_id)
    if not may_change(request, action):
        raise PermissionDenied("Seuls le responsable de l'action et les responsables qualité peuvent la modifier.")
    today = timezone.localdate()
    form = ActionForm(
        request.POST or None,
        initial=ActionForm.initial_for(action),
        organisation=request.org,
        today=today,
        action=action,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_action(
                action=action, actor=acting_user(request), seen_version=form.cleaned_data["version"], **form.changes()
            )
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
            status = 409
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"L'action {action.number} est enregistrée.")
            return _to_detail(request, action)
    return render(request, "improvement/action_form.html", {**NAV, "form": form, "action": action}, status=status)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def action_step(request: OrgRequest, action_id: int) -> HttpResponseBase:
    """One workflow step, with its note; a refusal or a concurrent change comes back as a message."""
    action = get_for_org(ImprovementAction.objects.select_related("organisation"), request, pk=action_id)
    if request.method != "POST":  # after the lookup: another town's action is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    if not may_change(request, action):
        raise PermissionDenied("Seuls le responsable de l'action et les responsables qualité peuvent la faire avancer.")
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Étape incomplète : rechargez la page et recommencez.")
        return _to_detail(request, action)
    data = form.cleaned_data
    try:
        actions.step_action(
            action=action, step=data["step"], actor=acting_user(request), seen_version=data["version"],
            today=timezone.localdate(), note=data["note"],
        )  # fmt: skip
    except (ConcurrentEditError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"{action.number} : {action.get_status_display()}.")
    return _to_detail(request, action)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
@require_POST
def action_open_from(request: OrgRequest) -> HttpResponseBase:
    """The one click from a complaint, an indicator, a survey comment or question, or an audit
    finding: a proposed action, then its edit page."""
    data = request.GET.copy()
    data.update(request.POST)
    today, actor = timezone.localdate(), acting_user(request)
    if data.get("origin") == Origin.COMPLAINT:
        complaint = get_for_org(Complaint, request, pk=_number(data.get("record")))
        action = actions.open_action_from_complaint(complaint=complaint, actor=actor, today=today)
    elif data.get("origin") == Origin.INDICATOR:
        indicator = get_for_org(Indicator, request, pk=_number(data.get("indicator")))
        action = actions.open_action_from_indicator(indicator=indicator, actor=actor, today=today)
    elif data.get("origin") == Origin.SURVEY and data.get("comment"):
        comments = Comment.objects.select_related("response__campaign", "question")
        comment = get_for_org(comments, request, pk=_number(data.get("comment")))
        action = actions.open_action_from_survey_comment(comment=comment, actor=actor, today=today)
    elif data.get("origin") == Origin.SURVEY:
        question = get_for_org(Question, request, pk=_number(data.get("question")))
        action = actions.open_action_from_survey_question(question=question, actor=actor, today=today)
    elif data.get("origin") == Origin.AUDIT:
        answers = CriterionAnswer.objects.select_related(
            "assessment__campaign__grid", "assessment__service", "criterion"
        )
        answer = get_for_org(answers, request, pk=_number(data.get("finding")))
        try:
            action = actions.open_action_from_audit_finding(answer=answer, actor=actor, today=today)
        except ValidationError as error:
            return HttpResponse(" ".join(error.messages), status=400)
    else:
        return HttpResponse(
            "Origine inconnue : réclamation, indicateur, enquête ou constat de contrôle attendu.", status=400
        )
    messages.success(request, f"L'action {action.number} est ouverte : précisez-la puis enregistrez.")
    return redirect("improvement:action_edit", org_slug=request.org.slug, action_id=action.pk)


def _number(text: str | None) -> int:
    """A record's id from the form; anything else finds nothing (404)."""
    return int(text) if text and text.isdigit() else 0
