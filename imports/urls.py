from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.sources, name="sources"),
    path("sources/nouvelle/", views.source_add, name="source_add"),
    path("sources/depuis-un-fichier/", views.source_from_json, name="source_from_json"),
    path("sources/<int:source_id>/", views.source_edit, name="source_edit"),
    path("sources/<int:source_id>/json/", views.source_json, name="source_json"),
    path("sources/<int:source_id>/supprimer/", views.source_delete, name="source_delete"),
    path("sources/<int:source_id>/importer/", views.upload, name="upload"),
    path("executions/", views.runs, name="runs"),
    path("executions/<int:run_id>/", views.run, name="run"),
]
