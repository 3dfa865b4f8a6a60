"""The grid editor's actions: create a grid, change it, add, change, move and remove its
criteria, duplicate it. Keyword-only, each in one transaction, each change journaled.

A grid on which a filled grid has been submitted is locked (docs/audits.md, the rule of ADR
0024 for questionnaires): its scores were computed from its criteria, so its criteria, title,
type and instructions no longer change; « Dupliquer pour une nouvelle version » copies it.
Its frequency and whether it is in use still change (a retired version stops opening
campaigns). Every change goes through the grid's version (core.concurrency.Versioned): a page
opened before another change is refused and writes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from audits.models import Assessment, AssessmentStatus, Criterion, Frequency, Grid, GridKind
from core.audit import create_audited, delete_audited, record_event, save_audited, snapshot
from core.concurrency import ConcurrentEditError, save_if_unchanged
from core.models import Organisation, User
from core.registries import commitment_choices

Direction = Literal["up", "down"]
CONTENT_FIELDS = ["title", "kind", "instructions"]
USE_FIELDS = ["frequency", "is_active"]
STALE = (
    "La grille a été modifiée depuis que vous avez ouvert cette page (par une autre personne ou dans un autre "
    "onglet). Rien n'a été enregistré : rechargez la page pour repartir de sa version actuelle."
)


def is_locked(grid: Grid) -> bool:
    """Whether a filled grid has been submitted on it (its scores read its criteria)."""
    return Assessment.objects.filter(campaign__grid=grid, status=AssessmentStatus.SUBMITTED).exists()


def check_unlocked(grid: Grid) -> None:
    if is_locked(grid):
        raise ValidationError(
            f"La grille « {grid} » a déjà été remplie et remise : ses critères ne se modifient plus. "
            "Dupliquez-la pour préparer une nouvelle version."
        )


def _claim(grid: Grid, seen_version: int, *, content: bool = True) -> None:
    """Refuse a stale page (and a locked grid when the content changes); else move the version on."""
    if content:
        check_unlocked(grid)
    try:
        save_if_unchanged(grid, seen_version=seen_version, fields=[])
    except ConcurrentEditError as stale:
        raise ConcurrentEditError(STALE) from stale


@dataclass(frozen=True)
class GridValues:
    title: str
    kind: str
    frequency: str
    instructions: str = ""
    is_active: bool = True

    def check(self) -> None:
        if not self.title.strip():
            raise ValidationError({"title": "Donnez un titre à la grille."})
        if self.kind not in GridKind.values:
            raise ValidationError({"kind": "Choisissez un type de contrôle."})
        if self.frequency not in Frequency.values:
            raise ValidationError({"frequency": "Choisissez une fréquence."})


@dataclass(frozen=True)
class CriterionValues:
    commitment_code: str
    question: str
    expected: str
    weight: int

    def check(self, organisation: Organisation, current: str = "") -> None:
        if not self.question.strip():
            raise ValidationError({"question": "Écrivez le point à vérifier."})
        if not 1 <= self.weight <= 10:
            raise ValidationError({"weight": "Le poids est un nombre entier de 1 à 10."})
        if not self.commitment_code:
            raise ValidationError({"commitment_code": "Choisissez l'engagement que ce critère vérifie."})
        if self.commitment_code != current and self.commitment_code not in dict(commitment_choices(organisation)):
            raise ValidationError(
                {"commitment_code": f"L'engagement « {self.commitment_code} » n'est pas suivi par la commune."}
            )

    def as_fields(self) -> dict[str, object]:
        return {
            "commitment_code": self.commitment_code,
            "question": self.question.strip(),
            "expected": self.expected.strip(),
            "weight": self.weight,
        }


@transaction.atomic
def create_grid(*, organisation: Organisation, actor: User | None, today: dt.date, values: GridValues) -> Grid:
    """An empty grid: its criteria are added on its page."""
    values.check()
    grid = Grid(
        organisation=organisation,
        title=values.title.strip(),
        kind=values.kind,
        frequency=values.frequency,
        instructions=values.instructions.strip(),
        is_active=values.is_active,
        created_on=today,
    )
    create_audited(grid, actor=actor)
    return grid


@transaction.atomic
def update_grid(*, grid: Grid, actor: User | None, seen_version: int, values: GridValues) -> Grid:
    """Change a grid; a locked grid changes only its frequency and whether it is in use."""
    values.check()
    changes = {
        "title": values.title.strip(),
        "kind": values.kind,
        "instructions": values.instructions.strip(),
        "frequency": values.frequency,
        "is_active": values.is_active,
    }
    content_changes = any(getattr(grid, name) != changes[name] for name in CONTENT_FIELDS)
    before = snapshot(grid, CONTENT_FIELDS + USE_FIELDS)
    _claim(grid, seen_version, content=content_changes)
    save_audited(grid, actor=actor, values=changes, before=before)
    return grid


@transaction.atomic
def add_criterion(*, grid: Grid, actor: User | None, seen_version: int, values: CriterionValues) -> Criterion:
    """A new criterion, last of the grid."""
    _claim(grid, seen_version)
    values.check(grid.organisation)
    last = grid.criteria.aggregate(last=Max("position"))["last"] or 0
    criterion = Criterion(organisation_id=grid.organisation_id, grid=grid, position=last + 1, **values.as_fields())
    create_audited(criterion, actor=actor)
    return criterion


@transaction.atomic
def update_criterion(
    *, criterion: Criterion, actor: User | None, seen_version: int, values: CriterionValues
) -> Criterion:
    _claim(criterion.grid, seen_version)
    values.check(criterion.grid.organisation, current=criterion.commitment_code)
    save_audited(criterion, actor=actor, values=values.as_fields())
    return criterion


def _answered(criterion: Criterion) -> str | None:
    if criterion.answers.exists():
        return "Ce critère a déjà des réponses dans une grille en cours de remplissage : il ne se supprime pas."
    return None


@transaction.atomic
def delete_criterion(*, criterion: Criterion, actor: User | None, seen_version: int) -> None:
    grid = criterion.grid
    _claim(grid, seen_version)
    delete_audited(criterion, actor=actor, blocker=_answered)
    for position, each in enumerate(grid.criteria.order_by("position", "pk"), start=1):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])


@transaction.atomic
def move_criterion(*, criterion: Criterion, actor: User | None, seen_version: int, direction: Direction) -> Criterion:
    """Swap a criterion with the one before or after it among the criteria of its commitment
    (the page groups them by commitment)."""
    grid = criterion.grid
    _claim(grid, seen_version)
    group = list(grid.criteria.filter(commitment_code=criterion.commitment_code).order_by("position", "pk"))
    index = [each.pk for each in group].index(criterion.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(group):
        raise ValidationError("Ce critère est déjà en haut." if direction == "up" else "Ce critère est déjà en bas.")
    other = group[other_index]
    positions = {criterion.pk: other.position, other.pk: criterion.position}
    for each in (criterion, other):
        before = each.position
        Criterion.objects.filter(pk=each.pk).update(position=positions[each.pk])
        each.position = positions[each.pk]
        record_event(
            organisation=grid.organisation,
            actor=actor,
            instance=each,
            action="update",
            before={"position": before},
            after={"position": each.position},
        )
    return criterion


@transaction.atomic
def duplicate_grid(*, grid: Grid, actor: User | None, today: dt.date) -> Grid:
    """« Dupliquer pour une nouvelle version »: an editable copy with the same criteria, in use
    in place of the original (which stops opening campaigns). Journaled with `copied_from_grid`."""
    copy = Grid(
        organisation_id=grid.organisation_id,
        title=f"{grid.title} (nouvelle version)"[:200],
        kind=grid.kind,
        frequency=grid.frequency,
        instructions=grid.instructions,
        is_active=grid.is_active,
        created_on=today,
    )
    copy.save()
    record_event(
        organisation=grid.organisation,
        actor=actor,
        instance=copy,
        action="create",
        after=snapshot(copy) | {"copied_from_grid": grid.pk},
    )
    for criterion in grid.criteria.order_by("position", "pk"):
        create_audited(
            Criterion(
                organisation_id=grid.organisation_id,
                grid=copy,
                position=criterion.position,
                commitment_code=criterion.commitment_code,
                question=criterion.question,
                expected=criterion.expected,
                weight=criterion.weight,
            ),
            actor=actor,
        )
    if grid.is_active:
        save_audited(grid, actor=actor, values={"is_active": False})
        Grid.objects.filter(pk=grid.pk).update(version=F("version") + 1)  # its open pages are stale
    return copy
