"""The auditor's view (dashboards:audit): the auditor lands on the year under audit, commitment
by commitment in module order, each indicator with its definition, target, the year's result
and its values of each period, and the evidence one click away."""

import datetime as dt
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.tests.factories import make_filled_grid, make_grid_campaign, make_weighted_grid
from commitments.actions import record_manual_value
from commitments.closing import close_year
from commitments.frameworks import load_framework
from commitments.models import Commitment, Indicator
from core.models import Membership, Role, YearClosing
from core.periods import Granularity, Period
from core.registries import landing_page
from dashboards.audit_year import evidence_pack_url, periods_of_year
from improvement.actions import open_action
from improvement.audit_notes import accept_audit_note, write_audit_note
from improvement.meetings import create_meeting, create_review
from improvement.models import AuditNoteKind, Origin

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC))]

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def audit_url(org, year=None):
    address = reverse("dashboards:audit", kwargs={"org_slug": org.slug})
    return f"{address}?annee={year}" if year else address


def text(response) -> str:
    """The page as read: entities (apostrophes, ampersands of links) decoded."""
    return html.unescape(response.content.decode())


def indicator(org, code):
    return Indicator.objects.get(organisation=org, code=code)


def commitment(org, code):
    return Commitment.objects.get(organisation=org, code=code)


def build_2025(org, make_member, *, extra: int = 0):
    """A town of Qualivilles with a year of evidence for 2025: typed values (one with its file),
    a mystery visit scored on commitments 10 and 1, a committee and a review of the year, an
    action and an accepted auditor's note on commitment 16, and `extra` more grids, committees,
    actions and notes; then the year closed."""
    load_framework(organisation=org, code="qualivilles")
    manager = make_member(org, Role.QUALITY_MANAGER, email=f"qualite@{org.slug}.test")
    auditor = make_member(org, Role.AUDITOR, email=f"auditeur@{org.slug}.test")
    message = indicator(org, "16.3")  # typed, by quarter: an out-of-hours message exists
    for quarter, value in (("2025-Q1", 1), ("2025-Q2", 0), ("2025-Q3", 1), ("2025-Q4", 1)):
        evidence = SimpleUploadedFile("capture-message.pdf", PDF) if quarter == "2025-Q3" else None
        record_manual_value(
            indicator=message, period=Period.parse(quarter), actor=manager, value=value, evidence=evidence
        )
    record_manual_value(indicator=indicator(org, "6.2"), period=Period.parse("2025"), actor=manager, value=1)
    grid = make_weighted_grid(org, [("10", 2), ("1", 1)], kind="visit", title="Visite mystère")
    campaign = make_grid_campaign(grid, starts_on=dt.date(2025, 6, 1), ends_on=dt.date(2025, 6, 30))
    make_filled_grid(campaign, manager, ["yes", "partly"], checked_on=dt.date(2025, 6, 10))
    create_meeting(organisation=org, actor=manager, held_on=dt.date(2025, 10, 2), title="Comité d'automne", held=True)
    create_review(organisation=org, actor=manager, year=2025)
    open_action(
        organisation=org,
        actor=manager,
        origin=Origin.SUGGESTION,
        title="Message de fermeture à enregistrer",
        owner=manager,
        due_on=dt.date(2026, 4, 30),
        commitment=commitment(org, "16"),
    )
    note = write_audit_note(
        organisation=org,
        actor=auditor,
        year=2025,
        commitment=commitment(org, "16"),
        indicator=message,
        kind=AuditNoteKind.MINOR,
        text="Au 2e trimestre, aucun message hors horaires n'était enregistré.",
    )
    accept_audit_note(note=note, actor=manager, seen_version=note.version, today=dt.date(2026, 3, 9))
    for number in range(extra):
        grid = make_weighted_grid(org, [("2", 1), ("3", 1)], kind="self", title=f"Grille {number}")
        month = dt.date(2025, 1 + number, 1)
        campaign = make_grid_campaign(grid, starts_on=month, ends_on=month + dt.timedelta(days=20))
        make_filled_grid(campaign, manager, ["yes", "no"], checked_on=month + dt.timedelta(days=5))
        create_meeting(organisation=org, actor=manager, held_on=month + dt.timedelta(days=9), title="Comité", held=True)
        open_action(
            organisation=org, actor=manager, origin=Origin.SUGGESTION, title=f"Action {number}",
            owner=manager, due_on=dt.date(2026, 5, 1), commitment=commitment(org, str(number + 1)),
        )  # fmt: skip
        write_audit_note(
            organisation=org, actor=None, year=2025, commitment=commitment(org, str(number + 1)),
            kind=AuditNoteKind.PROGRESS, text="Piste",
        )  # fmt: skip
    close_year(organisation=org, year=2025, actor=manager)
    return org


@pytest.fixture
def year_2025(org, make_member):
    return build_2025(org, make_member)


def test_the_auditor_lands_on_the_year_under_audit_and_the_home_sends_them_there(org, client_as):
    client = client_as(org, Role.AUDITOR)
    membership = Membership.objects.get(organisation=org, role=Role.AUDITOR)
    assert landing_page(membership) == audit_url(org)
    assert client.get(reverse("core:home"))["Location"] == audit_url(org)
    assert client.get(reverse("dashboards:home", kwargs={"org_slug": org.slug}))["Location"] == audit_url(org)


def test_a_year_not_closed_yet_is_shown_with_a_plain_notice(org, client_as):
    load_framework(organisation=org, code="qualivilles")
    page = text(client_as(org, Role.AUDITOR).get(audit_url(org)))
    assert "<h1>Exercice 2025 : vue de l'audit</h1>" in page
    assert "L'exercice 2025 n'est pas encore clôturé" in page


