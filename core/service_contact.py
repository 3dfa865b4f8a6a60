"""A service's contact on the acknowledgements of receipt it sends. Code des relations entre le
public et l'administration, R112-5: the acknowledgement gives the designation, the postal and
e-mail address and the phone number of the service in charge. A letter is printed only when
the service has all of them (`missing_contact_message` says what is missing)."""

from __future__ import annotations

from core.models import Organisation, Service

# What Service.missing_contact names, as the message says it.
POSSESSIVE = {
    "adresse postale": "son adresse postale",
    "adresse e-mail": "son adresse e-mail",
    "téléphone": "son téléphone",
}


def french_and(items: list[str]) -> str:
    """ "a", "a et b", "a, b et c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def missing_contact_message(service: Service | None) -> str | None:
    """Why no acknowledgement of receipt may be printed for `service`, in French; None when it may."""
    if service is None:
        return (
            "L'accusé de réception ne peut pas être imprimé : la demande n'est rattachée à aucun service, alors que "
            "la loi exige qu'il désigne le service chargé de la demande et en donne les coordonnées. Choisissez "
            "ce service en modifiant la demande."
        )
    missing = service.missing_contact()
    if not missing:
        return None
    return (
        f"L'accusé de réception ne peut pas être imprimé : il manque au service « {service.name} » "
        f"{french_and([POSSESSIVE[label] for label in missing])}, que la loi exige sur ce courrier (article "
        "R112-5 du Code des relations entre le public et l'administration). Un administrateur de la ville "
        "peut compléter les coordonnées du service dans ses paramètres."
    )


def sender_lines(service: Service, organisation: Organisation) -> list[str]:
    """The letterhead of a letter the service sends: the town, the service, its address, phone
    and e-mail address."""
    lines = [organisation.name, service.name, *service.postal_lines]
    if service.phone:
        lines.append(f"Téléphone : {service.phone}")
    if service.email:
        lines.append(f"Courriel : {service.email}")
    return lines


def contact_line(service: Service) -> str:
    """The service's contact on one line, for a sentence ("12 rue des Prés, 45999 Beaulieu ;
    téléphone 02 61 91 00 10 ; courriel accueil@ville.fr")."""
    parts = [", ".join(service.postal_lines)] if service.postal_lines else []
    if service.phone:
        parts.append(f"téléphone {service.phone}")
    if service.email:
        parts.append(f"courriel {service.email}")
    return " ; ".join(parts)


def town_lines(organisation: Organisation) -> list[str]:
    """The town's public contact (its settings' "Coordonnées et pages légales"), as lines."""
    lines = [organisation.name]
    lines += [line.strip() for line in organisation.contact_address.splitlines() if line.strip()]
    if organisation.contact_phone:
        lines.append(f"Téléphone : {organisation.contact_phone}")
    if organisation.contact_email:
        lines.append(f"Courriel : {organisation.contact_email}")
    return lines


def acknowledging_lines(organisation: Organisation, service: Service | None) -> list[str]:
    """Who a citizen reaches about a request acknowledged without an agent (a complaint filed
    on the web and acknowledged by e-mail at once): its service when it has its whole contact,
    otherwise the town hall's public contact."""
    if service is not None and not service.missing_contact():
        return sender_lines(service, organisation)
    return town_lines(organisation)
