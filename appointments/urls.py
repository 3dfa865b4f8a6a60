"""URLs of the appointments, under /o/<slug>/rendez-vous/."""

from django.urls import path

from appointments import views

app_name = "appointments"

urlpatterns = [
    path("liste/", views.appointment_list, name="list"),
]
