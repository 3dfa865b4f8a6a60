"""Writing to the append-only audit trail."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from core.models import AuditEvent, Organisation, User


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
    if before is not None and after is not None:
        changed = [key for key in after if before.get(key) != after.get(key)]
        before = {key: before.get(key) for key in changed}
        after = {key: after[key] for key in changed}
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=str(actor.email) if actor is not None and actor.pk else "système",
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:250],
        action=action,
        before=before,
        after=after,
    )


def history_of(instance: models.Model) -> models.QuerySet[AuditEvent]:
    organisation_id = getattr(instance, "organisation_id", None) or instance.pk
    return AuditEvent.objects.filter(
        organisation_id=organisation_id, object_type=instance._meta.label_lower, object_id=str(instance.pk)
    ).select_related("actor")
