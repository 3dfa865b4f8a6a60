from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("compte/", views.account, name="account"),
    path("compte/double-authentification/activer/", views.enrol, name="enrol"),
    path("compte/double-authentification/verifier/", views.verify, name="verify"),
    path("compte/double-authentification/codes-de-secours/", views.new_recovery_codes, name="recovery_codes"),
    path("compte/sessions/", views.session_list, name="sessions"),
    path("compte/sessions/terminer/", views.end_session, name="end_session"),
    path("compte/sessions/terminer-les-autres/", views.end_other_sessions, name="end_other_sessions"),
    path(
        "o/<slug:org_slug>/parametres/membres/<int:membership_id>/double-authentification/",
        views.reset_member_second_factor,
        name="reset_member_second_factor",
    ),
]
