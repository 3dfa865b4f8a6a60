"""State changes of the organisation's people and settings, each with its audit event."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from administration.models import Invitation
from core.audit import create_audited, delete_audited, record_event, save_audited, snapshot
from core.localtime import town_time_zone
from core.models import (
    ClosureDay,
    HolidayZone,
    Membership,
    OpeningHours,
    Organisation,
    Role,
    Service,
    Site,
    User,
    Weekday,
)
from core.registries import CalendarChange, calendar_changed, ring_cycle_changed
from core.workdays import WorkingCalendar, calendar_for, days_off_changed


def account_link(user: User, base_url: str) -> str:
    """A one-time link where the user chooses a password (Django's reset token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("core:password_reset_confirm", args=[uid, token])


@transaction.atomic
def invite_member(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    invited_by: User | None,
    base_url: str,
    full_name: str = "",
    ends_on: dt.date | None = None,
) -> Membership | Invitation:
    """Give `email` a role in the organisation and e-mail them. A new address gets its
    account, its membership and a link to choose a password. An address that already has an
    account (a member of another town, say) gets an Invitation to accept when logged in: the
    town does not choose for them, and learns nothing of them (the `full_name` typed is not
    written on an existing account)."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return _invite_existing_account(
            organisation=organisation, user=user, email=email, role=role, invited_by=invited_by, base_url=base_url,
            ends_on=ends_on,
        )  # fmt: skip
    user = User.objects.create_user(email, None, full_name=full_name)
    membership = Membership.objects.create(organisation=organisation, user=user, role=role, ends_on=ends_on)
    record_event(
        organisation=organisation,
        actor=invited_by,
        instance=membership,
        action="invite",
        after=snapshot(membership, ["user", "role", "ends_on"]) | {"email": email},
    )
    body = render_to_string(
        "administration/email/invitation.txt",
        {
            "organisation": organisation,
            "role": membership.get_role_display(),
            "link": account_link(user, base_url),
            "ends_on": ends_on,
        },
    )
    transaction.on_commit(
        lambda: send_mail(f"Invitation à Qualipilote — {organisation.name}", body, settings.DEFAULT_FROM_EMAIL, [email])
    )
    return membership


def _invite_existing_account(
    *,
    organisation: Organisation,
    user: User,
    email: str,
    role: str,
    invited_by: User | None,
    base_url: str,
    ends_on: dt.date | None,
) -> Invitation:
    invitation = Invitation.objects.create(
        organisation=organisation, user=user, email=email, role=role, ends_on=ends_on, invited_by=invited_by
    )
    record_event(
        organisation=organisation,
        actor=invited_by,
        instance=invitation,
        action="invite",
        after=snapshot(invitation, ["role", "ends_on"]) | {"email": email},
    )
    body = render_to_string(
        "administration/email/invitation_existing.txt",
        {
            "organisation": organisation,
            "role": invitation.get_role_display(),
            "link": base_url.rstrip("/") + reverse("administration:invitations"),
            "ends_on": ends_on,
        },
    )
    transaction.on_commit(
        lambda: send_mail(f"Invitation à Qualipilote — {organisation.name}", body, settings.DEFAULT_FROM_EMAIL, [email])
    )
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """The invited person joins the town with the role offered (their own decision)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk, user=user)
    membership = Membership.objects.create(
        organisation=invitation.organisation, user=user, role=invitation.role, ends_on=invitation.ends_on
    )
    record_event(
        organisation=invitation.organisation,
        actor=user,
        instance=membership,
        action="accept_invitation",
        after=snapshot(membership, ["user", "role", "ends_on"]),
    )
    invitation.delete()
    return membership


@transaction.atomic
def decline_invitation(*, invitation: Invitation, user: User) -> None:
    """The invited person says no: the invitation goes, the town's journal says so."""
    record_event(
        organisation=invitation.organisation,
        actor=user,
        instance=invitation,
        action="decline_invitation",
        before=snapshot(invitation, ["role", "ends_on"]) | {"email": invitation.email},
    )
    invitation.delete()


# --- The organisation's settings -------------------------------------------------------


def _dependent_records(instance: models.Model, *, deleted_with_it: tuple[type[models.Model], ...]) -> Counter[str]:
    """What else deleting `instance` would delete or is blocked by, by kind of record,
    leaving out the kinds that legitimately go with it. Generic, so that core needs to know
    no app that refers to its sites and services: each kind of record that refers to it and
    would go with it (CASCADE) or keep it (PROTECT, RESTRICT) counted in one query, without
    reading the rows (Django's deletion collector read every call and ticket of a town's
    service into memory: seconds on a page). The kinds that only lose the reference (SET_NULL)
    do not count."""
    found: Counter[str] = Counter()
    allowed = (type(instance), *deleted_with_it)
    for relation in instance._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        related: type[models.Model] = relation.related_model  # type: ignore[assignment]
        if issubclass(related, allowed) or relation.on_delete not in (models.CASCADE, models.PROTECT, models.RESTRICT):  # type: ignore[union-attr]
            continue
        count = related._base_manager.filter(**{relation.field.name: instance}).count()  # type: ignore[union-attr]
        if count:
            found[str(related._meta.verbose_name)] += count
    return found


