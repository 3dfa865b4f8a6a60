"""The town's legal notice (mentions légales) and accessibility statement (déclaration
d'accessibilité), shown on its public pages. A town that has not written its own reads a
default written at display time from its data (name, contact, host, retention period,
accessibility status): nothing is stored until the town saves a text of its own, so the
default follows the town's settings."""

from __future__ import annotations

from core.models import AccessibilityStatus, Organisation
from core.workdays import french_date

DEFENSEUR_DES_DROITS = (
    "- écrire un message au Défenseur des droits par son formulaire en ligne : https://formulaire.defenseurdesdroits.fr/\n"
    "- contacter le délégué du Défenseur des droits dans votre région : "
    "https://www.defenseurdesdroits.fr/saisir/delegues\n"
    "- envoyer un courrier par la poste, gratuitement et sans timbre : Défenseur des droits, Libre réponse 71120, "
    "75342 Paris CEDEX 07"
)
RGAA_VERSION = "4.1.2"
# "Les pages sont {non conformes | partiellement conformes | totalement conformes}."
STATUS_PLURAL = {
    AccessibilityStatus.NOT_COMPLIANT: "non conformes",
    AccessibilityStatus.PARTIAL: "partiellement conformes",
    AccessibilityStatus.FULL: "totalement conformes",
}


def address_line(organisation: Organisation) -> str:
    """The town's postal address on one line ("1 place de la Mairie, 45999 Beaulieu")."""
    return ", ".join(line.strip() for line in organisation.contact_address.splitlines() if line.strip())


def contact_items(organisation: Organisation) -> list[str]:
    """The ways to reach the town, as list items of a page ("- par courriel : …")."""
    items = []
    if organisation.contact_email:
        items.append(f"- par courriel : {organisation.contact_email}")
    if organisation.contact_phone:
        items.append(f"- par téléphone : {organisation.contact_phone}")
    if organisation.contact_address.strip():
        items.append(f"- par courrier : {organisation.name}, {address_line(organisation)}")
    return items or [f"- à l'accueil de {organisation.name}"]


def _years(years: int) -> str:
    return f"{years} an{'s' if years > 1 else ''}"


def default_legal_notice(organisation: Organisation) -> str:
    name = organisation.name
    publisher = [f"Ces pages sont éditées par {name}."]
    publisher += [line.strip() for line in organisation.contact_address.splitlines() if line.strip()]
    if organisation.contact_phone:
        publisher.append(f"Téléphone : {organisation.contact_phone}")
    if organisation.contact_email:
        publisher.append(f"Courriel : {organisation.contact_email}")
    if organisation.website:
        publisher.append(f"Site internet : {organisation.website}")
    host = organisation.legal_host.strip() or (
        f"Les coordonnées de l'hébergeur de ces pages sont communiquées sur demande par {name}."
    )
    retention = _years(organisation.retention_years)
    reach = organisation.contact_email or address_line(organisation) or f"l'accueil de {name}"
    return "\n\n".join(
        [
            "## Éditeur",
            "\n".join(publisher),
            "## Directeur ou directrice de la publication",
            f"Le représentant légal de {name} (le maire, pour une commune).",
            "## Hébergement",
            host,
            "## Objet de ces pages",
            f"Ces pages permettent aux usagers de {name} de faire une réclamation ou une suggestion et d'en suivre "
            "le traitement, de répondre aux enquêtes de satisfaction, de prendre rendez-vous et de consulter les "
            "résultats publiés des engagements de service.",
            "## Données personnelles",
            f"{name} traite les données que vous lui confiez (nom, adresse e-mail, téléphone, message) pour "
            "traiter votre réclamation ou votre suggestion, organiser votre rendez-vous et mesurer la qualité de "
            "ses services. Ces traitements relèvent de l'exécution de sa mission de service public (article 6, "
            "paragraphe 1, point e du règlement général sur la protection des données, RGPD) : ils ne reposent "
            "pas sur votre consentement.",
            "Seuls les agents chargés de votre demande voient vos données ; elles ne sont transmises à personne "
            f"d'autre. Elles sont effacées {retention} après la clôture de votre demande ou après votre "
            "rendez-vous ; seules restent, sans votre nom, les dates et la catégorie qui servent aux "
            "statistiques. Les réponses aux enquêtes de satisfaction sont anonymes.",
            "Vous pouvez accéder à vos données, les faire rectifier ou effacer, demander la limitation de leur "
            f"traitement ou vous y opposer en vous adressant à {name} ou à son délégué à la protection des "
            f"données : {reach}. Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une "
            "réclamation à la Commission nationale de l'informatique et des libertés (CNIL) : https://www.cnil.fr/",
            "## Cookies",
            "Ces pages ne déposent aucun cookie de mesure d'audience ni de publicité. Les seuls cookies utilisés "
            "sont nécessaires à leur fonctionnement (la protection des formulaires contre les envois frauduleux, "
            "la confirmation d'un envoi) : ils ne demandent pas votre consentement.",
        ]
    )


def default_accessibility_statement(organisation: Organisation) -> str:
    name = organisation.name
    status = AccessibilityStatus(organisation.accessibility_status)
    audited = organisation.accessibility_audit_on
    if audited is None:
        assessment = (
            "Aucun audit de conformité n'a encore été réalisé. Ces pages sont vérifiées à chaque évolution par "
            "des tests automatiques d'accessibilité, sur ordinateur et sur téléphone, et se parcourent au "
            "clavier seul ; ces tests ne remplacent pas un audit."
        )
    else:
        assessment = f"Cet état résulte de l'audit de conformité réalisé le {french_date(audited)}."
    return "\n\n".join(
        [
            f"{name} s'engage à rendre ses services en ligne accessibles, conformément à l'article 47 de la loi "
            "n° 2005-102 du 11 février 2005.",
            f"Cette déclaration d'accessibilité s'applique aux pages publiques de {name} : le formulaire de "
            "réclamation et de suggestion et le suivi d'une réclamation, les enquêtes de satisfaction, la prise "
            "de rendez-vous, les résultats publiés des engagements de service, les mentions légales et cette "
            "déclaration.",
            "## État de conformité",
            f"Les pages publiques de {name} sont {STATUS_PLURAL[status]} avec le référentiel général "
            f"d'amélioration de l'accessibilité (RGAA), version {RGAA_VERSION}. {assessment}",
            "## Technologies utilisées",
            "HTML et CSS ; JavaScript pour quelques compléments facultatifs, sans lesquels les pages restent "
            "utilisables.",
            "## Retour d'information et contact",
            f"Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter {name} pour "
            "être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme :",
            "\n".join(contact_items(organisation)),
            "## Voies de recours",
            f"Si vous avez signalé à {name} un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou "
            "à un service et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez :",
            DEFENSEUR_DES_DROITS,
        ]
    )


def legal_notice_text(organisation: Organisation) -> str:
    """The town's own text, or the default while it has written none."""
    return organisation.legal_notice.strip() or default_legal_notice(organisation)


def accessibility_statement_text(organisation: Organisation) -> str:
    return organisation.accessibility_statement.strip() or default_accessibility_statement(organisation)
