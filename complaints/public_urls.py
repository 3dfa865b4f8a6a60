"""Public pages of a town, mounted at /p/<org_slug>/: short, stable URLs for posters."""

from django.urls import path

from complaints import public_views

app_name = "complaints_public"

urlpatterns = [
    path("reclamation/", public_views.complaint_form, name="complaint_form"),
    path("reclamation/envoyee/", public_views.complaint_sent, name="complaint_sent"),
    path("suivi/", public_views.complaint_tracking, name="complaint_tracking"),
]
