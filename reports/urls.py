from django.urls import path

from reports import audit_views, steering_views, survey_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("enquete-telephonique/", views.telephony_survey, name="telephony_survey"),
    path("enquete-telephonique/pdf/", views.telephony_survey_pdf, name="telephony_survey_pdf"),
    path("comites/<int:meeting_id>/dossier.pdf", steering_views.meeting_pack, name="meeting_pack"),
    path("comites/<int:meeting_id>/compte-rendu.pdf", steering_views.meeting_minutes, name="meeting_minutes"),
    path("bilans/<int:review_id>/bilan.pdf", steering_views.review_pdf, name="review_pdf"),
    path("enquetes/<int:campaign_id>/resultats.pdf", survey_views.survey_results, name="survey_results_pdf"),
    path("controles/<int:check_campaign_id>/resultats.pdf", audit_views.audit_results, name="audit_results_pdf"),
    path("bilans/<int:review_id>/valider/", steering_views.review_validate, name="review_validate"),
]
