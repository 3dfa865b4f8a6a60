"""The grid editor: its actions and its pages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from audits import editor
from audits.editor import CriterionValues, GridValues
from audits.models import Criterion, Grid
from audits.tests.factories import make_filled_grid, make_grid_campaign, make_weighted_grid
from core.audit import history_of
from core.concurrency import ConcurrentEditError
from core.models import AuditEvent, Role
from core.registries import COMMITMENT_CHOICES

pytestmark = pytest.mark.django_db


FOLLOWED = [
    ("1", "1. Une signalétique adaptée"),
    ("2", "2. Des locaux propres"),
    ("10", "10. Un personnel identifiable"),
]


@pytest.fixture
def grid(org):
    """A grid of a town that follows commitments 1, 2 and 10 (as `commitments` would say)."""
    COMMITMENT_CHOICES.register("test", lambda organisation: FOLLOWED if organisation.pk == org.pk else [])
    yield make_weighted_grid(org, [("1", 2), ("1", 1), ("10", 3)])
    COMMITMENT_CHOICES.unregister("test")


def values(code="1", question="Le panneau est visible.", weight=2):
    return CriterionValues(commitment_code=code, question=question, expected="Oui.", weight=weight)


def positions(grid):
    return list(grid.criteria.order_by("position").values_list("question", flat=True))


def test_a_criterion_is_added_last_and_journaled(grid):
    criterion = editor.add_criterion(grid=grid, actor=None, seen_version=grid.version, values=values("2"))
    assert criterion.position == 4 and criterion.commitment_code == "2"
    assert history_of(criterion).get().action == "create"


def test_a_stale_page_is_refused_and_writes_nothing(grid):
    seen = grid.version
    editor.add_criterion(grid=grid, actor=None, seen_version=seen, values=values())
    with pytest.raises(ConcurrentEditError, match="La grille a été modifiée"):
        editor.add_criterion(grid=grid, actor=None, seen_version=seen, values=values())
    assert grid.criteria.count() == 4


@pytest.mark.parametrize(
    ("bad", "field"),
    [(values(weight=11), "weight"), (values(question=" "), "question"), (values(code="99"), "commitment_code")],
)
def test_bad_criteria_are_refused_on_their_field(grid, bad, field):
    with pytest.raises(ValidationError) as refused:
        editor.add_criterion(grid=grid, actor=None, seen_version=grid.version, values=bad)
    assert list(refused.value.message_dict) == [field]
    assert grid.criteria.count() == 3


def test_a_criterion_moves_within_its_commitment(grid):
    second = grid.criteria.get(position=2)
    editor.move_criterion(criterion=second, actor=None, seen_version=grid.version, direction="up")
    assert positions(grid) == [
        "Point n° 2 de l'engagement 1",
        "Point n° 1 de l'engagement 1",
        "Point n° 3 de l'engagement 10",
    ]
    grid.refresh_from_db()
    with pytest.raises(ValidationError, match="déjà en bas"):  # the last of commitment 1, though not of the grid
        editor.move_criterion(
            criterion=grid.criteria.get(position=2), actor=None, seen_version=grid.version, direction="down"
        )


def test_a_deleted_criterion_leaves_the_others_numbered(grid):
    editor.delete_criterion(criterion=grid.criteria.get(position=1), actor=None, seen_version=grid.version)
    assert list(grid.criteria.order_by("position").values_list("position", flat=True)) == [1, 2]


def test_a_criterion_with_answers_in_a_grid_being_filled_is_not_deleted(grid, org, make_member):
    make_filled_grid(make_grid_campaign(grid), make_member(org, Role.AGENT), ["yes"], checked_on=None)
    with pytest.raises(ValidationError, match="en cours de remplissage"):
        editor.delete_criterion(criterion=grid.criteria.get(position=1), actor=None, seen_version=grid.version)
    assert grid.criteria.count() == 3


def test_a_grid_with_a_submitted_assessment_is_locked_but_its_use_still_changes(grid, org, make_member):
    make_filled_grid(make_grid_campaign(grid), make_member(org, Role.AGENT), ["yes", "no", "na"])
    assert editor.is_locked(grid)
    with pytest.raises(ValidationError, match="Dupliquez-la"):
        editor.add_criterion(grid=grid, actor=None, seen_version=grid.version, values=values())
    with pytest.raises(ValidationError, match="Dupliquez-la"):
        editor.update_grid(
            grid=grid, actor=None, seen_version=grid.version,
            values=GridValues(title="Autre titre", kind=grid.kind, frequency=grid.frequency),
        )  # fmt: skip
    editor.update_grid(
        grid=grid, actor=None, seen_version=grid.version,
        values=GridValues(title=grid.title, kind=grid.kind, frequency="quarter", is_active=False),
    )  # fmt: skip
    grid.refresh_from_db()
    assert (grid.frequency, grid.is_active, grid.title) == ("quarter", False, "Grille d'essai")


def test_duplicating_copies_the_criteria_into_an_editable_grid_that_replaces_the_original(grid, org, make_member):
    make_filled_grid(make_grid_campaign(grid), make_member(org, Role.AGENT), ["yes", "no", "na"])
    copy = editor.duplicate_grid(grid=grid, actor=None, today=dt.date(2026, 4, 1))
    assert copy.title == "Grille d'essai (nouvelle version)" and not editor.is_locked(copy)
    assert positions(copy) == positions(grid)
    assert list(copy.criteria.values_list("commitment_code", "weight")) == [("1", 2), ("1", 1), ("10", 3)]
    grid.refresh_from_db()
    assert copy.is_active and not grid.is_active
    created = AuditEvent.objects.get(object_type="audits.grid", object_id=str(copy.pk))
    assert created.after is not None and created.after["copied_from_grid"] == grid.pk


def test_the_manager_adds_a_criterion_through_the_page(grid, org, manager_client):
    url = f"/o/{org.slug}/controles/grilles/{grid.pk}/criteres/nouveau/"
    form = {"version": grid.version, "commitment_code": "10", "question": "Badge visible", "weight": 4}
    response = manager_client.post(url, form)
    assert response.status_code == 302
    added = Criterion.objects.get(grid=grid, question="Badge visible")
    assert response["Location"].endswith(f"/controles/grilles/{grid.pk}/#critere-{added.pk}")
    page = manager_client.get(f"/o/{org.slug}/controles/grilles/{grid.pk}/").content.decode()
    assert "Badge visible" in page and "10. Un personnel identifiable" in page


def test_a_stale_form_gets_409_and_a_bad_weight_400_both_writing_nothing(grid, org, manager_client):
    url = f"/o/{org.slug}/controles/grilles/{grid.pk}/criteres/nouveau/"
    stale = manager_client.post(
        url, {"version": grid.version + 5, "commitment_code": "1", "question": "Q", "weight": 1}
    )
    assert stale.status_code == 409 and "Rien n&#x27;a été enregistré" in stale.content.decode()
    heavy = manager_client.post(url, {"version": grid.version, "commitment_code": "1", "question": "Q", "weight": 11})
    assert heavy.status_code == 400
    assert grid.criteria.count() == 3


def test_an_agent_reads_grids_but_cannot_change_them(grid, org, client_as):
    agent = client_as(org, Role.AGENT)
    assert agent.get(f"/o/{org.slug}/controles/grilles/{grid.pk}/").status_code == 200
    assert agent.post(f"/o/{org.slug}/controles/grilles/{grid.pk}/dupliquer/").status_code == 403
    assert Grid.objects.filter(organisation=org).count() == 6  # the 5 default grids and this one
