"""Shows an audit event's values with the French names of the fields."""

from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from core.models import AuditEvent

register = template.Library()

VALUE_WORDS = {True: "oui", False: "non", None: "—", "": "—"}


def _field(object_type: str, name: str) -> Any:
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def field_label(object_type: str, name: str) -> str:
    field = _field(object_type, name)
    return str(field.verbose_name) if field is not None else name.replace("_", " ")


def choice_label(object_type: str, name: str, value: Any) -> Any:
    """The French label of a stored choice ("received" → "reçue"), else the value itself."""
    field = _field(object_type, name)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if not choices or isinstance(value, dict | list):
        return value
    return choices.get(value, value)


def model_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name).capitalize()
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