def _describe(records: Counter[str]) -> str:
    return ", ".join(f"{kind} : {count}" for kind, count in sorted(records.items()))


def _check_time_zone_change(organisation: Organisation, holiday_zone: str) -> None:
    if town_time_zone(holiday_zone) == organisation.time_zone or not organisation.has_local_stamps():
        return
    raise ValidationError(
        {
            "holiday_zone": "Cette zone a un autre fuseau horaire que celui de la commune, qui a déjà "
            "des appels, des tickets ou des visites enregistrés à l'heure locale : le changement est "
            "refusé. Choisissez une zone du même fuseau horaire."
        }
    )


@transaction.atomic
def update_organisation(
    *,
    organisation: Organisation,
    actor: User | None,
    name: str,
    brand_color: str,
    holiday_zone: str,
    ring_cycle_seconds: Decimal,
    works_whit_monday: bool = False,
    logo: File | None = None,
    remove_logo: bool = False,
    two_factor_required: bool | None = None,
) -> Organisation:
    """Change the town's name, theme and calendar settings. `logo` must have been checked
    (administration.forms.check_logo): its name only gives the stored file's extension. A
    holiday zone in another time zone is refused once the town has calls, tickets or visits."""
    _check_time_zone_change(organisation, holiday_zone)
    values: dict[str, Any] = {
        "name": name,
        "brand_color": brand_color.lower(),
        "holiday_zone": holiday_zone,
        "ring_cycle_seconds": ring_cycle_seconds.quantize(Decimal("0.1")),
        "works_whit_monday": works_whit_monday,
    }
    if two_factor_required is not None:  # None: left as it is
        values["two_factor_required"] = two_factor_required
    before = snapshot(organisation, [*values, "logo"])
    old_calendar = calendar_for(organisation)
    old_logo = organisation.logo.name or ""
    if logo is not None:
        suffix = PurePosixPath(logo.name or "").suffix.lower()
        organisation.logo.save(f"{organisation.slug}{suffix}", logo, save=False)
    elif remove_logo:
        organisation.logo = ""  # type: ignore[assignment]
    values["logo"] = organisation.logo
    save_audited(organisation, organisation=organisation, actor=actor, values=values, before=before)
    if (before["holiday_zone"], before["works_whit_monday"]) != (holiday_zone, works_whit_monday):
        _follow_days_off(organisation, actor, old_calendar, zone_before=before["holiday_zone"])
    if Decimal(before["ring_cycle_seconds"]) != organisation.ring_cycle_seconds:
        ring_cycle_changed(organisation=organisation, actor=actor)
    if old_logo and old_logo != (organisation.logo.name or ""):
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return organisation


def _follow_days_off(
    organisation: Organisation, actor: User | None, old_calendar: WorkingCalendar, *, zone_before: str
) -> None:
    """The holiday zone or the Whit Monday setting changed: the days off that differ move the
    figures."""
    days = days_off_changed(old_calendar, calendar_for(organisation), today=organisation.today())
    if zone_before != organisation.holiday_zone:
        kind = "holiday_zone"
        detail = f"{HolidayZone(zone_before).label} → {HolidayZone(organisation.holiday_zone).label}"
    else:
        kind = "whit_monday"
        detail = "travaillé" if organisation.works_whit_monday else "chômé"
    change = CalendarChange(kind=kind, days=days, detail=detail)
    calendar_changed(organisation=organisation, actor=actor, change=change)


def _follow_opening_hours(organisation: Organisation, actor: User | None, services: set[int], detail: str) -> None:
    if services:
        change = CalendarChange(kind="opening_hours", services=frozenset(services), detail=detail)
        calendar_changed(organisation=organisation, actor=actor, change=change)


def _slot_text(slot: OpeningHours) -> str:
    owner = f"{slot.site.name} — {slot.service.name}" if slot.service else slot.site.name
    return f"{owner}, {Weekday(slot.weekday).label} {slot.opens_at:%H:%M}–{slot.closes_at:%H:%M}"


