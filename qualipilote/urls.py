from django.urls import include, path

ORG = "o/<slug:org_slug>/"
KIOSK = "borne/<slug:org_slug>/"  # a paired tablet's screens (core.kiosk, ADR 0023)

urlpatterns = [
    path("", include("core.urls")),
    path("", include("administration.urls")),
    path("", include("accounts.urls")),
    path(ORG + "imports/", include("imports.urls")),
    path(ORG + "accueil/", include("reception.urls")),
    path(ORG + "telephone/", include("telephony.urls")),
    path(ORG + "courriers/", include("correspondence.urls")),
    path(ORG + "etat-civil/", include("civil_registry.urls")),
    path(ORG + "reclamations/", include("complaints.urls")),
    path(ORG + "enquetes/", include("surveys.urls")),
    path(ORG + "controles/", include("audits.urls")),
    path(ORG + "formation/", include("training.urls")),
    path(ORG + "rendez-vous/", include("appointments.urls")),
    path(ORG + "rapports/", include("reports.urls")),
    path(ORG + "amelioration/", include("improvement.urls")),
    path(ORG + "tableau-de-bord/", include("dashboards.urls")),
    path(ORG + "publication/", include("publication.urls")),
    path(ORG + "dossier-de-preuves/", include("evidence.urls")),
    path(ORG, include("commitments.urls")),
    path("p/<slug:org_slug>/", include("complaints.public_urls")),
    path("p/<slug:org_slug>/enquete/", include("surveys.public_urls")),
    path("p/<slug:org_slug>/rendez-vous/", include("appointments.public_urls")),
    path("p/<slug:org_slug>/resultats/", include("publication.public_urls")),
    path("borne/", include("core.kiosk_urls")),
    path(KIOSK + "ticket/", include("reception.kiosk_urls")),
    path(KIOSK + "enquete/", include("surveys.kiosk_urls")),
    path(KIOSK + "salle-attente/", include("reception.waiting_room_urls")),
    path(KIOSK + "rendez-vous/", include("appointments.kiosk_urls")),
]
