from django.urls import path

from publication import views

app_name = "publication"

urlpatterns = [
    path("", views.draft, name="draft"),
    path("publier/", views.publish, name="publish"),
    path("publications/", views.publication_list, name="publications"),
    path("licence/", views.licence, name="licence"),
    path("<int:publication_id>/affiche-a4.pdf", views.poster, {"paper": "a4"}, name="poster_a4"),
    path("<int:publication_id>/affiche-a3.pdf", views.poster, {"paper": "a3"}, name="poster_a3"),
]
