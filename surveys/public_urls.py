"""A campaign's public questionnaire, mounted at /p/<org_slug>/enquete/: the short address of
the poster and its QR code."""

from django.urls import path

from surveys import public_views

app_name = "surveys_public"

urlpatterns = [
    path("<str:code>/", public_views.answer, name="answer"),
    path("<str:code>/merci/", public_views.thanks, name="thanks"),
]
