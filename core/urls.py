from django.urls import path

from core import health, public_pages, views, wellknown

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("mot-de-passe/oubli/", views.password_reset, name="password_reset"),
    path("mot-de-passe/envoye/", views.password_reset_done, name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe/termine/", views.password_reset_complete, name="password_reset_complete"),
    path("theme/<slug:org_slug>.css", views.theme_css, name="theme_css"),
    path("theme/<slug:org_slug>/logo", views.logo, name="logo"),
    path("o/<slug:org_slug>/journal/", views.audit_trail, name="audit_trail"),
    path("o/<slug:org_slug>/journal/export/", views.audit_trail_export, name="audit_trail_export"),
    # Production details (issue 10 item 9): the monitors' health page and the security contact.
    path("sante/", health.health, name="health"),
    # Every public page of a town links to these two (templates/public/base.html).
    path("p/<slug:org_slug>/mentions-legales/", public_pages.legal_notice, name="legal_notice"),
    path("p/<slug:org_slug>/accessibilite/", public_pages.accessibility, name="accessibility"),
    path(".well-known/security.txt", wellknown.security_txt, name="security_txt"),
]
