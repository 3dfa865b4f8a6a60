from django.urls import path

from correspondence import settings_views, views

app_name = "correspondence"

urlpatterns = [
    path("", views.home, name="home"),
    path("nouvelle/", views.new, name="new"),
    path("echeance/", views.due_preview, name="due_preview"),
    path("export/", views.export, name="export"),
    path("import/", views.import_register, name="import"),
    path("<int:request_id>/", views.detail, name="detail"),
    path("<int:request_id>/modifier/", views.edit, name="edit"),
    path("<int:request_id>/accuse/", views.acknowledge, name="acknowledge"),
    path("<int:request_id>/attente/", views.holding_reply, name="holding_reply"),
    path("<int:request_id>/reponse/", views.answer, name="answer"),
    path("<int:request_id>/attribution/", views.reassign, name="reassign"),
    path("<int:request_id>/cloture/", views.close, name="close"),
    path("<int:request_id>/reouverture/", views.reopen, name="reopen"),
    path("<int:request_id>/accuse-de-reception.pdf", views.acknowledgement_pdf, name="acknowledgement_pdf"),
    path("parametres/", settings_views.settings, name="settings"),
    path("parametres/regles/<int:rule_id>/", settings_views.rule_edit, name="rule_edit"),
    path("parametres/regles/<int:rule_id>/supprimer/", settings_views.rule_delete, name="rule_delete"),
    path("parametres/categories/<int:category_id>/", settings_views.category_edit, name="category_edit"),
    path("parametres/accuse-de-reception/", settings_views.template_edit, name="template_edit"),
]
