"""The auditor's notes' addresses (names fixed: the auditor's view links to them)."""

from django.urls import URLPattern, path

from improvement import note_views

urlpatterns: list[URLPattern] = [
    path("remarques-audit/", note_views.note_list, name="note_list"),
    path("remarques-audit/nouvelle/", note_views.note_new, name="note_new"),
    path("remarques-audit/<int:note_id>/", note_views.note_detail, name="note_detail"),
    path("remarques-audit/<int:note_id>/accepter/", note_views.note_accept, name="note_accept"),
    path("remarques-audit/<int:note_id>/ecarter/", note_views.note_decline, name="note_decline"),
]
