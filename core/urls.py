from django.urls import path

from core.views import base

app_name = "core"

urlpatterns = [
    path("", base.home, name="home"),
    path("connexion/", base.login, name="login"),
    path("deconnexion/", base.logout, name="logout"),
    path("mot-de-passe/oubli/", base.password_reset, name="password_reset"),
    path("mot-de-passe/envoye/", base.password_reset_done, name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", base.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe/termine/", base.password_reset_complete, name="password_reset_complete"),
    path("theme/<slug:org_slug>.css", base.theme_css, name="theme_css"),
    path("theme/<slug:org_slug>/logo", base.logo, name="logo"),
    path("o/<slug:org_slug>/journal/", base.audit_trail, name="audit_trail"),
    path("o/<slug:org_slug>/journal/export/", base.audit_trail_export, name="audit_trail_export"),
]
