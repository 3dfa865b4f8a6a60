from django.urls import path

from reception import views
from reception.models import MOVES

app_name = "reception"

urlpatterns = [
    path("", views.home, name="home"),
    path("guichet/", views.desk, name="desk"),
    path("guichet/file/", views.desk_status, name="desk_status"),
    path("guichet/ticket/", views.desk_issue, name="desk_issue"),
    path("tickets/", views.tickets, name="tickets"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="ticket_detail"),
    *[
        path(
            f"tickets/<int:ticket_id>/{transition.slug}/",
            views.ticket_transition,
            {"transition": transition.name},
            name=f"ticket_{transition.name}",
        )
        for transition in MOVES.values()
    ],
    path("visites/", views.visits, name="visits"),
    path("visites/saisie/", views.visit_log, name="visit_log"),
    path("visites/<int:visit_id>/modifier/", views.visit_edit, name="visit_edit"),
    path("visites/<int:visit_id>/supprimer/", views.visit_delete, name="visit_delete"),
    path("motifs/", views.reasons, name="reasons"),
    path("motifs/ajouter/", views.reason_add, name="reason_add"),
    path("motifs/<int:reason_id>/modifier/", views.reason_edit, name="reason_edit"),
    path("motifs/<int:reason_id>/activation/", views.reason_toggle, name="reason_toggle"),
]
