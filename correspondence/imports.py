"""Importing a town's existing register of written requests (CSV, XLSX or ODS with French
column headers; docs/registers.md and docs/samples/registre-courriers.csv).

A row already imported is recognised by its "Référence", or, without one, by a fingerprint of
its identifying fields (channel, day of receipt, service, category, subject, requester) and
its rank among identical rows of the file: the same file twice adds nothing, and a file
completed with new rows adds only those. A row already imported is not updated."""

from __future__ import annotations

import datetime as dt

from django.utils.text import slugify

from core.models import Organisation, User
from core.workdays import calendar_for
from correspondence.actions import METRIC_PREFIX, WORKFLOW
from correspondence.models import Category, Channel, WrittenRequest
from correspondence.queries import assignable_members
from correspondence.rules import RequestDeadline, Rules, ensure_defaults
from documents.tabular import Row, TableError
from registers.imports import (
    RegisterRowReader,
    ServiceLookup,
    cell,
    choice,
    importer_for,
    names_index,
    normalise,
    optional_date,
    required_date,
)
from registers.models import deadline_fields

REFERENCE = "Référence"
CHANNEL = "Canal"
RECEIVED = "Date de réception"
SERVICE = "Service"
CATEGORY = "Catégorie"
SUBJECT = "Objet"
NAME = "Demandeur"
CONTACT = "Coordonnées"
AGENT = "Agent"
DAYS = "Délai (jours)"
ACKNOWLEDGED = "Date d'accusé de réception"
HOLDING = "Date de réponse d'attente"
PROMISED = "Date de réponse promise"
ANSWERED = "Date de réponse"
CLOSED = "Date de clôture"
REQUIRED = [CHANNEL, RECEIVED]
COLUMNS = [REFERENCE, CHANNEL, RECEIVED, SERVICE, CATEGORY, SUBJECT, NAME, CONTACT, AGENT, DAYS]
COLUMNS += [ACKNOWLEDGED, HOLDING, PROMISED, ANSWERED, CLOSED]


CHANNEL_NAMES = {
    Channel.LETTER: ["courrier", "courrier postal", "lettre", "letter", "papier"],
    Channel.EMAIL: ["courriel", "e-mail", "email", "mail", "mel", "messagerie"],
    Channel.WEB: ["demande en ligne", "en ligne", "internet", "web", "formulaire", "site internet", "teleservice"],
    Channel.PHONE: ["message telephonique", "telephone", "tel", "phone", "appel"],
}
CHANNELS = names_index(CHANNEL_NAMES)
UNKNOWN_CHANNEL = "canal « {text} » inconnu : écrivez courrier, courriel, demande en ligne ou message téléphonique."


class RequestRowReader(RegisterRowReader):
    """Turns rows into unsaved requests, with the town's services, categories and rules."""

    model = WrittenRequest
    required = REQUIRED
    audit_action = "import_requests"
    metric_prefix = METRIC_PREFIX
    workflow = WORKFLOW
    numbering = WORKFLOW.numbering

    def __init__(self, organisation: Organisation) -> None:
        ensure_defaults(organisation)
        super().__init__(organisation)
        self.rules = Rules(organisation)
        self.calendar = calendar_for(organisation)
        self.services = ServiceLookup(organisation)
        self.categories: dict[str, Category] = {}
        for category in Category.objects.filter(organisation=organisation):
            self.categories[normalise(category.code)] = category
            self.categories[normalise(category.name)] = category
        self.agents = {user.email.lower(): user for user in assignable_members(organisation)}

    def category(self, row: Row) -> Category | None:
        """A category the town does not have yet is created: categories are the town's own words."""
        text = cell(row, CATEGORY)
        if not text:
            return None
        found = self.categories.get(normalise(text))
        code = slugify(text)[:40] or "categorie"
        found = found or self.categories.get(normalise(code))
        if found is None:
            found = Category.objects.create(organisation=self.organisation, code=code, name=text[:120])
            self.categories[normalise(text)] = self.categories[normalise(code)] = found
        return found

    def agent(self, row: Row) -> User | None:
        text = cell(row, AGENT)
        if not text:
            return None
        agent = self.agents.get(text.lower())
        if agent is None:
            raise TableError(
                f"agent « {text} » : aucun agent de la ville n'a cette adresse.", line=row.line, column=AGENT
            )
        return agent

    def deadline(self, row: Row, channel: str, category: Category | None) -> RequestDeadline:
        text = cell(row, DAYS)
        if not text:
            return self.rules.deadline(channel, category.pk if category else None)
        if not text.isdigit() or int(text) > 366:
            raise TableError(
                f"délai « {text} » : écrivez un nombre de jours entre 0 et 366.", line=row.line, column=DAYS
            )
        return RequestDeadline(int(text), False)

    def build(self, row: Row) -> WrittenRequest:
        channel = choice(row, CHANNEL, CHANNELS, UNKNOWN_CHANNEL)
        received_on = required_date(row, RECEIVED, "date de réception manquante.", today=self.today)
        service, category, agent = self.services.get(row, SERVICE), self.category(row), self.agent(row)
        deadline = self.deadline(row, channel, category)
        dates = {
            column: optional_date(row, column, today=self.today) for column in (ACKNOWLEDGED, HOLDING, ANSWERED, CLOSED)
        }
        dates[PROMISED] = optional_date(row, PROMISED)  # a promise may be for a later day
        check_dates(row, received_on, dates)
        subject, name, contact = cell(row, SUBJECT), cell(row, NAME), cell(row, CONTACT)
        identity = [
            channel,
            received_on.isoformat(),
            service.code if service else "",
            category.name if category else "",
        ]
        request = WrittenRequest(
            organisation=self.organisation,
            reference=self.keys.key(cell(row, REFERENCE), [*identity, subject, name, contact]),
            channel=channel,
            received_on=received_on,
            service=service,
            category=category,
            subject=subject[:200],
            requester_name=name[:150],
            requester_contact=contact[:250],
            assigned_to=agent,
            acknowledged_on=dates[ACKNOWLEDGED],
            holding_reply_on=dates[HOLDING],
            promised_on=dates[PROMISED],
            answered_on=dates[ANSWERED],
            closed_on=dates[CLOSED],
            **deadline_fields(deadline, self.calendar, received_on),
        )
        request.status = request.status_implied_by_dates()
        return request


def check_dates(row: Row, received_on: dt.date, dates: dict[str, dt.date | None]) -> None:
    for column, day in dates.items():
        if day is not None and day < received_on:
            raise TableError(
                f"date {day:%d/%m/%Y} antérieure à la date de réception ({received_on:%d/%m/%Y}).",
                line=row.line,
                column=column,
            )
    if dates[CLOSED] and not dates[ANSWERED]:
        raise TableError("une demande close doit avoir une date de réponse.", line=row.line, column=CLOSED)
    if dates[PROMISED] and not dates[HOLDING]:
        raise TableError("une date promise suppose une réponse d'attente.", line=row.line, column=PROMISED)


# Imports a register of written requests; see the module's docstring for what counts as a duplicate.
import_requests = importer_for(RequestRowReader)
