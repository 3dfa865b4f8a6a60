"""URLs of the grids and checks, under /o/<slug>/controles/."""

from django.urls import include, path

app_name = "audits"

urlpatterns = [
    path("", include("audits.fill_urls")),
]
