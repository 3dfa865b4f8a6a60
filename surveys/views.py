"""Back-office pages of the surveys. Thin: fetch through get_for_org, call a query or an
action, render. Every member reads the campaigns and their results; the quality manager (and
the administrator) prepares and closes them, and alone reads the comments as written: the others
read them once moderated."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.access import Capability, OrgRequest, can, get_for_org, org_view
from core.registries import record_panels
from core.web import acting_user, export_format, page_of, show_refusal, unknown_export_format
from documents.exports import export_response
from documents.tabular import TableError
from surveys import actions
from surveys.answers import by_section, campaign_questions, record_response
from surveys.forms import AnswerImportForm, CampaignForm, ModerationForm, PaperEntryForm, RefusalAddressForm
from surveys.imports import import_answers
from surveys.invitations import invitations_sent
from surveys.models import Campaign, Channel, Comment, Questionnaire
from surveys.poster import poster_filename, poster_pdf
from surveys.queries import answer_table, campaign_comments, campaign_rows, comment_counts
from surveys.refusals import refusal_count, refusal_of, refuse_invitations, restore_invitations
from surveys.results import breakdown, breakdown_choices, campaign_results

NAV = {"nav_section": "surveys"}
MANAGE = Capability.MANAGE_QUALITY
PAGE_SIZE = 20


def _public_address(request: OrgRequest, campaign: Campaign) -> str:
    """The questionnaire's full address, as the poster and the e-mails give it."""
    path = reverse("surveys_public:answer", kwargs={"org_slug": request.org.slug, "code": campaign.code})
    return request.build_absolute_uri(path)


def _to_campaign(request: OrgRequest, campaign: Campaign) -> HttpResponseBase:
    return redirect("surveys:campaign_detail", org_slug=request.org.slug, campaign_id=campaign.pk)


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    page = page_of(request, campaign_rows(request.org), per_page=PAGE_SIZE)
    questionnaires = Questionnaire.objects.for_org(request.org)
    context = {**NAV, "page": page, "questionnaires": questionnaires, "today": request.org.today()}
    return render(request, "surveys/home.html", context)


@org_view(read=MANAGE, write=MANAGE)
@require_POST
def questionnaire_from_template(request: OrgRequest) -> HttpResponseBase:
    questionnaire = actions.create_questionnaire_from_template(
        organisation=request.org, actor=acting_user(request), today=request.org.today()
    )
    messages.success(request, f"Le questionnaire « {questionnaire} » est créé : vous pouvez lancer une enquête.")
    return redirect("surveys:campaign_new", org_slug=request.org.slug)


@org_view(read=MANAGE, write=MANAGE)
def campaign_new(request: OrgRequest) -> HttpResponseBase:
    today = request.org.today()
    initial = {"questionnaire": Questionnaire.objects.for_org(request.org).first(), "opens_on": today}
    form = CampaignForm(request.POST or None, organisation=request.org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.create_campaign(organisation=request.org, actor=acting_user(request), **form.changes())
        except ValidationError as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, f"L'enquête « {campaign} » est enregistrée.")
            return _to_campaign(request, campaign)
    return render(request, "surveys/campaign_form.html", {**NAV, "form": form, "campaign": None})


@org_view()
def campaign_detail(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = get_for_org(Campaign.objects.select_related("questionnaire"), request, pk=campaign_id)
    public = _public_address(request, campaign)
    results = campaign_results(campaign)
    questions = [result.question for result in results.questions]
    by = request.GET.get("par", "")
    context_by = {"by": by, "by_choices": breakdown_choices(questions), "breakdown": breakdown(campaign, questions, by)}
    panels = record_panels(request.membership, [result.question for result in results.questions if result.satisfaction])
    rows = [(result, panels.get(result.question.pk, [])) for result in results.questions]
    context = {**NAV, "campaign": campaign, "results": results, "rows": rows, "public_url": public}
    context |= {"today": request.org.today(), "comments": comment_counts(campaign), **context_by}
    context["invitations"] = invitations_sent(campaign) if campaign.on_email else None
    return render(request, "surveys/campaign_detail.html", context)


@org_view(read=MANAGE, write=MANAGE)
def campaign_close(request: OrgRequest, campaign_id: int) -> HttpResponseBase:
    campaign = get_for_org(Campaign, request, pk=campaign_id)
    if request.method != "POST":  # after the lookup: another town's campaign is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.close_campaign(campaign=campaign, actor=acting_user(request), today=request.org.today())
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, f"L'enquête « {campaign} » est close : ses résultats sont définitifs.")
    return _to_campaign(request, campaign)


