"""The waiting-room screen of a paired device, mounted at /borne/<org_slug>/salle-attente/."""

from django.urls import path

from reception import waiting_room_views

app_name = "reception_waiting_room"

urlpatterns = [
    path("", waiting_room_views.screen, name="screen"),
    path("appels/", waiting_room_views.board, name="board"),
]
