from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("enquete-telephonique/", views.telephony_survey, name="telephony_survey"),
    path("enquete-telephonique/pdf/", views.telephony_survey_pdf, name="telephony_survey_pdf"),
]
