"""Home, login and the pages shared by every organisation."""

import datetime as dt

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import cache_control

from core.access import OrgRequest, active_memberships, org_view, public_view
from core.audit_forms import JOURNAL_HEADERS, AuditFilterForm, journal_rows
from core.forms import EmailAuthenticationForm
from core.models import Organisation
from core.ratelimit import allow, client_key, email_key
from core.registries import landing_page
from core.web import export_format, page_of, unknown_export_format
from documents.exports import export_response

login = public_view(
    auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True)
)
logout = public_view(auth_views.LogoutView.as_view())
RESET_LIMIT_PER_ADDRESS = 3  # reset e-mails asked for one address per hour
RESET_LIMIT_PER_CLIENT = 10  # reset e-mails asked from one connection per hour
RESET_WINDOW = dt.timedelta(hours=1)
TOO_MANY_REQUESTS = 429


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with the e-mails it sends throttled per address and per client (the
    same answer whether the address has an account or not)."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        per_client = allow(
            client_key(self.request, "mot-de-passe", organisation=None),
            limit=RESET_LIMIT_PER_CLIENT,
            window=RESET_WINDOW,
        )
        if not (
            per_client and allow(email_key("mot-de-passe", email), limit=RESET_LIMIT_PER_ADDRESS, window=RESET_WINDOW)
        ):
            form.add_error(
                "email",
                "Trop de demandes de réinitialisation pour cette adresse ou depuis votre connexion : "
                "réessayez dans une heure, ou contactez l'administrateur de votre ville.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=TOO_MANY_REQUESTS)
        return super().form_valid(form)


password_reset = public_view(
    ThrottledPasswordResetView.as_view(
        success_url=reverse_lazy("core:password_reset_done"),
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
    )
)
password_reset_done = public_view(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = public_view(
    auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("core:password_reset_complete"))
)
password_reset_complete = public_view(auth_views.PasswordResetCompleteView.as_view())


@public_view
@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = active_memberships(request.user, timezone.localdate())
    towns = [(membership, landing_page(membership)) for membership in memberships]
    if len(towns) == 1 and towns[0][1]:
        return redirect(towns[0][1])
    return render(request, "core/home.html", {"towns": towns})


@org_view()
def audit_trail(request: OrgRequest) -> HttpResponse:
    return _journal_page(request, AuditFilterForm(request.GET, organisation=request.org))


def _journal_page(request: OrgRequest, form: AuditFilterForm, status: int = 200) -> HttpResponse:
    page = page_of(request, form.events(), per_page=50)
    return render(request, "core/audit_trail.html", {"page": page, "form": form}, status=status)


@org_view()
def audit_trail_export(request: OrgRequest) -> HttpResponse:
    """The journal as filtered on the page, as a CSV, XLSX or ODS file."""
    file_format = export_format(request)
    if file_format is None:
        return unknown_export_format()
    form = AuditFilterForm(request.GET, organisation=request.org)
    if not form.is_valid():
        return _journal_page(request, form, status=400)
    rows = journal_rows(form.events().iterator(chunk_size=2000), zone=request.org.time_zone)
    today = timezone.localdate()
    return export_response(JOURNAL_HEADERS, rows, file_format, f"journal-modifications-{today:%Y-%m-%d}")


@public_view
@cache_control(max_age=86400)
def theme_css(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The town's colour as CSS custom properties (a file, since the CSP forbids inline styles)."""
    organisation = get_object_or_404(Organisation, slug=org_slug)
    css = f":root {{ --brand: {organisation.brand_color}; }}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@public_view
@cache_control(max_age=86400)
def logo(request: HttpRequest, org_slug: str) -> FileResponse:
    organisation = get_object_or_404(Organisation, slug=org_slug)
    if not organisation.logo:
        raise Http404("Pas de logo.")
    return FileResponse(organisation.logo.open("rb"))
