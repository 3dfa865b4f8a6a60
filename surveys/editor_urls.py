"""URLs of the questionnaire editor, under /o/<slug>/enquetes/questionnaires/ (surveys.urls)."""

from django.urls import path

from surveys import editor_views as views

urlpatterns = [
    path("", views.questionnaire_list, name="questionnaire_list"),
    path("nouveau/", views.questionnaire_new, name="questionnaire_new"),
    path("<int:questionnaire_id>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("<int:questionnaire_id>/modifier/", views.questionnaire_edit, name="questionnaire_edit"),
    path("<int:questionnaire_id>/dupliquer/", views.questionnaire_duplicate, name="questionnaire_duplicate"),
    path("<int:questionnaire_id>/apercu/", views.questionnaire_preview, name="questionnaire_preview"),
    path("<int:questionnaire_id>/sections/nouvelle/", views.section_new, name="section_new"),
    path("sections/<int:section_id>/modifier/", views.section_edit, name="section_edit"),
    path("sections/<int:section_id>/supprimer/", views.section_delete, name="section_delete"),
    path("sections/<int:section_id>/deplacer/", views.section_move, name="section_move"),
    path("sections/<int:section_id>/questions/nouvelle/", views.question_new, name="question_new"),
    path("questions/<int:question_id>/modifier/", views.question_edit, name="question_edit"),
    path("questions/<int:question_id>/supprimer/", views.question_delete, name="question_delete"),
    path("questions/<int:question_id>/deplacer/", views.question_move, name="question_move"),
]
