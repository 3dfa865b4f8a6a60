"""The published results of a town, mounted at /p/<org_slug>/resultats/: short, stable
addresses for posters, links and open data portals."""

from django.urls import path

from publication import public_views

app_name = "publication_public"

CSV, JSON = {"file_format": "csv"}, {"file_format": "json"}

urlpatterns = [
    path("", public_views.latest, name="latest"),
    path("donnees.csv", public_views.data, CSV, name="data_csv"),
    path("donnees.json", public_views.data, JSON, name="data_json"),
    path("schema.json", public_views.schema, name="schema"),
    path("<int:year>/", public_views.of_year, name="year"),
    path("<int:year>/donnees.csv", public_views.data, CSV, name="year_data_csv"),
    path("<int:year>/donnees.json", public_views.data, JSON, name="year_data_json"),
    path("<int:year>/v<int:version>/", public_views.version, name="version"),
    path("<int:year>/v<int:version>/donnees.csv", public_views.data, CSV, name="version_data_csv"),
    path("<int:year>/v<int:version>/donnees.json", public_views.data, JSON, name="version_data_json"),
]
