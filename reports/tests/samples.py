"""URL parameters of the report pages: they take only the organisation, so there is nothing to add."""

from typing import Any

from core.models import Organisation


def sample_values(organisation: Organisation) -> dict[str, Any]:
    return {}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    return {}
