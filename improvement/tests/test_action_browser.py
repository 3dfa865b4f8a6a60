"""The improvement plan's pages in a real browser, with an action at every stage: axe finds no
accessibility violation, and a step is one click with its note."""

import datetime as dt
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from commitments.models import IndicatorValue
from complaints.actions import register_complaint
from complaints.models import Channel, Kind
from core.models import Role
from improvement.actions import open_action_from_complaint, step_action
from improvement.effectiveness import judge
from improvement.models import ActionStatus, ImprovementAction
from improvement.tests.conftest import indicator_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def run(action, *steps, today):
    for step in steps:
        action = step_action(action=action, step=step, actor=None, seen_version=action.version, today=today)
    return action


def test_the_plan_pages_have_no_accessibility_violation_and_a_step_takes_one_click(
    live_server, org, qualivilles, make_member, make_action, log_in
):
    manager = make_member(org, Role.QUALITY_MANAGER, email="qm@ville-test.test")
    today = org.today()
    waits = indicator_of(org, "8.2")
    complaint = register_complaint(
        organisation=org, actor=None, today=today, kind=Kind.COMPLAINT, channel=Channel.EMAIL,
        received_on=today, subject="Attente", commitment_code="8",
    )  # fmt: skip
    from_complaint = open_action_from_complaint(complaint=complaint, actor=manager, today=today)
    checked = make_action(
        owner=manager, due_on=today, check_indicator=waits, expected_value=Decimal(8), check_on=today,
        title="Deuxième guichet le lundi matin",
    )  # fmt: skip
    checked = run(checked, "plan", "begin", "complete", today=today)
    period_start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    IndicatorValue.objects.create(
        organisation=org, indicator=waits, granularity="month", period_start=period_start, value=9.5
    )
    judge(checked, day=today)
    make_action(owner=manager, due_on=today - dt.timedelta(days=3), title="Affichage des horaires")
    page = log_in(make_member(org, Role.ADMIN))
    base = f"{live_server.url}/o/{org.slug}"
    for path in (
        "/amelioration/actions/",
        "/amelioration/actions/?etat=en_retard",
        f"/amelioration/actions/{checked.pk}/",
        f"/amelioration/actions/{from_complaint.pk}/",
        "/amelioration/actions/nouvelle/",
        f"/amelioration/actions/{from_complaint.pk}/modifier/",
        f"/reclamations/{complaint.pk}/",
    ):
        page.goto(base + path)
        assert_no_axe_violations(page)
    page.goto(f"{base}/amelioration/actions/{from_complaint.pk}/")
    page.get_by_label("Commentaire (facultatif)").first.fill("Validé en réunion de service")
    page.get_by_role("button", name="Planifier").click()
    expect(page.get_by_text("Statut : planifiée")).to_be_visible()
    from_complaint.refresh_from_db()
    assert from_complaint.status == ActionStatus.PLANNED
    page.goto(f"{base}/reclamations/{complaint.pk}/")
    page.get_by_role("button", name="Ouvrir une action d'amélioration").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Modifier l'action A-")
    assert ImprovementAction.objects.filter(origin_id=str(complaint.pk)).count() == 2
