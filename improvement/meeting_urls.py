"""URLs of the steering committee and the annual review, under /o/<slug>/amelioration/."""

from django.urls import URLPattern, path

from improvement import meeting_views as views

urlpatterns: list[URLPattern] = [
    path("comites/", views.meeting_list, name="meeting_list"),
    path("comites/nouveau/", views.meeting_new, name="meeting_new"),
    path("comites/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("comites/<int:meeting_id>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("comites/<int:meeting_id>/decision/", views.decision_new, name="decision_new"),
    path("bilans/", views.review_list, name="review_list"),
    path("bilans/nouveau/", views.review_new, name="review_new"),
    path("bilans/<int:review_id>/", views.review_detail, name="review_detail"),
    path("bilans/<int:review_id>/modifier/", views.review_edit, name="review_edit"),
]