@org_view()
def comment_list(request: OrgRequest, campaign_id: int) -> HttpResponse:
    """The quality manager reads the comments as written and moderates them; every other member
    reads the published ones only."""
    campaign = get_for_org(Campaign, request, pk=campaign_id)
    raw = can(request.membership, MANAGE)
    page = page_of(request, campaign_comments(campaign, raw=raw), per_page=PAGE_SIZE)
    panels = record_panels(request.membership, list(page)) if raw else {}
    rows = [(comment, panels.get(comment.pk, [])) for comment in page]
    context = {**NAV, "campaign": campaign, "page": page, "rows": rows, "raw": raw}
    return render(request, "surveys/comment_list.html", context)


@org_view(read=MANAGE, write=MANAGE)
def comment_moderate(request: OrgRequest, comment_id: int) -> HttpResponseBase:
    """Publish or set aside a comment (POST only)."""
    comment = get_for_org(Comment.objects.select_related("response"), request, pk=comment_id)
    if request.method != "POST":  # after the lookup: another town's comment is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    _moderate(request, comment)
    return redirect("surveys:comment_list", org_slug=request.org.slug, campaign_id=comment.response.campaign_id)


def _moderate(request: OrgRequest, comment: Comment) -> None:
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez de publier ou d'écarter le commentaire.")
        return
    publish, text = form.cleaned_data["decision"] == "publish", form.cleaned_data["published_text"]
    try:
        actions.moderate_comment(comment=comment, actor=acting_user(request), publish=publish, published_text=text)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, "Commentaire publié." if publish else "Commentaire écarté.")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def paper_entry(request: OrgRequest, campaign_id: int) -> HttpResponseBase:
    """An agent types paper questionnaires one after the other: after each, an empty form again
    with the same day and site, the cursor on the first answer."""
    campaign = get_for_org(Campaign.objects.select_related("questionnaire"), request, pk=campaign_id)
    questions = campaign_questions(campaign)
    initial = {"answered_on": request.GET.get("jour") or request.org.today(), "site": request.GET.get("site")}
    form = PaperEntryForm(request.POST or None, questions=questions, organisation=request.org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_response(campaign=campaign, submission=form.submission(Channel.PAPER))
        except ValidationError as refused:
            show_refusal(form, refused)
        else:
            typed = campaign.responses.filter(channel=Channel.PAPER).count()
            messages.success(request, f"Questionnaire enregistré ({typed} questionnaires papier saisis).")
            site = form.cleaned_data.get("site")
            query = urlencode({"jour": form.cleaned_data["answered_on"].isoformat(), "site": site.pk if site else ""})
            return redirect(f"{reverse('surveys:paper_entry', args=[request.org.slug, campaign.pk])}?{query}")
    context = {
        **NAV,
        "campaign": campaign,
        "form": form,
        "rows": by_section(questions, lambda question: form[question.key]),
    }
    return render(request, "surveys/paper_entry.html", context)


@org_view()
def answer_export(request: OrgRequest, campaign_id: int) -> HttpResponseBase:
    """The campaign's answers as CSV, XLSX or ODS (?format=), formulas neutralised."""
    campaign = get_for_org(Campaign, request, pk=campaign_id)
    file_format = export_format(request)
    if file_format is None:
        return unknown_export_format()
    headers, rows = answer_table(campaign, campaign_questions(campaign))
    return export_response(headers, rows, file_format, f"enquete-{campaign.opens_on:%Y-%m}-{campaign.pk}-reponses")


@org_view(read=MANAGE, write=MANAGE)
def answer_import(request: OrgRequest, campaign_id: int) -> HttpResponseBase:
    """A spreadsheet of answers, all recorded or none (surveys.imports)."""
    campaign = get_for_org(Campaign.objects.select_related("questionnaire", "organisation"), request, pk=campaign_id)
    form = AnswerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = import_answers(campaign=campaign, binary=upload, filename=upload.name)
        except TableError as error:
            form.add_error("file", f"Fichier {upload.name}, {error}. Rien n'a été enregistré.")
        else:
            messages.success(request, f"{count} réponses importées depuis {upload.name}.")
            return _to_campaign(request, campaign)
    return render(request, "surveys/answer_import.html", {**NAV, "campaign": campaign, "form": form})


@org_view()
def campaign_poster(request: OrgRequest, campaign_id: int) -> HttpResponseBase:
    """The A4 poster (PDF) with the public address and its QR code."""
    campaign = get_for_org(Campaign.objects.select_related("organisation"), request, pk=campaign_id)
    response = HttpResponse(poster_pdf(campaign, _public_address(request, campaign)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{poster_filename(campaign)}"'
    return response


# The invitation refusals page: a form to set an address aside, another to check or put one back.
SET_ASIDE, CHECK = "ecarter", "verifier"  # the two forms' prefixes
Outcome = tuple[int, str]  # a message level and its text


def _set_aside(request: OrgRequest, address: str) -> Outcome:
    today = request.org.today()
    refusal, created = refuse_invitations(
        organisation=request.org, actor=acting_user(request), address=address, today=today
    )
    if created:
        return messages.SUCCESS, "Adresse écartée : elle ne recevra plus d'invitation aux enquêtes."
    return (
        messages.INFO,
        f"Cette adresse était déjà écartée, depuis le {refusal.recorded_on:%d/%m/%Y} : rien n'a changé.",
    )


def _check(request: OrgRequest, address: str) -> Outcome:
    refusal = refusal_of(request.org, address)
    if refusal is None:
        return messages.INFO, "Cette adresse n'est pas dans la liste : elle peut recevoir les invitations aux enquêtes."
    return (
        messages.INFO,
        f"Cette adresse est dans la liste : écartée des invitations depuis le {refusal.recorded_on:%d/%m/%Y}.",
    )


def _restore(request: OrgRequest, address: str) -> Outcome:
    if restore_invitations(organisation=request.org, actor=acting_user(request), address=address):
        return messages.SUCCESS, "Adresse remise dans les envois : elle pourra de nouveau recevoir les invitations."
    return messages.INFO, "Cette adresse n'était pas dans la liste : rien n'a changé."


REFUSAL_ACTIONS = {"ecarter": (SET_ASIDE, _set_aside), "verifier": (CHECK, _check), "remettre": (CHECK, _restore)}


@org_view(read=MANAGE, write=MANAGE)
def invitation_refusals(request: OrgRequest) -> HttpResponseBase:
    """The addresses set aside from the e-mail invitations: only their number can be shown (they
    are kept hashed); an address is typed to set it aside, check it or put it back. POST only,
    so that no address travels in a URL or a server log."""
    forms = {SET_ASIDE: RefusalAddressForm(prefix=SET_ASIDE), CHECK: RefusalAddressForm(prefix=CHECK)}
    if request.method == "POST":
        prefix, act = REFUSAL_ACTIONS.get(request.POST.get("action", ""), (SET_ASIDE, _set_aside))
        form = forms[prefix] = RefusalAddressForm(request.POST, prefix=prefix)
        if form.is_valid():
            messages.add_message(request, *act(request, form.cleaned_data["address"]))
            return redirect("surveys:invitation_refusals", org_slug=request.org.slug)
    context = {
        **NAV,
        "count": refusal_count(request.org),
        "set_aside_form": forms[SET_ASIDE],
        "check_form": forms[CHECK],
    }
    return render(request, "surveys/invitation_refusals.html", context)
