"""Shows an audit event in French: its action's label, the person by name, the moment in the
town's time, and its values with the French names of the fields."""

import datetime as dt
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from core import journal
from core.localtime import local_moment_text
from core.models import AuditEvent, Organisation

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """{{ event.action|action_label }}: "update" → "modification"."""
    return journal.action_label(code)


@register.filter
def person(row: journal.Acted) -> str:
    """{{ event|person }}: the full name of who did it, else their e-mail, else "système"."""
    return journal.person_name(row)


@register.filter
def town_time(moment: dt.datetime | None, organisation: Organisation) -> str:
    """{{ event.at|town_time:org }}: "04/12/2026 17:05" in the town's own time zone."""
    return local_moment_text(moment, organisation.time_zone) if moment is not None else "—"


@register.filter
def town_time_seconds(moment: dt.datetime | None, organisation: Organisation) -> str:
    """{{ event.at|town_time_seconds:org }}: "04/12/2026 17:05:09" in the town's time zone."""
    return local_moment_text(moment, organisation.time_zone, seconds=True) if moment is not None else "—"


VALUE_WORDS = {True: "oui", False: "non", None: "—", "": "—"}


def _model(object_type: str) -> Any:
    """The model an event names, also under the name it had before it moved (journal.MOVED_MODELS)."""
    return apps.get_model(journal.MOVED_MODELS.get(object_type, object_type))


def _field(object_type: str, name: str) -> Any:
    """The model's own field of that name; None for a value that is no field of its own (a
    reverse relation of that name, as the scores of a grid, reads from journal.VALUE_LABELS)."""
    try:
        field = _model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return None if field.auto_created and not field.concrete else field


def field_label(object_type: str, name: str) -> str:
    field = _field(object_type, name)
    if field is not None:
        return str(field.verbose_name)
    return journal.VALUE_LABELS.get(name) or name.replace("_", " ")


def choice_label(object_type: str, name: str, value: Any) -> Any:
    """The French label of a stored choice ("received" → "reçue"), else the value itself."""
    field = _field(object_type, name)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if not choices or isinstance(value, dict | list):
        return value
    return choices.get(value, value)


def model_label(object_type: str) -> str:
    try:
        return str(_model(object_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return object_type


def readable(value: Any) -> Any:
    if isinstance(value, bool) or value is None or value == "":
        return VALUE_WORDS[value]
    return value


@register.inclusion_tag("core/includes/changes.html")
def audit_values(event: AuditEvent, side: str) -> dict[str, Any]:
    values = (event.before if side == "before" else event.after) or {}
    rows = [
        (field_label(event.object_type, key), readable(choice_label(event.object_type, key, value)))
        for key, value in values.items()
    ]
    return {"rows": rows, "collapsed": len(rows) > 4}
