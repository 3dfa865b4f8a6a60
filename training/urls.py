from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.home, name="home"),
    path("agents/exporter/", views.roster_export, name="roster_export"),
    path("agents/nouvel/", views.agent_create, name="agent_create"),
    path("agents/<int:agent_id>/", views.agent_detail, name="agent"),
    path("agents/<int:agent_id>/modifier/", views.agent_edit, name="agent_edit"),
    path("agents/<int:agent_id>/depart/", views.agent_depart, name="agent_depart"),
    path("agents/<int:agent_id>/attestations.pdf", views.agent_certificates, name="agent_certificates"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/nouvelle/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/modifier/", views.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/supprimer/", views.session_delete, name="session_delete"),
    path("sessions/<int:session_id>/emargement/", views.attendance_sheet, name="attendance_sheet"),
    path("nouveaux-agents/", views.newcomer_list, name="newcomers"),
    path("parametres/", views.settings, name="settings"),
]
