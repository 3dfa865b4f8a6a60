"""Home, login and the pages shared by every organisation."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import cache_control

from core.access import active_memberships, org_view, public_view
from core.forms import EmailAuthenticationForm
from core.models import AuditEvent, Organisation
from core.templatetags.audit_tags import model_label

login = public_view(
    auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True)
)
logout = public_view(auth_views.LogoutView.as_view())
password_reset = public_view(
    auth_views.PasswordResetView.as_view(
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
    if len(memberships) == 1:
        return redirect("commitments:overview", org_slug=memberships[0].organisation.slug)
    return render(request, "core/home.html", {"memberships": memberships})


@org_view()
def audit_trail(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.for_org(request.org).select_related("actor")  # type: ignore[attr-defined]
    object_type = request.GET.get("type", "")
    if object_type:
        events = events.filter(object_type=object_type)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    types = AuditEvent.objects.for_org(request.org).values_list("object_type", flat=True).distinct()  # type: ignore[attr-defined]
    choices = sorted((model_label(name), name) for name in set(types))
    return render(request, "core/audit_trail.html", {"page": page, "object_type": object_type, "types": choices})


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
