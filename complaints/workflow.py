"""The complaint workflow (core.workflow): acknowledge, answer, close, reopen, each allowed
from the statuses of the table in complaints.models, leading to the status the table gives,
with a log row, an audit event without personal free text, and the indicators told.
Each step carries the version the agent saw: a complaint someone else saved since is
refused with the name of who changed it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from complaints.models import (
    SUGGESTION_TRANSITIONS,
    TRANSITIONS,
    Complaint,
    ComplaintTransition,
    Justified,
    Kind,
    Status,
)
from complaints.validation import check_choice, check_day
from core.models import User
from core.service_contact import acknowledging_lines
from core.workdays import french_date
from core.workflow import Transition, Workflow
from registers.deadlines import months_of

logger = logging.getLogger(__name__)

METRIC_PREFIX = "complaints"
# What the audit trail keeps of a complaint: no name, contact or free text.
AUDIT_FIELDS = [
    "tracking_number",
    "kind",
    "channel",
    "received_on",
    "service",
    "commitment_code",
    "status",
    "acknowledge_due_on",
    "answer_due_on",
    "acknowledged_on",
    "answered_on",
    "closed_on",
    "justified",
    "handled_by",
    "anonymised_at",
]
# What the agent taps, as the refusals name it.
STEP_VERBS = {"acknowledge": "Accuser réception", "answer": "Répondre", "close": "Clore", "reopen": "Rouvrir"}


def indicator_months(complaint: Complaint) -> set[dt.date]:
    """The months whose indicators this complaint enters: received, due for acknowledgement,
    due for an answer (deadline indicators count the items due in a period)."""
    return months_of(complaint.received_on, complaint.acknowledge_due_on, complaint.answer_due_on)


class ComplaintWorkflow(Workflow[Complaint]):
    def table(self, record: Complaint) -> Mapping[str, Transition]:
        """Nothing once anonymised; a suggestion, which expects no answer, may be closed at once."""
        if record.is_anonymised:
            return {}
        return SUGGESTION_TRANSITIONS if record.kind == Kind.SUGGESTION else self.transitions

    def refusal_message(self, record: Complaint, action: str) -> str:
        status = record.get_status_display()
        return f"Action « {STEP_VERBS[action]} » impossible : la réclamation est « {status} »."

    def indicator_months(self, record: Complaint) -> set[dt.date]:
        return indicator_months(record)

    def closing_days(self, record: Complaint) -> tuple[dt.date, ...]:
        return (record.received_on,)  # its year, for the closing guard (core.closing)


WORKFLOW = ComplaintWorkflow(
    transitions=TRANSITIONS,
    event_model=ComplaintTransition,
    statuses=Status,
    audit_fields=AUDIT_FIELDS,
    metric_prefix=METRIC_PREFIX,
    refusal="",
    computed={"reopen": Complaint.status_implied_by_dates},
)


def allowed_transitions(complaint: Complaint) -> list[str]:
    """The workflow steps open from the complaint's status (nothing once anonymised)."""
    return [action for action in WORKFLOW.allowed_steps(complaint) if action in STEP_VERBS]


@transaction.atomic
def acknowledge(
    *, complaint: Complaint, actor: User | None, seen_version: int, on: dt.date, today: dt.date
) -> Complaint:
    WORKFLOW.check(complaint, "acknowledge")
    check_day("d'accusé de réception", "on", on, complaint.received_on, today)
    changes = {"acknowledged_on": on}
    return WORKFLOW.step(
        complaint, "acknowledge", actor=actor, changes=changes, seen_version=seen_version, log={"on": on}
    )


@transaction.atomic
def answer(
    *,
    complaint: Complaint,
    actor: User | None,
    seen_version: int,
    on: dt.date,
    today: dt.date,
    text: str = "",
    justified: str | None = None,
) -> Complaint:
    """Record the answer. An answer sent before any acknowledgement acknowledges too (same day)."""
    WORKFLOW.check(complaint, "answer")
    check_day("de réponse", "on", on, complaint.received_on, today)
    if complaint.acknowledged_on is not None and on < complaint.acknowledged_on:
        raise ValidationError({"on": "La réponse ne peut pas précéder l'accusé de réception."})
    if justified is not None:
        check_choice("justified", justified, Justified.values, "Bien-fondé")
    changes = {
        "acknowledged_on": complaint.acknowledged_on or on,
        "answered_on": on,
        "answer": text.strip(),
        "justified": complaint.justified if justified is None else justified,
    }
    return WORKFLOW.step(complaint, "answer", actor=actor, changes=changes, seen_version=seen_version, log={"on": on})


@transaction.atomic
def close(*, complaint: Complaint, actor: User | None, seen_version: int, on: dt.date, today: dt.date) -> Complaint:
    WORKFLOW.check(complaint, "close")
    last_step = complaint.answered_on or complaint.acknowledged_on or complaint.received_on
    check_day("de clôture", "on", on, last_step, today)
    changes = {"closed_on": on}
    return WORKFLOW.step(complaint, "close", actor=actor, changes=changes, seen_version=seen_version, log={"on": on})


@transaction.atomic
def reopen(*, complaint: Complaint, actor: User | None, seen_version: int, today: dt.date) -> Complaint:
    """Back to the last step reached: the closure is erased, the status its dates imply."""
    changes = {"closed_on": None}
    return WORKFLOW.step(
        complaint, "reopen", actor=actor, changes=changes, seen_version=seen_version, log={"on": today}
    )


def acknowledge_by_email(complaint: Complaint, tracking_url: str) -> None:
    """A complaint filed on the web with an e-mail address is acknowledged at once, by e-mail
    (sent once the transaction commits)."""
    day = complaint.received_on
    WORKFLOW.step(
        complaint,
        "acknowledge",
        actor=None,
        changes={"acknowledged_on": day},
        seen_version=complaint.version,
        log={"on": day},
    )
    body = render_to_string(
        "complaints/email/acknowledgement.txt",
        {
            "complaint": complaint,
            "organisation": complaint.organisation,
            "tracking_url": tracking_url,
            "answer_due": french_date(complaint.answer_due_on) if complaint.answer_due_on else "",
            "received": french_date(complaint.received_on),
            "contact_lines": acknowledging_lines(complaint.organisation, complaint.service),
        },
    )
    subject = f"{complaint.organisation.name} : votre {complaint.get_kind_display()} {complaint.tracking_number}"
    recipient = complaint.citizen_email
    transaction.on_commit(lambda: _send(subject, body, recipient))


def _send(subject: str, body: str, recipient: str) -> None:
    try:
        send_mail(subject, body, django_settings.DEFAULT_FROM_EMAIL, [recipient])
    except OSError:  # the mail server is down: the complaint is saved, the log says so
        logger.warning("Complaint acknowledgement e-mail not sent (mail server unreachable).")
