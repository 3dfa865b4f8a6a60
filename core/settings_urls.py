from django.urls import path

from core.views import settings as views

app_name = "core_settings"

urlpatterns = [
    path("o/<slug:org_slug>/parametres/", views.overview, name="settings"),
]
