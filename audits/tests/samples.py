"""Objects the URL walkers route to: an editable grid and its criterion; a campaign of a visit
grid with a grid still to fill (assigned to another member, so the walkers open it as the
town's staff) and a submitted one (a finding with a photo, a scanned paper grid)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from audits.models import Assessment, AssessmentStatus, CheckCampaign, Criterion, CriterionAnswer, Grid
from audits.tests.factories import make_filled_grid, make_grid_campaign, make_weighted_grid
from core.models import Membership, Organisation, Role, User

# The smallest PNG: a photo to serve.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def sample_values(organisation: Organisation) -> dict[str, Any]:
    assessor = User.objects.create_user(f"controleur@{organisation.slug}.test", "x", full_name="Contrôleur témoin")
    Membership.objects.create(organisation=organisation, user=assessor, role=Role.AGENT)
    editable = make_weighted_grid(organisation, [("1", 2), ("1", 1), ("10", 3)], title="Grille témoin")
    locked = make_weighted_grid(organisation, [("1", 2), ("10", 3)], kind="visit", title="Visite témoin")
    campaign = make_grid_campaign(locked, starts_on=dt.date(2026, 3, 1))
    to_fill = make_filled_grid(campaign, assessor, [], checked_on=None)
    done = make_filled_grid(campaign, assessor, ["partly", "no"], checked_on=dt.date(2026, 3, 10))
    answer = done.answers.order_by("pk").first()
    assert answer is not None
    answer.photo.save("photo.png", ContentFile(PNG), save=True)
    done.scan.save("grille.png", ContentFile(PNG), save=True)
    criterion = editable.criteria.order_by("position").first()
    assert criterion is not None
    return {
        "grid_id": editable.pk,
        "criterion_id": criterion.pk,
        "check_campaign_id": campaign.pk,
        "assessment_id": to_fill.pk,
        "filled_grid_id": done.pk,
        "answer_id": answer.pk,
    }


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first grid, campaign, grid to fill and submitted grid with a photo;
    sample ones while the demo has none."""
    answer = CriterionAnswer.objects.for_org(organisation).exclude(photo="").order_by("pk").first()
    to_fill = Assessment.objects.for_org(organisation).filter(status=AssessmentStatus.ASSIGNED).order_by("pk").first()
    grid = Grid.objects.for_org(organisation).order_by("pk").first()
    criterion = Criterion.objects.for_org(organisation).order_by("pk").first()
    if answer is None or to_fill is None or grid is None or criterion is None:
        return sample_values(organisation)
    campaign = CheckCampaign.objects.for_org(organisation).filter(pk=to_fill.campaign_id).get()
    return {
        "grid_id": grid.pk,
        "criterion_id": criterion.pk,
        "check_campaign_id": campaign.pk,
        "assessment_id": to_fill.pk,
        "filled_grid_id": answer.assessment_id,
        "answer_id": answer.pk,
    }
