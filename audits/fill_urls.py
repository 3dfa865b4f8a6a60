"""URLs of filling a grid, under /o/<slug>/controles/ (included by audits.urls, namespace
"audits"): « Mes grilles », the fill page and its two save points, the paper grid."""

from django.urls import path

from audits import fill_views

urlpatterns = [
    path("mes-grilles/", fill_views.my_grids, name="my_grids"),
    path("grilles/<int:assessment_id>/remplir/", fill_views.fill_grid, name="fill"),
    path("grilles/<int:assessment_id>/reponse/", fill_views.save_one_answer, name="fill_answer"),
    path("grilles/<int:assessment_id>/date/", fill_views.save_check_date, name="fill_date"),
    path("campagnes/<int:check_campaign_id>/grille-papier/", fill_views.paper_grid, name="paper_grid"),
]
