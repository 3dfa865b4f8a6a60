"""The questionnaire on a paired kiosk tablet, mounted at /borne/<org_slug>/enquete/."""

from django.urls import path

from surveys import kiosk_views

app_name = "surveys_kiosk"

urlpatterns = [
    path("", kiosk_views.answer, name="answer"),
    path("merci/", kiosk_views.thanks, name="thanks"),
]
