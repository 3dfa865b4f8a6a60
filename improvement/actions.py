"""State changes of the improvement plan: keyword-only, typed, atomic, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction

from commitments.models import Commitment, Indicator
from core.models import Organisation, Service, User
from improvement.models import Decision, ImprovementAction, Origin
from improvement.workflow import NUMBERING, WORKFLOW


def origin_reference(record: models.Model) -> tuple[str, str]:
    """How an action names the record it comes from: as the audit trail names objects."""
    return record._meta.label_lower, str(record.pk)


@transaction.atomic
def open_action(
    *,
    organisation: Organisation,
    actor: User | None,
    origin: Origin | str,
    title: str,
    owner: User,
    due_on: dt.date,
    description: str = "",
    origin_record: models.Model | None = None,
    origin_label: str = "",
    origin_indicator: Indicator | None = None,
    decision: Decision | None = None,
    commitment: Commitment | None = None,
    service: Service | None = None,
    check_indicator: Indicator | None = None,
    expected_value: Decimal | None = None,
    check_on: dt.date | None = None,
) -> ImprovementAction:
    """THE way an action enters the plan (a form, a complaint's or an indicator's one-click
    button, a committee decision, the demo): numbered A-<year>-<n> in the year it is opened,
    status proposée, logged and audited. `origin_record` (a complaint, a survey answer, an audit
    finding) is named with `origin_label`, which must hold no personal data."""
    for related in (origin_record, origin_indicator, decision, commitment, service, check_indicator):
        if related is not None and getattr(related, "organisation_id", organisation.pk) != organisation.pk:
            raise ValidationError("Cet élément n'appartient pas à la commune.")
    origin_type, origin_id = origin_reference(origin_record) if origin_record is not None else ("", "")
    year = organisation.today().year
    action = ImprovementAction.objects.create(
        organisation=organisation,
        number=NUMBERING.reference(year, NUMBERING.next_number(organisation.pk, year)),
        title=title,
        description=description,
        origin=origin,
        origin_type=origin_type,
        origin_id=origin_id,
        origin_label=origin_label,
        origin_indicator=origin_indicator,
        decision=decision,
        commitment=commitment if commitment is not None else getattr(origin_indicator, "commitment", None),
        service=service,
        owner=owner,
        due_on=due_on,
        check_indicator=check_indicator,
        expected_value=expected_value,
        check_on=check_on,
        created_by=actor if actor is not None and actor.pk else None,
    )
    return WORKFLOW.created(action, actor=actor)
