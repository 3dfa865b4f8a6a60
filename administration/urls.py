from django.urls import path

from administration import kiosk_views, lockout_views, public_pages_views, views

app_name = "administration"

P = "o/<slug:org_slug>/parametres/"

urlpatterns = [
    path(P, views.overview, name="settings"),
    path(f"{P}ville/", views.organisation_edit, name="organisation_edit"),
    path(f"{P}pages-publiques/", public_pages_views.public_pages, name="public_pages"),
    path(f"{P}sites/", views.sites, name="sites"),
    path(f"{P}sites/nouveau/", views.site_add, name="site_add"),
    path(f"{P}sites/<int:site_id>/", views.site_edit, name="site_edit"),
    path(f"{P}sites/<int:site_id>/supprimer/", views.site_delete, name="site_delete"),
    path(f"{P}services/", views.services, name="services"),
    path(f"{P}services/nouveau/", views.service_add, name="service_add"),
    path(f"{P}services/<int:service_id>/", views.service_edit, name="service_edit"),
    path(f"{P}services/<int:service_id>/supprimer/", views.service_delete, name="service_delete"),
    path(f"{P}horaires/", views.opening_hours, name="opening_hours"),
    path(f"{P}horaires/sites/<int:site_id>/", views.opening_hours_site, name="opening_hours_site"),
    path(f"{P}horaires/creneaux/<int:slot_id>/supprimer/", views.opening_hours_delete, name="opening_hours_delete"),
    path(f"{P}fermetures/", views.closure_days, name="closure_days"),
    path(f"{P}fermetures/<int:closure_id>/supprimer/", views.closure_day_delete, name="closure_day_delete"),
    path(f"{P}membres/", views.members, name="members"),
    path(f"{P}membres/inviter/", views.member_invite, name="member_invite"),
    path(f"{P}membres/<int:membership_id>/", views.member_edit, name="member_edit"),
    path(f"{P}membres/<int:membership_id>/retirer/", views.member_remove, name="member_remove"),
    path(f"{P}connexions-bloquees/", lockout_views.lockouts, name="lockouts"),
    path(f"{P}bornes/", kiosk_views.kiosks, name="kiosks"),
    path(f"{P}bornes/<int:kiosk_id>/revoquer/", kiosk_views.kiosk_revoke, name="kiosk_revoke"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:invitation_id>/reponse/", views.invitation_answer, name="invitation_answer"),
]