def test_the_latest_closed_year_is_the_year_under_audit_and_another_closed_year_can_be_picked(year_2025, client_as):
    YearClosing.objects.create(organisation=year_2025, year=2023, closed_at=dt.datetime(2024, 1, 20, 9, tzinfo=dt.UTC))
    client = client_as(year_2025, Role.AUDITOR)
    page = text(client.get(audit_url(year_2025)))
    assert "<h1>Exercice 2025 : vue de l'audit</h1>" in page and "Exercice clôturé le" in page
    assert '<option value="2023">2023</option>' in page and '<option value="2024">' not in page
    assert "<h1>Exercice 2023 : vue de l'audit</h1>" in text(client.get(audit_url(year_2025, 2023)))
    for asked in ("2024", "2026", "annee"):  # neither closed nor the last complete year: the year under audit
        assert "<h1>Exercice 2025 : vue de l'audit</h1>" in text(client.get(audit_url(year_2025, asked)))


def test_commitments_come_in_module_order_each_indicator_with_its_definition_target_and_year(year_2025, client_as):
    page = text(client_as(year_2025, Role.AUDITOR).get(audit_url(year_2025)))
    headings = re.findall(r"<h3 id=\"engagement-\d+\">Engagement (\d+) :", page)
    assert headings == [str(code) for code in (*range(1, 11), 12, 13, 14, 15, 16, 17, 11, 22, 23, 18, 19, 20, 21)]
    section = page[page.index("Engagement 16 :") : page.index("Engagement 17 :")]
    assert "Indicateur 16.3 : " in section and "<dt>Cible</dt><dd>=\xa0oui</dd>" in section
    assert "Mesuré par trimestre, tous services." in section
    # three quarters of four met: a yes or a no does not add up, the year is missed
    assert "3 périodes sur 4 mesurées atteignant la cible" in section
    assert re.search(r"atteignant la cible.*?status--not_met\">Non atteint", section, re.S)
    for quarter in ("1ᵉʳ trimestre 2025", "2ᵉ trimestre 2025", "3ᵉ trimestre 2025", "4ᵉ trimestre 2025"):
        assert quarter in section
    assert "Indicateur 16.1 : " in section and "Appels présentés décrochés après une attente" in section
    assert "Aucune valeur de l'indicateur 16.1 n'est enregistrée pour 2025." in section  # no call in this town


def test_each_value_s_evidence_is_one_click_away(year_2025, client_as):
    client = client_as(year_2025, Role.AUDITOR)
    page = text(client.get(audit_url(year_2025)))
    section = page[page.index("Engagement 16 :") : page.index("Engagement 17 :")]
    evidence = re.search(r'href="(/o/ville-test/valeurs/\d+/justificatif/)">capture-message.pdf', section)
    assert evidence is not None
    assert client.get(evidence[1]).getvalue().startswith(b"%PDF")
    visits = page[page.index("Engagement 10 :") : page.index("Engagement 12 :")]
    drill_down = "/o/ville-test/controles/grilles-remplies/?engagement=10&periode=2025-Q2&type=self&type=visit"
    assert drill_down in visits
    assert "/o/ville-test/controles/grilles-remplies/?engagement=10&periode=2025" in visits
    assert "1 grille remplie en 2025" in visits
    pdf = re.search(
        r'href="(/o/ville-test/rapports/controles/\d+/resultats.pdf)">Visite mystère de mars \(PDF\)', visits
    )
    assert pdf is not None and client.get(pdf[1]).content.startswith(b"%PDF")


def test_the_year_s_meetings_review_actions_and_notes_are_linked(year_2025, client_as):
    page = text(client_as(year_2025, Role.AUDITOR).get(audit_url(year_2025)))
    assert "Comité d'automne du 02/10/2025" in page and "compte rendu (PDF)" in page
    assert "Bilan 2025 (version 1)" in page
    section = page[page.index("Engagement 16 :") : page.index("Engagement 17 :")]
    assert "Message de fermeture à enregistrer" in section
    assert "non-conformité mineure (16.3), acceptée : action" in section
    assert "Remarques d'audit de 2025 (1)" in page


def test_the_auditor_may_note_and_a_reader_may_not(year_2025, client_as):
    note_form = "/o/ville-test/amelioration/remarques-audit/nouvelle/?annee=2025&engagement="
    assert note_form in text(client_as(year_2025, Role.AUDITOR).get(audit_url(year_2025)))
    reader_page = client_as(year_2025, Role.READER).get(audit_url(year_2025))
    assert reader_page.status_code == 200 and note_form not in text(reader_page)


def test_an_outsider_gets_404_and_the_page_takes_no_post(year_2025, outsider_client, client_as):
    assert outsider_client.get(audit_url(year_2025)).status_code == 404
    assert client_as(year_2025, Role.AUDITOR).post(audit_url(year_2025)).status_code == 405


def test_the_page_runs_the_same_queries_for_a_small_or_a_large_year(
    org, other_org, make_member, client_as, page_queries
):
    small = page_queries(client_as(build_2025(org, make_member), Role.AUDITOR), audit_url(org))
    large = build_2025(other_org, make_member, extra=6)
    assert page_queries(client_as(large, Role.AUDITOR), audit_url(large)) == small


def test_the_evidence_packs_page_is_linked_for_a_closed_year_only(org):
    assert evidence_pack_url(org, None) == ""
    assert evidence_pack_url(org, YearClosing(organisation=org, year=2025)) == f"/o/{org.slug}/dossier-de-preuves/"


def test_a_year_has_twelve_months_four_quarters_or_itself():
    quarters = periods_of_year(2025, Granularity.QUARTER)
    assert [period.key for period in quarters] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert len(periods_of_year(2025, Granularity.MONTH)) == 12
    assert [period.key for period in periods_of_year(2025, Granularity.YEAR)] == ["2025"]
