from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.packs, name="packs"),
    path("<int:pack_id>/", views.pack, name="pack"),
    path("<int:pack_id>/dossier.zip", views.download, name="download"),
]
