"""URLs of the surveys, under /o/<slug>/enquetes/."""

from django.urls import include, path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.home, name="home"),
    path("questionnaire-qualivilles/", views.questionnaire_from_template, name="questionnaire_from_template"),
    path("questionnaires/", include("surveys.editor_urls")),
    path("nouvelle/", views.campaign_new, name="campaign_new"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("<int:campaign_id>/clore/", views.campaign_close, name="campaign_close"),
    path("<int:campaign_id>/affiche.pdf", views.campaign_poster, name="campaign_poster"),
    path("<int:campaign_id>/commentaires/", views.comment_list, name="comment_list"),
    path("<int:campaign_id>/saisie-papier/", views.paper_entry, name="paper_entry"),
    path("<int:campaign_id>/reponses/exporter/", views.answer_export, name="answer_export"),
    path("<int:campaign_id>/reponses/importer/", views.answer_import, name="answer_import"),
    path("invitations/refus/", views.invitation_refusals, name="invitation_refusals"),
    path("commentaires/<int:comment_id>/moderer/", views.comment_moderate, name="comment_moderate"),
]
