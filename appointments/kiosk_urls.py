"""The check-in screen of a paired kiosk tablet, mounted at /borne/<org_slug>/rendez-vous/."""

from django.urls import path

from appointments import kiosk_views

app_name = "appointments_kiosk"

urlpatterns = [path("", kiosk_views.check_in, name="check_in")]
