"""The civil-registry pages through the client: registering and delivering in one tap, the
register with a bounded number of queries, the errors register, the concurrent edit, the
delivery deadlines, and the rules for outsiders and readers."""

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civil_registry import actions
from civil_registry.models import ActChannel, ActDeadlineRule, ActError, ActRequest, ActRequestEvent, ActStatus
from conftest import log_in_verified
from core.localtime import PARIS
from core.models import AuditEvent, Role, Service

D = dt.date
# Session, user and membership, then the page's own reads: the same for 1 act or 31, 1 error or 30.
QUERIES_OF_THE_REGISTER = 7
QUERIES_OF_THE_ERRORS = 5
TODAY = D(2026, 11, 18)  # a Wednesday; every test runs on it, at 10:00 in Paris
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 11, 18, 10, 0, tzinfo=PARIS), tick=False),
]


def url(org, name, **kwargs):
    return reverse(f"civil_registry:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_a_counter_request_delivered_at_once_is_registered_in_one_form(org, client_as):
    agent = client_as(org, Role.AGENT)
    assert agent.get(url(org, "new")).status_code == 200
    assert agent.get(url(org, "new")).context["form"]["service"].initial.code == "etat-civil"
    civil = Service.objects.get(organisation=org, code="etat-civil")
    data = {"act_type": "birth", "act_format": "full", "channel": "counter", "copies": 2, "received_on": "2026-03-02"}
    response = agent.post(url(org, "new"), data | {"delivered_now": "on", "service": civil.pk})
    assert response.status_code == 302 and response["Location"] == url(org, "new")
    act = ActRequest.objects.get(organisation=org)
    assert (act.status, act.delivered_on, act.due_on, act.copies) == (
        ActStatus.DELIVERED,
        D(2026, 3, 2),
        D(2026, 3, 2),
        2,
    )
    assert act.service == civil


def test_a_postal_request_is_registered_pending_with_its_due_date(org, client_as):
    data = {
        "act_type": "marriage",
        "act_format": "with_parentage",
        "channel": "post",
        "copies": 1,
        "received_on": "2026-07-10",
    }
    response = client_as(org, Role.AGENT).post(url(org, "new"), data, follow=True)
    assert "à délivrer au plus tard le 20/07/2026" in html.unescape(response.content.decode())
    assert ActRequest.objects.get(organisation=org).status == ActStatus.PENDING


# Issue 9, item 11: only a counter request may be delivered on receipt, and only when the agent says so.
POSTAL = {"act_type": "birth", "act_format": "full", "channel": "post", "copies": 1, "received_on": "2026-11-18"}
ON_RECEIPT_REFUSED = "Seule une demande reçue au guichet peut être délivrée à sa réception"


def test_the_box_delivered_on_receipt_is_unticked_by_default(org, client_as):
    response = client_as(org, Role.AGENT).get(url(org, "new"))
    assert response.context["form"]["delivered_now"].initial is False
    assert 'name="delivered_now"' in response.content.decode()
    assert "checked" not in response.content.decode().split('name="delivered_now"')[1].split(">")[0]


def test_a_postal_request_recorded_with_the_form_s_defaults_is_not_delivered_on_receipt(org, client_as):
    agent = client_as(org, Role.AGENT)
    box = agent.get(url(org, "new")).context["form"]["delivered_now"]
    agent.post(url(org, "new"), POSTAL | ({"delivered_now": "on"} if box.initial else {}))
    act = ActRequest.objects.get(organisation=org)
    assert (act.status, act.delivered_on, act.due_on) == (ActStatus.PENDING, None, D(2026, 11, 25))
    assert act.deadline_status(TODAY) != "on_time"


def test_a_counter_request_is_delivered_on_receipt_only_when_the_box_is_ticked(org, client_as):
    agent = client_as(org, Role.AGENT)
    counter = POSTAL | {"channel": "counter"}
    agent.post(url(org, "new"), counter)
    agent.post(url(org, "new"), counter | {"delivered_now": "on"})
    acts = ActRequest.objects.filter(organisation=org).order_by("pk")
    assert [(act.status, act.delivered_on) for act in acts] == [
        (ActStatus.PENDING, None),
        (ActStatus.DELIVERED, D(2026, 11, 18)),
    ]


@pytest.mark.parametrize("channel", ["post", "web", "comedec", "notary"])
def test_a_request_by_another_channel_ticked_delivered_on_receipt_is_refused_on_the_field(org, client_as, channel):
    response = client_as(org, Role.AGENT).post(url(org, "new"), POSTAL | {"channel": channel, "delivered_now": "on"})
    assert response.status_code == 400
    assert ON_RECEIPT_REFUSED in response.context["form"].errors["delivered_now"][0]
    assert ON_RECEIPT_REFUSED in html.unescape(response.content.decode())
    assert not ActRequest.objects.filter(organisation=org).exists()
    assert not AuditEvent.objects.filter(organisation=org, action="create").exists()


def test_the_action_refuses_a_delivery_on_receipt_by_another_channel_than_the_counter(org):
    with pytest.raises(ValidationError, match=ON_RECEIPT_REFUSED):
        actions.register_act_request(
            organisation=org,
            actor=None,
            act_type="birth",
            act_format="full",
            channel=ActChannel.POST,
            copies=1,
            received_on=D(2026, 11, 18),
            delivered_on=D(2026, 11, 18),
        )
    assert not ActRequest.objects.filter(organisation=org).exists()


def test_bad_input_gets_a_french_message_and_writes_nothing(org, client_as):
    data = {"act_type": "baptism", "act_format": "full", "channel": "post", "copies": 0, "received_on": "2026-07-10"}
    response = client_as(org, Role.AGENT).post(url(org, "new"), data)
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not ActRequest.objects.filter(organisation=org).exists()


def test_delivering_in_one_tap_from_the_register_keeps_its_filters(org, client_as, make_act):
    act = make_act()
    response = client_as(org, Role.AGENT).post(
        url(org, "deliver", act_id=act.pk),
        {"version": act.version, "on": TODAY.isoformat(), "next_list": "state=pending"},
    )
    assert response["Location"] == url(org, "home") + "?state=pending"
    act.refresh_from_db()
    assert act.status == ActStatus.DELIVERED


def test_the_register_lists_pending_requests_first_with_a_bounded_number_of_queries(
    org, client_as, make_act, page_queries
):
    make_act(received_on=D(2026, 1, 5), delivered_on=D(2026, 1, 6))
    reader = client_as(org, Role.READER)
    few = page_queries(reader, url(org, "home"))
    for day in range(30):
        make_act(received_on=D(2026, 3, 2) + dt.timedelta(days=day % 20))
    with CaptureQueriesContext(connection) as queries:
        page = reader.get(url(org, "home"))
    assert len(queries) <= 12
    assert len(queries) == few <= QUERIES_OF_THE_REGISTER
    assert len(page.context["rows"]) == 25 and all(act.is_pending for act in page.context["rows"])
    assert page.context["overdue"] == 30
    assert "Délivrer aujourd" not in page.content.decode()  # a reader gets no button


def test_a_stale_edit_is_refused_with_the_name_of_who_changed_the_request(org, make_member, make_act, client):
    act = make_act()
    first = make_member(org, Role.AGENT, email="premiere@ville-test.test")
    actions.deliver(act, actor=first, seen_version=0, on=D(2026, 3, 3))
    log_in_verified(client, make_member(org, Role.AGENT, email="second@ville-test.test"))
    data = {
        "act_type": "death",
        "act_format": "full",
        "channel": "post",
        "copies": 4,
        "received_on": "2026-03-02",
        "version": 0,
    }
    response = client.post(url(org, "edit", act_id=act.pk), data)
    assert response.status_code == 409
    assert "modifié par premiere@ville-test.test le" in html.unescape(response.content.decode())
    act.refresh_from_db()
    assert (act.act_type, act.copies) == ("birth", 1)


def test_an_error_is_recorded_from_its_request_reference(org, client_as, make_act):
    act = make_act(delivered_on=D(2026, 3, 4))
    agent = client_as(org, Role.AGENT)
    form = agent.get(url(org, "error_new"), {"demande": act.reference}).context["form"]
    assert form.initial["issued_on"] == D(2026, 3, 4)
    data = {
        "act_request_reference": act.reference,
        "act_type": "birth",
        "kind": "spelling",
        "found_on": "2026-03-10",
        "found_by": "internal",
        "attributable": "on",
    }
    assert agent.post(url(org, "error_new"), data).status_code == 302
    error = ActError.objects.get(organisation=org)
    assert (error.act_request, error.issued_on, error.attributable) == (act, D(2026, 3, 4), True)
    page = client_as(org, Role.READER).get(url(org, "errors")).content.decode()
    assert error.reference in page


def test_an_error_without_its_issue_date_nor_a_delivered_request_is_refused(org, client_as, make_act):
    pending = make_act()
    data = {
        "act_request_reference": pending.reference,
        "act_type": "birth",
        "kind": "date",
        "found_on": "2026-03-10",
        "found_by": "citizen",
    }
    response = client_as(org, Role.AGENT).post(url(org, "error_new"), data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400 and "Cette demande n'a pas été délivrée." in page
    assert not ActError.objects.filter(organisation=org).exists()


def test_correcting_an_error_through_its_page(org, client_as, make_error):
    error = make_error()
    data = {
        "act_type": "birth", "issued_on": "2026-02-10", "kind": "other", "found_on": "2026-03-10",
        "found_by": "citizen", "attributable": "on", "corrected_on": "2026-03-12", "version": 0,
    }  # fmt: skip
    assert client_as(org, Role.AGENT).post(url(org, "error_edit", error_id=error.pk), data).status_code == 302
    error.refresh_from_db()
    assert error.corrected_on == D(2026, 3, 12)


def test_the_quality_manager_deletes_an_error_recorded_by_mistake_and_the_trail_keeps_it(org, client_as, make_error):
    error = make_error()
    page, edit_page = url(org, "error_delete", error_id=error.pk), url(org, "error_edit", error_id=error.pk)
    agent, manager = client_as(org, Role.AGENT), client_as(org, Role.QUALITY_MANAGER)
    assert agent.post(page).status_code == 403
    assert "Supprimer cette erreur" not in agent.get(edit_page).content.decode()
    assert "Supprimer cette erreur" in manager.get(edit_page).content.decode()
    assert manager.get(page).status_code == 200
    response = manager.post(page)
    assert response.status_code == 302 and response["Location"] == url(org, "errors")
    assert not ActError.objects.filter(pk=error.pk).exists()
    assert AuditEvent.objects.filter(organisation=org, action="delete", object_id=str(error.pk)).exists()


def test_the_quality_manager_sets_the_delivery_deadlines(org, manager_client, make_act):
    act = make_act(received_on=D(2026, 7, 10))
    form = manager_client.get(url(org, "settings")).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not False}
    data["days_post"] = 2
    assert manager_client.post(url(org, "settings"), data).status_code == 302
    assert ActDeadlineRule.objects.get(organisation=org, channel=ActChannel.POST).days == 2
    act.refresh_from_db()
    assert act.due_on == D(2026, 7, 15)  # Monday 13, (14 July), Wednesday 15


def test_an_agent_cannot_change_deadlines_nor_import(org, client_as):
    agent = client_as(org, Role.AGENT)
    assert agent.get(url(org, "settings")).status_code == 403
    assert agent.get(url(org, "import")).status_code == 403


def test_a_reader_sees_the_registers_but_cannot_deliver(org, client_as, make_act):
    act = make_act()
    reader = client_as(org, Role.READER)
    assert reader.get(url(org, "detail", act_id=act.pk)).status_code == 200
    assert reader.get(url(org, "errors")).status_code == 200
    events = AuditEvent.objects.count()
    assert reader.post(url(org, "deliver", act_id=act.pk), {"version": 0, "on": "2026-03-03"}).status_code == 403
    assert AuditEvent.objects.count() == events


def test_an_outsider_gets_404_on_an_act_of_another_town(org, other_org, outsider_client, make_act, make_error):
    act = make_act()
    error = make_error()
    assert outsider_client.get(url(org, "detail", act_id=act.pk)).status_code == 404
    inside = reverse("civil_registry:error_edit", kwargs={"org_slug": other_org.slug, "error_id": error.pk})
    assert outsider_client.get(inside).status_code == 404
    deliver = reverse("civil_registry:deliver", kwargs={"org_slug": other_org.slug, "act_id": act.pk})
    assert outsider_client.post(deliver, {"version": 0, "on": "2026-03-03"}).status_code == 404


def test_an_edit_moving_the_receipt_after_the_delivery_is_refused_in_french_and_writes_nothing(
    org, client_as, make_act
):
    act = make_act(received_on=D(2026, 3, 2), delivered_on=D(2026, 3, 3))
    data = {"act_type": "birth", "act_format": "full", "channel": "post", "copies": 1, "received_on": "2026-03-04"}
    response = client_as(org, Role.AGENT).post(url(org, "edit", act_id=act.pk), data | {"version": act.version})
    assert response.status_code == 200
    assert "La délivrance ne peut précéder la réception." in html.unescape(response.content.decode())
    act.refresh_from_db()
    assert act.received_on == D(2026, 3, 2)


def test_the_registration_page_states_the_deadlines_the_counter_s_as_the_same_day(org, client_as):
    page = html.unescape(client_as(org, Role.AGENT).get(url(org, "new")).content.decode())
    assert "guichet le jour même ; courrier 5 jours ouvrés" in page


def test_the_register_narrows_to_the_days_of_receipt_asked(org, client_as, make_act):
    for day in (2, 3, 4):
        make_act(received_on=D(2026, 3, day))
    reader = client_as(org, Role.READER)
    rows = reader.get(url(org, "home"), {"received_from": "2026-03-03", "received_to": "2026-03-03"}).context["rows"]
    assert [act.received_on for act in rows] == [D(2026, 3, 3)]


def test_the_errors_register_runs_the_same_queries_for_one_error_or_thirty(
    org, client_as, make_act, make_error, page_queries
):
    reader = client_as(org, Role.READER)
    make_error()
    few = page_queries(reader, url(org, "errors"))
    annex = Service.objects.create(
        organisation=org,
        site=Service.objects.get(organisation=org, code="etat-civil").site,
        code="annexe",
        name="Annexe",
    )
    for day in range(1, 30):
        act = make_act(received_on=D(2026, 3, 2), delivered_on=D(2026, 3, 3), service=annex if day % 2 else None)
        make_error(found_on=D(2026, 3, 3) + dt.timedelta(days=day % 20), act_request=act, service=None)
    page = reader.get(url(org, "errors"))
    assert page.context["page"].paginator.count == 30 and len(page.context["page"]) == 25
    assert page_queries(reader, url(org, "errors")) == few <= QUERIES_OF_THE_ERRORS


def test_the_detail_page_reads_its_history_in_the_same_queries_however_long(
    org, client_as, make_act, add_history, page_queries
):
    reader = client_as(org, Role.READER)
    act = make_act(received_on=dt.date(2026, 11, 2))
    few = page_queries(reader, url(org, "detail", act_id=act.pk))
    add_history(act, lambda actor: ActRequestEvent.of(act, action="edit", actor=actor))
    page = reader.get(url(org, "detail", act_id=act.pk)).content.decode()
    assert page.count("Personne n° ") == 8  # each person, in the register's history
    assert page_queries(reader, url(org, "detail", act_id=act.pk)) == few
