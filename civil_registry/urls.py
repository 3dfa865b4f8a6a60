from django.urls import path

from civil_registry import views

app_name = "civil_registry"

urlpatterns = [
    path("", views.home, name="home"),
    path("nouvelle/", views.new, name="new"),
    path("export/", views.export, name="export"),
    path("import/", views.import_register, name="import"),
    path("delais/", views.settings, name="settings"),
    path("demandes/<int:act_id>/", views.detail, name="detail"),
    path("demandes/<int:act_id>/modifier/", views.edit, name="edit"),
    path("demandes/<int:act_id>/delivrer/", views.deliver, name="deliver"),
    path("demandes/<int:act_id>/refuser/", views.refuse, name="refuse"),
    path("demandes/<int:act_id>/remettre/", views.reopen, name="reopen"),
    path("erreurs/", views.errors, name="errors"),
    path("erreurs/nouvelle/", views.error_new, name="error_new"),
    path("erreurs/<int:error_id>/", views.error_edit, name="error_edit"),
    path("erreurs/<int:error_id>/supprimer/", views.error_delete, name="error_delete"),
]
