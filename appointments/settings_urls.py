"""URLs of the appointments' configuration, under /o/<slug>/rendez-vous/parametres/ (names in
the `appointments` namespace)."""

from django.urls import path

from appointments import settings_views

urlpatterns = [
    path("", settings_views.overview, name="settings"),
    path("regles/", settings_views.rules, name="rules"),
    path("types/nouveau/", settings_views.kind_create, name="kind_create"),
    path("types/<int:kind_id>/", settings_views.kind_detail, name="kind"),
    path("types/<int:kind_id>/modifier/", settings_views.kind_edit, name="kind_edit"),
    path("plages/<int:hours_id>/supprimer/", settings_views.hours_delete, name="hours_delete"),
]
