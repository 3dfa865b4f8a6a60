"""The improvement plan's pages: scoped to the town, read by everyone, opened by members who
capture, changed and moved along by the owner or a quality manager only; French refusals; the
list's filters and exports; one click from a complaint or an indicator; no N+1."""

import datetime as dt
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from commitments.models import Indicator
from complaints.actions import register_complaint
from complaints.models import Channel, Kind
from core.localtime import PARIS
from core.models import AuditEvent, Role
from core.registries import record_panels
from improvement.actions import step_action
from improvement.models import ActionStatus, ActionTransition, ImprovementAction, Origin
from improvement.tests.conftest import TODAY, indicator_of
from improvement.tests.samples import sample_values
from tests.urlwalk import organisation_routes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime.combine(TODAY, dt.time(10), tzinfo=PARIS), tick=False),
]
S = ActionStatus


def action_routes():
    return [
        r for r in organisation_routes() if r.name and r.pattern.startswith("o/<slug:org_slug>/amelioration/actions/")
    ]


def url(name, org, *args):
    return reverse(f"improvement:{name}", args=[org.slug, *args])


def make_complaint(organisation, **fields):
    values: dict[str, Any] = {
        "kind": Kind.COMPLAINT,
        "channel": Channel.EMAIL,
        "received_on": dt.date(2026, 6, 2),
        "subject": "Attente au guichet",
        "citizen_name": "Jeanne Usagère",
    } | fields
    return register_complaint(organisation=organisation, actor=None, today=TODAY, **values)


def test_every_action_page_gives_404_to_another_town_and_to_its_ids(org, other_org, client_as):
    values = sample_values(org) | {"org_slug": org.slug}
    outsider = client_as(other_org, Role.ADMIN)
    assert len(action_routes()) == 7
    for route in action_routes():
        address = route.url(values)
        assert outsider.get(address).status_code == 404, address
        assert outsider.post(address, {}).status_code == 404, address
        if "action_id" in route.parameters:
            inside_own_town = route.url(values | {"org_slug": other_org.slug})
            assert outsider.get(inside_own_town).status_code == 404, inside_own_town


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_a_reader_reads_the_plan_but_writes_nothing(org, client_as, role):
    values = sample_values(org) | {"org_slug": org.slug}
    reader = client_as(org, role)
    events = AuditEvent.objects.count()
    for route in action_routes():
        response = reader.post(route.url(values), {"version": 0, "step": "plan", "title": "x"})
        assert response.status_code in (403, 405), route.pattern
    assert AuditEvent.objects.count() == events
    assert reader.get(url("action_list", org)).status_code == 200
    page = reader.get(url("action_detail", org, values["action_id"])).content.decode()
    assert "Refaire la signalétique" in page and "Planifier" not in page and "Modifier" not in page


