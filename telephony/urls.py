from django.urls import path

from telephony import views

app_name = "telephony"

urlpatterns = [
    path("", views.home, name="home"),
    path("appels/", views.call_list, name="call_list"),
    path("releve/", views.tally, name="tally"),
    path("releve/<int:call_id>/", views.tally_edit, name="tally_edit"),
    path("releve/<int:call_id>/supprimer/", views.tally_delete, name="tally_delete"),
    path("lignes/", views.lines, name="lines"),
    path("lignes/nouvelle/", views.line_add, name="line_add"),
    path("lignes/<int:line_id>/", views.line_edit, name="line_edit"),
    path("lignes/<int:line_id>/supprimer/", views.line_delete, name="line_delete"),
]
