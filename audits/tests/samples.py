"""Objects the URL walkers route to: a grid to fill (assigned, not submitted) and its campaign.
The grid is assigned to another member, so the walkers open it as the town's staff."""

from __future__ import annotations

from typing import Any

from audits.models import Assessment, AssessmentStatus
from audits.tests.factories import make_assessment, make_campaign
from core.models import Organisation, User


def sample_values(organisation: Organisation) -> dict[str, Any]:
    assessor = User.objects.create_user(f"controleur@{organisation.slug}.test", "x", full_name="Contrôleur témoin")
    assessment = make_assessment(make_campaign(organisation), assessor)
    return {"assessment_id": assessment.pk, "check_campaign_id": assessment.campaign_id}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first grid still to fill; sample ones while the demo has none."""
    assessment = (
        Assessment.objects.for_org(organisation).filter(status=AssessmentStatus.ASSIGNED).order_by("pk").first()
    )
    if assessment is None:
        return sample_values(organisation)
    return {"assessment_id": assessment.pk, "check_campaign_id": assessment.campaign_id}