def test_only_the_owner_or_a_quality_manager_moves_an_action_along(org, client_as, make_member, make_action):
    owner = make_member(org, Role.AGENT, email="proprietaire@ville-test.test")
    action = make_action(owner=owner)
    stranger = client_as(org, Role.AGENT)
    assert stranger.get(url("action_edit", org, action.pk)).status_code == 403
    assert stranger.post(url("action_step", org, action.pk), {"step": "plan", "version": 0}).status_code == 403
    assert "Planifier" not in stranger.get(url("action_detail", org, action.pk)).content.decode()
    from django.test import Client

    from accounts.testing import log_in_verified

    owner_client = log_in_verified(Client(), owner)
    response = owner_client.post(
        url("action_step", org, action.pk), {"step": "plan", "version": 0, "note": "Devis reçu"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == S.PLANNED and action.transitions.last().note == "Devis reçu"
    manager = client_as(org, Role.QUALITY_MANAGER)
    manager.post(url("action_step", org, action.pk), {"step": "complete", "version": action.version})
    action.refresh_from_db()
    assert (action.status, action.done_on) == (S.DONE, TODAY)


def test_a_refused_or_stale_step_comes_back_in_french_and_writes_nothing(org, manager_client, make_action):
    action = make_action()
    page = manager_client.post(url("action_step", org, action.pk), {"step": "complete", "version": 0}, follow=True)
    assert "Étape « réalisation » impossible : l'action est « proposée »." in unescape(page.content.decode())
    manager_client.post(url("action_step", org, action.pk), {"step": "plan", "version": 0})
    stale = manager_client.post(url("action_step", org, action.pk), {"step": "cancel", "version": 0}, follow=True)
    assert "modifi" in stale.content.decode()
    assert ImprovementAction.objects.get().status == S.PLANNED
    assert manager_client.get(url("action_step", org, action.pk)).status_code == 405


def test_an_agent_opens_an_action_with_its_check(org, client_as, qualivilles, make_member):
    agent = client_as(org, Role.AGENT)
    owner = make_member(org, Role.QUALITY_MANAGER, email="responsable@ville-test.test")
    indicator = indicator_of(org, "8.2")
    response = agent.post(
        url("action_new", org),
        {
            "origin": Origin.INDICATOR,
            "origin_indicator": indicator.pk,
            "title": "Deuxième guichet le lundi matin",
            "owner": owner.pk,
            "due_on": "2026-07-31",
            "check_indicator": indicator.pk,
            "expected_value": "8",
            "check_on": "2026-09-01",
        },
    )
    action = ImprovementAction.objects.get()
    assert response.status_code == 302 and response.url == url("action_detail", org, action.pk)
    assert (action.number, action.owner, action.commitment_id) == ("A-2026-00001", owner, indicator.commitment_id)
    page = agent.get(response.url).content.decode()
    assert "période jugée : août 2026, tous services" in page and "au plus 8" in page


def test_bad_input_gets_french_messages_and_writes_nothing(org, client_as, other_org, make_member, qualivilles):
    agent = client_as(org, Role.AGENT)
    foreign = make_member(other_org, Role.AGENT, email="ailleurs@autre-ville.test")
    reader = make_member(org, Role.READER, email="lecteur2@ville-test.test")
    for owner in (foreign, reader):
        page = agent.post(
            url("action_new", org), {"origin": "suggestion", "title": "x", "owner": owner.pk, "due_on": "2026-07-01"}
        )
        assert "Sélectionnez un choix valide" in unescape(page.content.decode())
    other_owner = make_member(org, Role.AGENT, email="a2@ville-test.test")
    data = {"origin": "indicator", "title": "x", "owner": other_owner.pk, "due_on": "2026-07-01"}
    page = agent.post(url("action_new", org), data | {"check_indicator": indicator_of(org, "8.2").pk}).content.decode()
    page = unescape(page)
    assert "Choisissez l'indicateur non atteint" in page and "Indiquez la valeur attendue" in page
    assert not ImprovementAction.objects.exists()


def test_the_owner_edits_an_action_and_a_stale_form_is_refused(org, client_as, make_member, make_action):
    action = make_action()
    manager = client_as(org, Role.QUALITY_MANAGER)
    form = {
        "title": "Signalétique du hall et de l'étage",
        "owner": action.owner_id,
        "due_on": "2026-07-15",
        "version": 0,
    }
    assert manager.post(url("action_edit", org, action.pk), form).status_code == 302
    action.refresh_from_db()
    assert (action.title, action.due_on, action.version) == (form["title"], dt.date(2026, 7, 15), 1)
    assert manager.post(url("action_edit", org, action.pk), form).status_code == 409


def test_the_list_filters_searches_exports_and_paginates_without_n_plus_one(
    org, client_as, make_action, make_member, page_queries, add_history
):
    reader = client_as(org, Role.READER)
    address = url("action_list", org)
    make_action(title="Action 0")
    few = page_queries(reader, address)
    few_detail = page_queries(reader, url("action_detail", org, ImprovementAction.objects.get().pk))
    for number in range(1, 30):
        owner = make_member(org, Role.AGENT, email=f"agent{number}@ville-test.test")
        make_action(title=f"Action {number}", owner=owner, due_on=dt.date(2026, 6, 1) + dt.timedelta(days=number))
    late = make_action(title="Affichage des horaires", due_on=dt.date(2026, 5, 2), origin=Origin.AUDIT)
    done = make_action(title="Fiches réflexes")
    for step in ("plan", "complete"):
        done = step_action(action=done, step=step, actor=None, seen_version=done.version, today=TODAY)
    add_history(late, lambda actor: ActionTransition.of(late, action="plan", actor=actor, from_status=S.PROPOSED))
    assert page_queries(reader, address) == few
    assert page_queries(reader, url("action_detail", org, late.pk)) == few_detail
    page = reader.get(address).content.decode()
    assert page.count("<tr>") == 26 and "Page 1 sur 2" in page
    assert late.number in reader.get(address, {"etat": "en_retard"}).content.decode()
    assert "Action 20" not in reader.get(address, {"etat": "en_retard"}).content.decode()
    checks = reader.get(address, {"etat": "a_verifier"}).content.decode()
    assert done.number in checks and late.number not in checks
    assert "Affichage" in reader.get(address, {"q": "affichage", "origine": "audit"}).content.decode()
    mine = reader.get(address, {"responsable": done.owner_id, "etat": "realisees"}).content.decode()
    assert done.number in mine and late.number not in mine
    assert reader.get(address, {"etat": "n_importe_quoi"}).status_code == 200
    export = reader.get(url("action_export", org), {"format": "csv", "etat": "en_retard"})
    assert export.status_code == 200 and late.number in export.content.decode("utf-8-sig")
    assert reader.get(url("action_export", org), {"format": "ods"})["Content-Type"].startswith("application/vnd.oasis")


def test_one_click_from_a_complaint_opens_an_action_linked_both_ways(org, client_as, qualivilles):
    complaint = make_complaint(org, commitment_code="21")
    agent = client_as(org, Role.AGENT)
    complaint_page = reverse("complaints:detail", args=[org.slug, complaint.pk])
    page = unescape(agent.get(complaint_page).content.decode())
    assert "Ouvrir une action d'amélioration" in page
    response = agent.post(url("action_open_from", org) + f"?origin=complaint&record={complaint.pk}")
    action = ImprovementAction.objects.get()
    assert response.status_code == 302 and response.url == url("action_edit", org, action.pk)
    assert action.title == f"Suite à la réclamation {complaint.tracking_number}"
    assert action.origin_label == f"Réclamation {complaint.tracking_number}" and "Jeanne" not in action.origin_label
    assert action.commitment is not None and action.commitment.code == "21"
    assert (action.status, action.due_on) == (S.PROPOSED, TODAY + dt.timedelta(days=30))
    assert action.number in agent.get(complaint_page).content.decode()
    detail = agent.get(url("action_detail", org, action.pk)).content.decode()
    assert f'href="{complaint_page}"' in detail
    reader_page = unescape(client_as(org, Role.READER).get(complaint_page).content.decode())
    assert action.number in reader_page and "Ouvrir une action d'amélioration" not in reader_page


def test_one_click_from_an_indicator_and_its_panel_in_a_fixed_number_of_queries(
    org, client_as, qualivilles, make_action, django_assert_num_queries
):
    indicator = indicator_of(org, "8.1")
    agent = client_as(org, Role.AGENT)
    response = agent.post(url("action_open_from", org), {"origin": "indicator", "indicator": indicator.pk})
    action = ImprovementAction.objects.get()
    assert response.status_code == 302
    assert (action.title, action.origin_indicator, action.check_indicator) == (
        "Indicateur 8.1 non atteint",
        indicator,
        indicator,
    )
    assert (action.expected_value, action.check_on) == (indicator.target_value, dt.date(2026, 9, 1))
    membership = org.membership_set.get(user__email=f"agent@{org.slug}.test")
    indicators = list(Indicator.objects.for_org(org))
    with django_assert_num_queries(1):
        panels = record_panels(membership, indicators)
    assert [link.label for link in panels[indicator.pk][0].links] == [str(action)]
    assert len(panels) == len(indicators)


def test_one_click_refuses_another_towns_record_and_an_unknown_origin(org, other_org, client_as):
    complaint = make_complaint(other_org)
    agent = client_as(org, Role.AGENT)
    assert agent.post(url("action_open_from", org), {"origin": "complaint", "record": complaint.pk}).status_code == 404
    assert agent.post(url("action_open_from", org), {"origin": "complaint", "record": "x"}).status_code == 404
    assert agent.post(url("action_open_from", org), {"origin": "autre"}).status_code == 400
    assert not ImprovementAction.objects.exists()
