"""A person's own account pages (second factor, open sessions) and the administrator's reset
of a member's second factor. The personal pages belong to no town: like the home page they
are open to any signed-in person (`public_view` + `login_required`) and show only their own."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import second_factor, sessions
from accounts.forms import EndSessionForm, EnrolForm, VerifyForm
from accounts.middleware import note_second_factor_state
from core.access import Capability, OrgRequest, active_memberships, get_for_org, org_view, public_view, use_town_time
from core.models import Membership
from core.web import acting_user
from documents.qr import qr_svg


def _next_page(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else reverse("core:home")


def _use_own_town_time(request: HttpRequest) -> None:
    """Show times in the person's town's zone (their first town; Paris when they have none)."""
    memberships = active_memberships(request.user, timezone.localdate())
    if memberships:
        use_town_time(memberships[0].organisation)


@public_view
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    required, has_one = second_factor.second_factor_state(user)
    context = {
        "required": required,
        "has_second_factor": has_one,
        "recovery_codes_left": second_factor.remaining_recovery_codes(user) if has_one else 0,
    }
    return render(request, "accounts/account.html", context)


@public_view
@login_required
def enrol(request: HttpRequest) -> HttpResponseBase:
    """Scan the QR code, type the first code: the secret is kept only once the code is right."""
    user = acting_user(request)
    if second_factor.has_second_factor(user) and not second_factor.is_verified(request):
        return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': _next_page(request)})}")
    form = EnrolForm(request.POST or None)
    key = None
    if form.is_valid():
        key = second_factor.enrolment_key(form.cleaned_data["secret"], user)
        step = second_factor.code_matches(key, form.cleaned_data["code"]) if key else None
        if key is None:
            form.add_error(None, "Cette page a expiré : scannez le nouveau code QR et recommencez.")
        elif step is None:
            form.add_error(
                "code", "Ce code ne correspond pas : vérifiez l'heure du téléphone et saisissez le code affiché."
            )
        else:
            codes = second_factor.enrol(request=request, user=user, key_hex=key, step=step)
            note_second_factor_state(request)
            return _show_recovery_codes(request, codes, first_time=True)
    signed = form.cleaned_data["secret"] if key else second_factor.new_enrolment_secret(user)
    key = key or second_factor.enrolment_key(signed, user) or ""
    context = {
        "form": form,
        "signed_secret": signed,
        "qr_svg": qr_svg(second_factor.provisioning_uri(user, key), title="Code QR à scanner", scale=5),
        "secret_text": second_factor.base32_secret(key),
        "next": _next_page(request),
    }
    return render(request, "accounts/enrol.html", context)


def _show_recovery_codes(request: HttpRequest, codes: list[str], *, first_time: bool) -> HttpResponse:
    context = {"codes": codes, "first_time": first_time, "next": _next_page(request)}
    return render(request, "accounts/recovery_codes.html", context)


@public_view
@login_required
def verify(request: HttpRequest) -> HttpResponseBase:
    user = acting_user(request)
    if second_factor.is_verified(request):
        return redirect(_next_page(request))
    required, has_one = second_factor.second_factor_state(user)
    if not has_one:  # reset by an administrator since the password step
        note_second_factor_state(request)
        enrolment = f"{reverse('accounts:enrol')}?{urlencode({'next': _next_page(request)})}"
        return redirect(enrolment if required else _next_page(request))
    form = VerifyForm(request.POST or None)
    if form.is_valid():
        if second_factor.verify(request, user, form.cleaned_data["code"]) is not None:
            return redirect(_next_page(request))
        form.add_error(
            "code",
            "Code refusé. Saisissez le code affiché maintenant, ou un code de secours que vous n'avez pas utilisé.",
        )
    return render(request, "accounts/verify.html", {"form": form, "next": _next_page(request)})


@public_view
@require_POST
@login_required
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes replace the old ones (POST only; shown once on the answer)."""
    user = acting_user(request)
    if not second_factor.has_second_factor(user):
        messages.error(request, "Activez d'abord la double authentification.")
        return render(request, "accounts/recovery_codes.html", {"codes": [], "first_time": False}, status=400)
    return _show_recovery_codes(request, second_factor.replace_recovery_codes(user), first_time=False)


@public_view
@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    _use_own_town_time(request)
    user = acting_user(request)
    rows = [
        {
            "session": row,
            "browser": sessions.browser_label(row.user_agent),
            "current": row.session_key == request.session.session_key,
        }
        for row in sessions.open_sessions(user, now=timezone.now())
    ]
    others = sum(not row["current"] for row in rows)
    context = {"rows": rows, "others": others, "idle_minutes": sessions.idle_limit().seconds // 60}
    return render(request, "accounts/sessions.html", context)


@public_view
@require_POST
@login_required
def end_session(request: HttpRequest) -> HttpResponseBase:
    form = EndSessionForm(request.POST)
    ended = sessions.end_sessions(acting_user(request), [form.data.get("session", "")]) if form.is_valid() else 0
    if ended:
        messages.success(request, "La session a été fermée.")
    else:
        messages.error(request, "Cette session n'existe plus ou n'est pas la vôtre.")
    return redirect("accounts:sessions")


@public_view
@require_POST
@login_required
def end_other_sessions(request: HttpRequest) -> HttpResponseBase:
    ended = sessions.end_other_sessions(acting_user(request), request.session.session_key)
    messages.success(request, f"{ended} autre(s) session(s) fermée(s).")
    return redirect("accounts:sessions")


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def reset_member_second_factor(request: OrgRequest, membership_id: int) -> HttpResponseBase:
    """An administrator removes a member's second factor: the member enrols again at their
    next login. POST only (the button is on the member's page); written in the journal."""
    membership = get_for_org(Membership.objects.select_related("user"), request, pk=membership_id)
    if request.method != "POST":  # after the lookup: another town's id is 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    removed = second_factor.reset_second_factor(
        user=membership.user, actor=acting_user(request), organisations=[request.org]
    )
    if removed:
        messages.success(request, f"La double authentification de {membership.user} a été réinitialisée.")
    else:
        messages.info(request, f"{membership.user} n'avait pas de double authentification : rien à réinitialiser.")
    return redirect("administration:member_edit", org_slug=request.org.slug, membership_id=membership.pk)
