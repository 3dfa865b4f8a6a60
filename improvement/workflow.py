"""The improvement action's workflow (core.workflow): plan, start, complete, the effectiveness
verdict, relaunch and cancel, each allowed from the statuses of the table in
improvement.models, with a log row, an audit event and indicator 23.3 told (the actions due in
a month count there: closed on time, or late)."""

from __future__ import annotations

import datetime as dt

from core.workflow import Workflow
from improvement.models import ACTION_TRANSITIONS, ActionStatus, ActionTransition, ImprovementAction
from registers.deadlines import months_of
from registers.models import Numbering

METRIC_PREFIX = "improvement"
NUMBERING = Numbering(register="actions", prefix="A-")
# What the audit trail keeps of an action (its description is staff's text, kept in the record).
AUDIT_FIELDS = [
    "number",
    "title",
    "origin",
    "origin_label",
    "origin_indicator",
    "commitment",
    "service",
    "owner",
    "due_on",
    "status",
    "done_on",
    "check_indicator",
    "expected_value",
    "check_on",
    "checked_on",
    "checked_value",
]


class ActionWorkflow(Workflow[ImprovementAction]):
    def indicator_months(self, record: ImprovementAction) -> set[dt.date]:
        """An action counts in the month it is due (closed on time or late), and its
        completion may land in another month."""
        return months_of(record.due_on, record.done_on)

    def indicator_reading(self, record: ImprovementAction) -> tuple[object, ...]:
        return (record.due_on, record.done_on, record.status)


WORKFLOW = ActionWorkflow(
    transitions=ACTION_TRANSITIONS,
    event_model=ActionTransition,
    statuses=ActionStatus,
    audit_fields=AUDIT_FIELDS,
    metric_prefix=METRIC_PREFIX,
    refusal="Étape « {step} » impossible : l'action est « {status} ».",
)
