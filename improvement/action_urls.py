"""The improvement plan's addresses (names fixed: other pages link to them)."""

from django.urls import URLPattern, path

from improvement import action_views

urlpatterns: list[URLPattern] = [
    path("actions/", action_views.action_list, name="action_list"),
    path("actions/exporter/", action_views.action_export, name="action_export"),
    path("actions/nouvelle/", action_views.action_new, name="action_new"),
    path("actions/ouvrir-depuis/", action_views.action_open_from, name="action_open_from"),
    path("actions/<int:action_id>/", action_views.action_detail, name="action_detail"),
    path("actions/<int:action_id>/modifier/", action_views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/etape/", action_views.action_step, name="action_step"),
]
