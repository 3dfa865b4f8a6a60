"""URLs of the appointments, under /o/<slug>/rendez-vous/."""

from django.urls import include, path

from appointments import views

app_name = "appointments"

urlpatterns = [
    path("", views.home, name="home"),
    path("prendre/", views.book, name="book"),
    path("liste/", views.appointment_list, name="list"),
    path("parametres/", include("appointments.settings_urls")),
    path("<int:appointment_id>/", views.detail, name="detail"),
    path("<int:appointment_id>/etape/", views.step, name="step"),
    path("<int:appointment_id>/deplacer/", views.move, name="move"),
    path("<int:appointment_id>/annuler/", views.cancel, name="cancel"),
]