def _services_following(slot: OpeningHours) -> set[int]:
    """The services whose opening hours a slot gives: its own service, or the services of its
    site that have no slots of their own."""
    if slot.service_id is not None:
        return {slot.service_id}
    with_own = OpeningHours.objects.filter(organisation_id=slot.organisation_id, service__isnull=False)
    services = Service.objects.filter(organisation_id=slot.organisation_id, site_id=slot.site_id)
    return set(services.exclude(pk__in=with_own.values("service_id")).values_list("pk", flat=True))


@transaction.atomic
def create_site(*, organisation: Organisation, actor: User | None, name: str, address: str = "") -> Site:
    site = Site(organisation=organisation, name=name, address=address)
    create_audited(site, organisation=organisation, actor=actor)
    return site


@transaction.atomic
def update_site(*, site: Site, actor: User | None, name: str, address: str = "") -> Site:
    save_audited(site, organisation=site.organisation, actor=actor, values={"name": name, "address": address})
    return site


def site_deletion_blocker(site: Site) -> str | None:
    """Why `site` cannot be deleted, in French, or None when it can."""
    services = site.services.count()
    if services:
        return (
            f"Le site « {site.name} » a encore {services} service{'s' if services > 1 else ''} : "
            "rattachez-les à un autre site ou supprimez-les avant de supprimer le site."
        )
    others = _dependent_records(site, deleted_with_it=(OpeningHours,))
    if others:
        return (
            f"Le site « {site.name} » est lié à d'autres données ({_describe(others)}) : il ne peut pas être supprimé."
        )
    return None


@transaction.atomic
def delete_site(*, site: Site, actor: User | None) -> None:
    """Delete a site that has no service, with its opening hours."""
    blocker = site_deletion_blocker(site)
    if blocker:
        raise ValidationError(blocker, code="site_in_use")
    for slot in OpeningHours.objects.filter(organisation_id=site.organisation_id, site=site):
        delete_audited(slot, organisation=site.organisation, actor=actor)
    delete_audited(site, organisation=site.organisation, actor=actor)


@transaction.atomic
def create_service(
    *,
    organisation: Organisation,
    actor: User | None,
    site: Site,
    code: str,
    name: str,
    postal_address: str = "",
    email: str = "",
    phone: str = "",
) -> Service:
    if site.organisation_id != organisation.pk:
        raise ValidationError("Ce site n'appartient pas à votre ville.", code="other_town")
    service = Service(
        organisation=organisation, site=site, code=code, name=name, **_contact(postal_address, email, phone)
    )
    create_audited(service, organisation=organisation, actor=actor)
    return service


def _contact(postal_address: str | None, email: str | None, phone: str | None) -> dict[str, str]:
    """The contact fields given (None: left as they are), trimmed."""
    given = {"postal_address": postal_address, "email": email, "phone": phone}
    return {name: value.strip() for name, value in given.items() if value is not None}


