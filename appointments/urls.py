"""URLs of the appointments, under /o/<slug>/rendez-vous/."""

from django.urls import include, path

from appointments import views

app_name = "appointments"

urlpatterns = [
    path("liste/", views.appointment_list, name="list"),
    path("parametres/", include("appointments.settings_urls")),
]
