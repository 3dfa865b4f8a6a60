from django.urls import path

from commitments import closing_views, views

app_name = "commitments"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("synthese/", views.summary, name="summary"),
    path("referentiels/charger/", views.framework_load, name="framework_load"),
    path("engagements/<int:commitment_id>/", views.commitment_detail, name="commitment_detail"),
    path("engagements/<int:commitment_id>/modifier/", views.commitment_edit, name="commitment_edit"),
    path("indicateurs/<int:indicator_id>/modifier/", views.indicator_edit, name="indicator_edit"),
    path("indicateurs/<int:indicator_id>/saisir/", views.value_entry, name="value_entry"),
    path("valeurs/<int:value_id>/supprimer/", views.value_delete, name="value_delete"),
    path("valeurs/<int:value_id>/justificatif/", views.evidence, name="evidence"),
    path("exercices/", closing_views.closing, name="closing"),
    path("exercices/cloturer/", closing_views.close, name="close_year"),
    path("exercices/<int:closing_id>/rouvrir/", closing_views.reopen, name="reopen_year"),
    path("exercices/<int:closing_id>/corrections/", closing_views.corrections, name="year_corrections"),
]
