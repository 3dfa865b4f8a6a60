"""Where a member lands in their town (core.registries.LANDING_PAGES, registered by this app,
whose key sorts after "commitments": core.registries.landing_page takes the last)."""

from __future__ import annotations

from django.urls import reverse

from core.access import Capability, can
from core.models import Membership, Role


def landing(membership: Membership) -> str:
    """Those who handle items (agents, quality managers, administrators) land on their home and
    what they have to do; auditors on the year under audit (the auditor's view); readers on the
    one-screen summary of the commitments."""
    if can(membership, Capability.CAPTURE):
        name = "dashboards:home"
    elif membership.role == Role.AUDITOR:
        name = "dashboards:audit"
    else:
        name = "commitments:summary"
    return reverse(name, kwargs={"org_slug": membership.organisation.slug})
