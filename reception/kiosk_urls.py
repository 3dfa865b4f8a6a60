"""The ticket screen of a paired kiosk tablet, mounted at /borne/<org_slug>/ticket/."""

from django.urls import path

from reception import kiosk_views

app_name = "reception_kiosk"

urlpatterns = [path("", kiosk_views.ticket, name="ticket")]
