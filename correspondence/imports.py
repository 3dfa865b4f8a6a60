"""Importing a town's existing register of written requests (CSV, XLSX or ODS with French
column headers; docs/registers.md and docs/samples/registre-courriers.csv).

A row already imported is recognised by its "Référence", or, without one, by a fingerprint of
its identifying fields (channel, day of receipt, service, category, subject, requester) and
its rank among identical rows of the file: the same file twice adds nothing, and a file
completed with new rows adds only those. A row already imported is not updated."""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.db import transaction
from django.utils.text import slugify

from core.audit import record_event
from core.models import Organisation, Service, User
from core.register_imports import ImportReport, RowKeys, cell, import_rows, normalise, normalised_rows
from core.registries import records_changed
from core.tabular import Row, TableError, parse_date
from core.workdays import calendar_for
from correspondence.models import Category, Channel, RequestEvent, Status, WrittenRequest
from correspondence.queries import assignable_members
from correspondence.rules import Deadline, Rules, due_on_for, ensure_defaults

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
CHANNELS = {normalise(name): channel for channel, names in CHANNEL_NAMES.items() for name in names}


class RequestRowReader:
    """Turns rows into unsaved requests, with the town's services, categories and rules."""

    def __init__(self, organisation: Organisation) -> None:
        ensure_defaults(organisation)
        self.organisation = organisation
        self.rules = Rules(organisation)
        self.calendar = calendar_for(organisation)
        self.services: dict[str, Service] = {}
        for service in Service.objects.filter(organisation=organisation):
            self.services[normalise(service.code)] = service
            self.services[normalise(service.name)] = service
        self.categories: dict[str, Category] = {}
        for category in Category.objects.filter(organisation=organisation):
            self.categories[normalise(category.code)] = category
            self.categories[normalise(category.name)] = category
        self.agents = {user.email.lower(): user for user in assignable_members(organisation)}
        self.keys = RowKeys("imp")
        self.months: set[dt.date] = set()

    def date(self, row: Row, column: str) -> dt.date | None:
        text = cell(row, column)
        return parse_date(text, line=row.line, column=column) if text else None

    def channel(self, row: Row) -> str:
        text = cell(row, CHANNEL)
        channel = CHANNELS.get(normalise(text))
        if channel is None:
            raise TableError(
                f"canal « {text} » inconnu : écrivez courrier, courriel, demande en ligne ou message téléphonique.",
                line=row.line,
                column=CHANNEL,
            )
        return channel

    def service(self, row: Row) -> Service | None:
        text = cell(row, SERVICE)
        if not text:
            return None
        service = self.services.get(normalise(text))
        if service is None:
            raise TableError(f"service « {text} » inconnu de la ville.", line=row.line, column=SERVICE)
        return service

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

    def deadline(self, row: Row, channel: str, category: Category | None) -> Deadline:
        text = cell(row, DAYS)
        if not text:
            return self.rules.deadline(channel, category.pk if category else None)
        if not text.isdigit() or int(text) > 366:
            raise TableError(
                f"délai « {text} » : écrivez un nombre de jours entre 0 et 366.", line=row.line, column=DAYS
            )
        return Deadline(int(text), False)

    def build(self, row: Row) -> WrittenRequest:
        channel, received_on = self.channel(row), self.date(row, RECEIVED)
        if received_on is None:
            raise TableError("date de réception manquante.", line=row.line, column=RECEIVED)
        service, category, agent = self.service(row), self.category(row), self.agent(row)
        deadline = self.deadline(row, channel, category)
        dates = {column: self.date(row, column) for column in (ACKNOWLEDGED, HOLDING, PROMISED, ANSWERED, CLOSED)}
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
            deadline_days=deadline.days,
            business_days=deadline.business_days,
            due_on=due_on_for(self.calendar, received_on, deadline),
            acknowledged_on=dates[ACKNOWLEDGED],
            holding_reply_on=dates[HOLDING],
            promised_on=dates[PROMISED],
            answered_on=dates[ANSWERED],
            closed_on=dates[CLOSED],
        )
        request.status = status_from_dates(request)
        return request

    def existing(self, keys: list[str]) -> set[str]:
        stored = WrittenRequest.objects.filter(organisation=self.organisation, reference__in=keys)
        return set(stored.values_list("reference", flat=True))

    def save(self, requests: list[WrittenRequest]) -> None:
        created = WrittenRequest.objects.bulk_create(requests)
        RequestEvent.objects.bulk_create(
            RequestEvent(
                organisation=self.organisation,
                request=request,
                action="import",
                to_status=request.status,
                on=request.received_on,
            )
            for request in created
        )
        for request in created:
            self.months |= {request.received_on.replace(day=1), request.due_on.replace(day=1)}


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


def status_from_dates(request: WrittenRequest) -> str:
    if request.closed_on:
        return Status.CLOSED
    if request.answered_on:
        return Status.ANSWERED
    if request.holding_reply_on:
        return Status.WAITING
    if request.acknowledged_on:
        return Status.ACKNOWLEDGED
    return Status.RECEIVED


def import_requests(
    *, organisation: Organisation, binary: IO[bytes], filename: str, actor: User | None, all_or_nothing: bool
) -> ImportReport:
    """Import a register of written requests; see the module's docstring for what counts as a duplicate."""
    with transaction.atomic():
        reader = RequestRowReader(organisation)
        report = import_rows(
            rows=normalised_rows(binary, filename, required=REQUIRED),
            build=reader.build,
            key=lambda request: request.reference,
            existing_keys=reader.existing,
            save=reader.save,
            all_or_nothing=all_or_nothing,
        )
        if report.imported and not report.rolled_back:
            record_event(
                organisation=organisation,
                actor=actor,
                instance=organisation,
                action="import_requests",
                after={"rows_read": report.rows_read, "imported": report.imported, "rejected": report.rejected},
            )
            records_changed(organisation=organisation, metric_prefix="correspondence", months=reader.months)
    return report
