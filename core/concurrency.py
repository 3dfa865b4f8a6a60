"""Two agents editing one record: the second save is refused, naming who changed it.

`select_for_update` does nothing on SQLite and edits are minutes apart, so each versioned
record carries a counter that every save checks and increments. A form sends back the
version it was opened with (`seen_version`)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone

from core.audit import history_of


class ConcurrentEditError(Exception):
    """The record changed since the form was opened; the message says who and when, in French."""


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


def changed_by_message(instance: models.Model) -> str:
    last = history_of(instance).first()
    if last is None:
        return "Cet enregistrement a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert."
    when = timezone.localtime(last.at)
    return (
        f"Cet enregistrement a été modifié par {last.actor_label} le {when:%d/%m/%Y à %H:%M} depuis que vous "
        "l'avez ouvert. Rien n'a été enregistré : rechargez la page pour voir sa version actuelle."
    )


def save_if_unchanged(instance: Versioned, *, seen_version: int, fields: list[str]) -> None:
    """Write `fields` of `instance` only if nobody saved it since `seen_version`, else raise
    ConcurrentEditError. Call it inside the transaction that writes the audit event."""
    values: dict[str, Any] = {name: getattr(instance, name) for name in fields}
    for field in instance._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            values[field.name] = timezone.now()
    updated = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, version=seen_version)
        .update(version=F("version") + 1, **values)
    )
    if not updated:
        raise ConcurrentEditError(changed_by_message(instance))
    instance.version = seen_version + 1
