"""Writing to the append-only audit trail."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from core.journal import MOVED_MODELS
from core.localtime import aware_local
from core.models import AuditEvent, Organisation, OrgOwned, User

Owned = TypeVar("Owned", bound=OrgOwned)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The values of an instance's concrete fields, ready for JSON."""
    names = fields or [f.name for f in instance._meta.concrete_fields if f.name not in ("id", "organisation")]
    return {name: _jsonable(getattr(instance, name)) for name in names}


def saved_user(actor: User | None) -> User | None:
    """The person to store as who did something: a saved user, or None for the system (None,
    or an unsaved stand-in for nobody)."""
    return actor if actor is not None and actor.pk else None


def _event(
    *,
    organisation: Organisation,
    actor: User | None,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """The unsaved event; only the fields that changed are kept for an update."""
    if before is not None and after is not None:
        changed = [key for key in after if before.get(key) != after.get(key)]
        before = {key: before.get(key) for key in changed}
        after = {key: after[key] for key in changed}
    return AuditEvent(
        organisation=organisation,
        actor=saved_user(actor),
        actor_label=str(actor.email) if actor is not None and actor.pk else "système",
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:250],
        action=action,
        before=before,
        after=after,
    )


def record_event(
    *,
    organisation: Organisation,
    actor: User | None,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Only the fields that changed are kept for an update."""
    event = _event(organisation=organisation, actor=actor, instance=instance, action=action, before=before, after=after)
    event.save(force_insert=True)
    return event


def record_events(
    *,
    organisation: Organisation,
    actor: User | None,
    action: str,
    changes: Sequence[tuple[models.Model, dict[str, Any] | None, dict[str, Any] | None]],
) -> list[AuditEvent]:
    """Append one event per (instance, before, after) in one INSERT, as `record_event` would
    one by one (a recomputation that changes many values)."""
    events = [
        _event(organisation=organisation, actor=actor, instance=instance, action=action, before=before, after=after)
        for instance, before, after in changes
    ]
    return AuditEvent.objects.bulk_create(events) if events else []


def history_of(instance: models.Model) -> models.QuerySet[AuditEvent]:
    organisation_id = getattr(instance, "organisation_id", None) or instance.pk
    return AuditEvent.objects.filter(
        organisation_id=organisation_id, object_type=instance._meta.label_lower, object_id=str(instance.pk)
    ).select_related("actor")


def _organisation_of(instance: models.Model, organisation: Organisation | None) -> Organisation:
    return organisation if organisation is not None else instance.organisation  # type: ignore[attr-defined]


def create_audited(
    instance: models.Model,
    *,
    actor: User | None,
    fields: list[str] | None = None,
    organisation: Organisation | None = None,
) -> AuditEvent:
    """Save a new record and append its values (`fields`, or all) to the trail. `organisation`
    defaults to the record's own."""
    instance.save()
    return record_event(
        organisation=_organisation_of(instance, organisation),
        actor=actor,
        instance=instance,
        action="create",
        after=snapshot(instance, fields),
    )


def save_audited(
    instance: models.Model,
    *,
    actor: User | None,
    values: dict[str, Any],
    before: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
) -> bool:
    """Write `values` to a record and append what changed to the trail; nothing is written when
    nothing changed (returns False). `before` overrides the snapshot when the record was already
    touched. Only these fields and the record's auto-updated timestamps are saved."""
    fields = list(values)
    before = before if before is not None else snapshot(instance, fields)
    for name, value in values.items():
        setattr(instance, name, value)
    after = snapshot(instance, fields)
    if before == after:
        return False
    timestamps = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    instance.save(update_fields=fields + timestamps)
    record_event(
        organisation=_organisation_of(instance, organisation),
        actor=actor,
        instance=instance,
        action="update",
        before=before,
        after=after,
    )
    return True


def delete_audited(
    instance: Owned,
    *,
    actor: User | None,
    fields: list[str] | None = None,
    action: str = "delete",
    blocker: Callable[[Owned], str | None] | None = None,
    organisation: Organisation | None = None,
) -> AuditEvent:
    """Delete a town's record and append its "before" (the listed `fields`, or all) to the trail.

    `blocker(instance)` says in French why the record must stay (records that refer to it...),
    or returns an empty string or None; its message is raised as a ValidationError and nothing
    is written. Call it from the action's own transaction, so that the check and the deletion
    see the same rows; the event and the deletion are written together in any case. The event
    is recorded first: it needs the primary key that the deletion clears."""
    message = blocker(instance) if blocker is not None else None
    if message:
        raise ValidationError(message)
    with transaction.atomic(savepoint=False):
        event = record_event(
            organisation=_organisation_of(instance, organisation),
            actor=actor,
            instance=instance,
            action=action,
            before=snapshot(instance, fields),
        )
        instance.delete()
    return event


def journal_events(
    organisation: Organisation,
    *,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    actor: User | None = None,
    object_type: str = "",
) -> models.QuerySet[AuditEvent]:
    """The town's trail, newest first, between two days of the town's own time included."""
    events = AuditEvent.objects.filter(organisation=organisation).select_related("actor")
    zone = organisation.time_zone
    if first_day is not None:
        events = events.filter(at__gte=aware_local(dt.datetime.combine(first_day, dt.time.min), zone))
    if last_day is not None:
        day_after = last_day + dt.timedelta(days=1)
        events = events.filter(at__lt=aware_local(dt.datetime.combine(day_after, dt.time.min), zone))
    if actor is not None:
        events = events.filter(actor=actor)
    if object_type:
        former = [old for old, new in MOVED_MODELS.items() if new == object_type]
        events = events.filter(object_type__in=[object_type, *former])
    return events