@transaction.atomic
def update_service(
    *,
    service: Service,
    actor: User | None,
    site: Site,
    code: str,
    name: str,
    postal_address: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> Service:
    """Change a service; moving it to another site drops its own opening hours, which
    belonged to the old site (it then follows its new site's hours). The contact printed on
    its acknowledgements of receipt changes only where given."""
    if site.organisation_id != service.organisation_id:
        raise ValidationError("Ce site n'appartient pas à votre ville.", code="other_town")
    old_site = service.site
    if site.pk != service.site_id:
        for slot in OpeningHours.objects.filter(organisation_id=service.organisation_id, service=service):
            delete_audited(slot, organisation=service.organisation, actor=actor)
    save_audited(
        service,
        organisation=service.organisation,
        actor=actor,
        values={"site": site, "code": code, "name": name, **_contact(postal_address, email, phone)},
    )
    if site.pk != old_site.pk:
        change = CalendarChange(
            kind="service_site", services=frozenset({service.pk}), detail=f"{name} : {old_site.name} → {site.name}"
        )
        calendar_changed(organisation=service.organisation, actor=actor, change=change)
    return service


def service_deletion_blocker(service: Service) -> str | None:
    """Why `service` cannot be deleted, in French, or None when it can: a service that
    records or indicators refer to is kept, so that past figures stay explainable."""
    others = _dependent_records(service, deleted_with_it=(OpeningHours,))
    if others:
        return (
            f"Le service « {service.name} » est utilisé par d'autres données ({_describe(others)}) : "
            "il ne peut pas être supprimé."
        )
    return None


@transaction.atomic
def delete_service(*, service: Service, actor: User | None) -> None:
    blocker = service_deletion_blocker(service)
    if blocker:
        raise ValidationError(blocker, code="service_in_use")
    for slot in OpeningHours.objects.filter(organisation_id=service.organisation_id, service=service):
        delete_audited(slot, organisation=service.organisation, actor=actor)
    delete_audited(service, organisation=service.organisation, actor=actor)


@transaction.atomic
def add_opening_hours(
    *,
    site: Site,
    actor: User | None,
    weekday: int,
    opens_at: dt.time,
    closes_at: dt.time,
    service: Service | None = None,
) -> OpeningHours:
    """Add a weekly slot to a site, or to one of its services. The form has checked the
    order of the hours and the overlaps with the other slots."""
    if service is not None and service.site_id != site.pk:
        raise ValidationError("Ce service ne dépend pas de ce site.", code="other_site")
    slot = OpeningHours(
        organisation_id=site.organisation_id,
        site=site,
        service=service,
        weekday=weekday,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    create_audited(slot, organisation=site.organisation, actor=actor)
    _follow_opening_hours(site.organisation, actor, _services_following(slot), f"ajout : {_slot_text(slot)}")
    return slot


@transaction.atomic
def delete_opening_hours(*, slot: OpeningHours, actor: User | None) -> None:
    services = _services_following(slot)
    delete_audited(slot, organisation=slot.organisation, actor=actor)
    _follow_opening_hours(slot.organisation, actor, services, f"retrait : {_slot_text(slot)}")


@transaction.atomic
def add_closure_day(*, organisation: Organisation, actor: User | None, date: dt.date, label: str) -> ClosureDay:
    closure = ClosureDay(organisation=organisation, date=date, label=label)
    create_audited(closure, organisation=organisation, actor=actor)
    change = CalendarChange(kind="closure_added", days=frozenset({date}), detail=_closure_text(closure))
    calendar_changed(organisation=organisation, actor=actor, change=change)
    return closure


@transaction.atomic
def delete_closure_day(*, closure: ClosureDay, actor: User | None) -> None:
    delete_audited(closure, organisation=closure.organisation, actor=actor)
    change = CalendarChange(kind="closure_removed", days=frozenset({closure.date}), detail=_closure_text(closure))
    calendar_changed(organisation=closure.organisation, actor=actor, change=change)


def _closure_text(closure: ClosureDay) -> str:
    return f"{closure.date:%d/%m/%Y} : {closure.label}" if closure.label else f"{closure.date:%d/%m/%Y}"


def _is_lasting_admin(role: str, ends_on: dt.date | None) -> bool:
    return role == Role.ADMIN and ends_on is None


def last_administrator_blocker(
    membership: Membership, *, role: str | None = None, ends_on: dt.date | None = None, removing: bool = False
) -> str | None:
    """Why this change would leave the town without an administrator, or None.

    The town must keep at least one administrator without an end date: otherwise nobody
    could invite, change roles or fix the settings any more."""
    if not _is_lasting_admin(membership.role, membership.ends_on):
        return None
    if not removing and role is not None and _is_lasting_admin(role, ends_on):
        return None
    others = Membership.objects.filter(
        organisation_id=membership.organisation_id, role=Role.ADMIN, ends_on__isnull=True
    ).exclude(pk=membership.pk)
    if others.exists():
        return None
    return (
        f"{membership.user} est le dernier administrateur de la ville : nommez d'abord un autre administrateur, "
        "sans quoi plus personne ne pourrait gérer les accès et les paramètres."
    )


def _lock_administrators(organisation_id: int) -> None:
    # Two administrators demoting each other at the same moment must not both succeed
    # (PostgreSQL row locks; SQLite's IMMEDIATE transactions already serialise writers).
    list(
        Membership.objects.select_for_update()
        .filter(organisation_id=organisation_id, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def update_membership(*, membership: Membership, actor: User | None, role: str, ends_on: dt.date | None) -> Membership:
    """Change a member's role or end of access, keeping the town an administrator."""
    _lock_administrators(membership.organisation_id)
    blocker = last_administrator_blocker(membership, role=role, ends_on=ends_on)
    if blocker:
        raise ValidationError(blocker, code="last_admin")
    save_audited(
        membership,
        organisation=membership.organisation,
        actor=actor,
        values={"role": role, "ends_on": ends_on},
    )
    return membership


@transaction.atomic
def remove_membership(*, membership: Membership, actor: User | None) -> None:
    """Take a person's access to the town away. Their account stays: it may open other towns."""
    _lock_administrators(membership.organisation_id)
    blocker = last_administrator_blocker(membership, removing=True)
    if blocker:
        raise ValidationError(blocker, code="last_admin")
    record_event(
        organisation=membership.organisation,
        actor=actor,
        instance=membership,
        action="delete",
        before=snapshot(membership, ["user", "role", "ends_on"]) | {"email": membership.user.email},
    )
    membership.delete()
