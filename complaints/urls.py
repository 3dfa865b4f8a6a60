from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.home, name="home"),
    path("nouvelle/", views.create, name="create"),
    path("exporter/", views.export, name="export"),
    path("importer/", views.import_page, name="import"),
    path("importer/modele.csv", views.import_sample, name="import_sample"),
    path("parametres/", views.settings, name="settings"),
    path("statistiques/", views.stats, name="stats"),
    path("<int:complaint_id>/", views.detail, name="detail"),
    path("<int:complaint_id>/modifier/", views.edit, name="edit"),
    path("<int:complaint_id>/accuse-de-reception.pdf", views.acknowledgement_pdf, name="acknowledgement_pdf"),
    path(
        "<int:complaint_id>/accuser-reception/", views.complaint_action, {"action": "acknowledge"}, name="acknowledge"
    ),
    path("<int:complaint_id>/repondre/", views.complaint_action, {"action": "answer"}, name="answer"),
    path("<int:complaint_id>/clore/", views.complaint_action, {"action": "close"}, name="close"),
    path("<int:complaint_id>/rouvrir/", views.complaint_action, {"action": "reopen"}, name="reopen"),
    path("<int:complaint_id>/bien-fonde/", views.complaint_action, {"action": "judge"}, name="judge"),
]
