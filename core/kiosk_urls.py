"""The kiosk's own pages: pairing a tablet, and a paired tablet's start screen. Each app mounts
its screens under /borne/<org_slug>/ (qualipilote/urls.py)."""

from django.urls import path

from core import kiosk_views

app_name = "kiosk"

urlpatterns = [
    path("", kiosk_views.pair, name="pair"),
    path("<slug:org_slug>/", kiosk_views.start, name="start"),
]
