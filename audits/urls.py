"""URLs of the grids and checks, under /o/<slug>/controles/. The pages where a grid is filled
(« Mes grilles », the fill page, the paper grid typed in) are in audits.fill_urls."""

from django.urls import include, path

from audits import editor_views, views

app_name = "audits"

urlpatterns = [
    path("", views.home, name="home"),
    path("campagnes/", views.campaign_list, name="campaign_list"),
    path("campagnes/nouvelle/", views.campaign_new, name="campaign_new"),
    path("campagnes/<int:check_campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("campagnes/<int:check_campaign_id>/confier/", views.assessment_new, name="assessment_new"),
    path("grilles-remplies/", views.assessment_list, name="assessment_list"),
    path("grilles-remplies/<int:filled_grid_id>/", views.assessment_detail, name="assessment_detail"),
    path("grilles-remplies/<int:filled_grid_id>/grille-papier/", views.assessment_scan, name="assessment_scan"),
    path("grilles-a-remplir/<int:assessment_id>/retirer/", views.assessment_withdraw, name="assessment_withdraw"),
    path("reponses/<int:answer_id>/photo/", views.answer_photo, name="answer_photo"),
    path("grilles/", editor_views.grid_list, name="grid_list"),
    path("grilles/nouvelle/", editor_views.grid_new, name="grid_new"),
    path("grilles/<int:grid_id>/", editor_views.grid_detail, name="grid_detail"),
    path("grilles/<int:grid_id>/modifier/", editor_views.grid_edit, name="grid_edit"),
    path("grilles/<int:grid_id>/dupliquer/", editor_views.grid_duplicate, name="grid_duplicate"),
    path("grilles/<int:grid_id>/criteres/nouveau/", editor_views.criterion_new, name="criterion_new"),
    path("criteres/<int:criterion_id>/modifier/", editor_views.criterion_edit, name="criterion_edit"),
    path("criteres/<int:criterion_id>/supprimer/", editor_views.criterion_delete, name="criterion_delete"),
    path("criteres/<int:criterion_id>/deplacer/", editor_views.criterion_move, name="criterion_move"),
    path("", include("audits.fill_urls")),
]
