"""The public booking pages of a town, mounted at /p/<org_slug>/rendez-vous/: short, stable
URLs for posters. The links to cancel or move carry the appointment's number and its token."""

from django.urls import path

from appointments import public_views

app_name = "appointments_public"

urlpatterns = [
    path("", public_views.kinds, name="kinds"),
    path("<int:kind_id>/", public_views.book, name="book"),
    path("confirmation/", public_views.booked, name="booked"),
    path("gerer/<slug:number>/<slug:token>/", public_views.manage, name="manage"),
    path("gerer/<slug:number>/<slug:token>/annuler/", public_views.cancel, name="cancel"),
    path("gerer/<slug:number>/<slug:token>/deplacer/", public_views.move, name="move"),
]
