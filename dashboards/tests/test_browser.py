"""The home in a real browser, on a desk and on a phone: axe finds no violation on the quality
manager's week to do or on the agent's own work (QUALIPILOTE_SCREENSHOTS: a folder to keep
the pictures in, for a look)."""

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from complaints.models import Status
from core.models import Membership, Role
from dashboards.tests import builders

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Europe/Paris"))),
]
SCREENSHOTS = os.environ.get("QUALIPILOTE_SCREENSHOTS", "")
WIDTHS = {"bureau": 1280, "telephone": 375}

axe = Axe()


def look(page: Page, name: str) -> None:
    """axe at each width, and a picture of each when asked."""
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        results = axe.run(page)
        assert results.violations_count == 0, f"{page.url} ({width} px)\n{results.generate_report()}"
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{label}.png"), full_page=True)


def a_busy_week(org, agent) -> None:
    builders.written_request(org, dt.date(2026, 11, 30), assigned_to=agent)
    builders.written_request(org, dt.date(2026, 12, 2))
    builders.written_request(org, dt.date(2026, 12, 7), assigned_to=agent)
    builders.act_request(org, dt.date(2026, 12, 4))
    builders.complaint(org, acknowledge_due_on=dt.date(2026, 12, 1), answer_due_on=dt.date(2026, 12, 10))
    builders.complaint(
        org, status=Status.ANSWERED, answered_on=dt.date(2026, 12, 1), acknowledged_on=dt.date(2026, 11, 23)
    )
    builders.complaint(
        org,
        handled_by=agent,
        status=Status.ACKNOWLEDGED,
        acknowledged_on=dt.date(2026, 11, 23),
        answer_due_on=dt.date(2026, 12, 8),
    )
    builders.missed_target(org, "2026-11")
    builders.ticket(org, dt.date(2026, 11, 20))
    builders.call_log_import(org, dt.date(2026, 11, 16))


def test_the_quality_manager_reads_the_week_to_do_on_a_desk_and_a_phone(live_server, org, make_member, log_in):
    a_busy_week(org, make_member(org, Role.AGENT))
    page = log_in(make_member(org, Role.QUALITY_MANAGER))
    page.goto(f"{live_server.url}/o/{org.slug}/tableau-de-bord/")
    expect(page.get_by_role("heading", name="En retard")).to_be_visible()
    expect(page.get_by_role("link", name="2 courriers ou demandes écrites en retard")).to_be_visible()
    look(page, "accueil-responsable-qualite")
    page.get_by_role("link", name="1 réclamation en retard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réclamations")


def test_an_agent_sees_their_own_work_first_and_nothing_to_do_kindly(live_server, org, make_member, log_in):
    agent = make_member(org, Role.AGENT)
    page = log_in(agent)
    page.goto(f"{live_server.url}/o/{org.slug}/tableau-de-bord/")
    expect(page.get_by_text("Rien ne presse")).to_be_visible()
    look(page, "accueil-agent-vide")
    a_busy_week(org, agent)
    page.reload()
    expect(page.get_by_role("link", name="Guichet")).to_be_visible()
    look(page, "accueil-agent")


def test_the_auditor_reads_the_year_and_notes_a_remark_then_the_quality_manager_decides(
    live_server, org, make_member, log_in
):
    """The auditor's view, the note's form, the note, then the quality manager's decision page:
    no axe violation at either width."""
    from dashboards.tests.test_audit_year import build_2025
    from improvement.models import AuditNote

    build_2025(org, make_member)
    auditor = Membership.objects.get(organisation=org, role=Role.AUDITOR).user
    page = log_in(auditor)
    page.goto(f"{live_server.url}/")  # where the auditor lands
    expect(page.get_by_role("heading", level=1)).to_have_text("Exercice 2025 : vue de l'audit")
    look(page, "audit-exercice")
    page.get_by_role("link", name="Noter une remarque sur l'engagement 8").click()
    look(page, "audit-remarque-formulaire")
    page.get_by_label("Nature").select_option(label="point sensible")
    page.get_by_label("Remarque").fill("Le lundi matin, la file dépasse le quart d'heure deux semaines sur trois.")
    page.get_by_role("button", name="Enregistrer la remarque").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Remarque d'audit n° {AuditNote.objects.latest('pk').pk} : point sensible"
    )
    look(page, "audit-remarque")
    note_url = page.url
    page.context.clear_cookies()
    manager = Membership.objects.get(organisation=org, role=Role.QUALITY_MANAGER).user
    page = log_in(manager)
    page.goto(note_url)
    expect(page.get_by_role("button", name="Accepter et ouvrir une action d'amélioration")).to_be_visible()
    look(page, "audit-remarque-a-decider")
    page.get_by_role("link", name="Écarter la remarque").click()
    look(page, "audit-remarque-ecarter")
    page.get_by_label("Motif").fill("Les renforts du lundi sont déjà décidés (comité d'automne).")
    page.get_by_role("button", name="Écarter la remarque").click()
    expect(page.get_by_text("La remarque d'audit", exact=False).first).to_be_visible()
    assert AuditNote.objects.get(pk=AuditNote.objects.latest("pk").pk).status == "declined"
