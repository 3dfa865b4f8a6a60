import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.actions import record_manual_value
from commitments.frameworks import load_framework
from commitments.models import Commitment, Framework, Indicator, IndicatorValue
from core.models import AuditEvent, Role, Service
from core.periods import Period

from .conftest import indicator_of, keep_typed

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"commitments:{name}", args=[org.slug, *args])


@pytest.fixture
def reader_client(org, client_as):
    return client_as(org, Role.READER)


@pytest.fixture
def commitment(qualivilles, org):
    return Commitment.objects.get(organisation=org, framework=qualivilles, code="4")


# Overview


def test_the_overview_lists_commitments_with_targets_and_statuses(manager_client, planned_indicator, org):
    response = manager_client.get(url("overview", org))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Informer et accueillir par une signalétique adaptée" in page
    assert "≥\u00a090\u00a0%" in page
    assert '<span class="status status--no_data">Pas de donnée</span>' in page
    assert "Mesure automatique prévue (module à venir)" in page
    assert "41 sans donnée" in page
    assert response.context["nav_section"] == "commitments"


def test_the_overview_shows_the_status_of_a_newly_entered_value(manager_client, share_indicator, org):
    entry = url("value_entry", org, share_indicator.pk)
    manager_client.post(entry, {"period_text": "2026-03", "numerator": "10", "denominator": "10"})
    page = manager_client.get(url("overview", org)).content.decode()
    assert '<span class="status status--met">Atteint</span>' in page
    assert "mars 2026" in page
    manager_client.post(entry, {"period_text": "2026-03", "numerator": "8", "denominator": "10"})
    page = manager_client.get(url("overview", org)).content.decode()
    assert '<span class="status status--not_met">Non atteint</span>' in page
    assert "80\u00a0%" in page


def test_the_overview_offers_a_framework_filter_when_the_town_follows_several(reader_client, qualivilles, org):
    load_framework(organisation=org, code="services-publics-plus")
    response = reader_client.get(url("overview", org), {"framework": "services-publics-plus"})
    page = response.content.decode()
    assert 'name="framework"' in page
    assert "Vous pouvez facilement entrer en contact avec vos services publics" in page
    assert "Informer et accueillir par une signalétique adaptée" not in page


def test_the_overview_page_runs_the_same_number_of_queries_whatever_the_size(reader_client, org, page_queries):
    load_framework(organisation=org, code="services-publics-plus")
    with CaptureQueriesContext(connection) as small:
        reader_client.get(url("overview", org))
    published = Indicator.objects.create(
        organisation=org,
        commitment=Commitment.objects.get(organisation=org, framework__code="services-publics-plus", code="6"),
        code="6.1",
        label="Résultats publiés",
        metric_key="manual.yes_no",
        comparator="==",
        target_value=1,
        unit="oui/non",
        granularity="year",
    )
    record_manual_value(indicator=published, period=Period.parse("2026"), actor=None, value=1)
    with_a_value = page_queries(reader_client, url("overview", org))  # 8 commitments, one value
    load_framework(organisation=org, code="qualivilles")
    keep_typed(org)
    record_manual_value(indicator=indicator_of(org, "1.1"), period=Period.parse("2026-Q1"), actor=None, value=100)
    with CaptureQueriesContext(connection) as large:
        reader_client.get(url("overview", org))
    # the large page reads one more query only because it has a value to fetch
    assert len(large.captured_queries) <= len(small.captured_queries) + 1
    assert (
        len(large.captured_queries) == with_a_value <= 12
    )  # +1: the sites; +1: the services (filter); +1: the trends; +1: the cache's mark; +1: the closed
    # years' targets; 31 commitments more


def test_an_outsider_gets_404_on_the_overview(outsider_client, qualivilles, org):
    assert outsider_client.get(url("overview", org)).status_code == 404


def test_a_manager_can_load_a_second_framework(manager_client, qualivilles, org):
    overview = manager_client.get(url("overview", org)).content.decode()
    assert url("framework_load", org) in overview
    form = manager_client.get(url("framework_load", org)).content.decode()
    assert "Services Publics+" in form and ">Qualivilles<" not in form
    response = manager_client.post(url("framework_load", org), {"code": "services-publics-plus"})
    assert response.status_code == 302
    assert Framework.objects.filter(organisation=org).count() == 2
    assert "suit déjà tous les référentiels" in manager_client.get(url("framework_load", org)).content.decode()


def test_a_reader_cannot_load_a_framework(reader_client, qualivilles, org):
    assert url("framework_load", org) not in reader_client.get(url("overview", org)).content.decode()
    assert reader_client.get(url("framework_load", org)).status_code == 403
    assert reader_client.post(url("framework_load", org), {"code": "services-publics-plus"}).status_code == 403
    assert Framework.objects.filter(organisation=org).count() == 1


@pytest.mark.parametrize("code", ["marianne", "qualivilles"])
def test_an_unknown_or_already_loaded_framework_is_refused_in_french(manager_client, qualivilles, org, code):
    events = AuditEvent.objects.count()
    response = manager_client.post(url("framework_load", org), {"code": code}, follow=True)
    assert "Choisissez un référentiel de la liste." in response.content.decode()
    assert Framework.objects.filter(organisation=org).count() == 1
    assert AuditEvent.objects.count() == events


def test_an_outsider_gets_404_on_framework_loading(outsider_client, qualivilles, org):
    assert outsider_client.post(url("framework_load", org), {"code": "services-publics-plus"}).status_code == 404
    assert Framework.objects.filter(organisation=org).count() == 1


# Commitment detail


def test_the_detail_shows_indicators_values_and_history(reader_client, share_indicator, commitment, org, make_member):
    manager = make_member(org, Role.QUALITY_MANAGER)
    record_manual_value(
        indicator=share_indicator,
        period=Period.parse("2026-03"),
        actor=manager,
        numerator=9,
        denominator=10,
        comment="Deux dépliants périmés retirés",
    )
    response = reader_client.get(url("commitment_detail", org, commitment.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Engagement 4 : Offrir un point d&#x27;accueil informatif</h1>" in page
    assert "Valeurs de l'indicateur 4.1 par période et par service" in page
    assert "90\u00a0%" in page
    assert "Deux dépliants périmés retirés" in page
    assert "Création" in page  # the loader's events
    assert "Modifier l'engagement" not in page  # a reader gets no write links
    assert "Saisir une valeur" not in page


def test_an_outsider_gets_404_on_a_commitment(outsider_client, commitment, org):
    assert outsider_client.get(url("commitment_detail", org, commitment.pk)).status_code == 404


def test_a_commitment_of_another_town_is_404_even_through_ones_own_town(outsider_client, commitment, other_org):
    assert outsider_client.get(url("commitment_detail", other_org, commitment.pk)).status_code == 404


# Commitment edit


def test_a_manager_edits_a_commitment(manager_client, commitment, org):
    response = manager_client.post(
        url("commitment_edit", org, commitment.pk),
        {"title": "Offrir un point d'accueil qui informe", "description": "Vérifié chaque mois.", "is_active": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("commitment_detail", org, commitment.pk)
    assert "L&#x27;engagement 4 a été enregistré." in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.title == "Offrir un point d'accueil qui informe"
    assert not commitment.is_public  # the box left unticked
    assert AuditEvent.objects.filter(object_type="commitments.commitment", action="update").count() == 1


def test_an_empty_title_gets_a_french_error_and_nothing_is_saved(manager_client, commitment, org):
    response = manager_client.post(url("commitment_edit", org, commitment.pk), {"title": "", "is_active": "on"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.title == "Offrir un point d'accueil informatif"
    assert not AuditEvent.objects.filter(action="update").exists()


def test_a_reader_cannot_edit_a_commitment(reader_client, commitment, org):
    assert reader_client.get(url("commitment_edit", org, commitment.pk)).status_code == 403
    response = reader_client.post(url("commitment_edit", org, commitment.pk), {"title": "Piraté", "is_active": "on"})
    assert response.status_code == 403
    commitment.refresh_from_db()
    assert commitment.title == "Offrir un point d'accueil informatif"


def test_an_outsider_gets_404_on_a_commitment_edit(outsider_client, commitment, org):
    assert outsider_client.post(url("commitment_edit", org, commitment.pk), {"title": "x"}).status_code == 404


# Indicator edit


def test_a_manager_changes_an_indicator_target_and_services(manager_client, share_indicator, org):
    service = Service.objects.get(organisation=org, code="accueil")
    data = {"label": "Documents à jour", "comparator": ">=", "target_value": "95", "granularity": "month"}
    response = manager_client.post(
        url("indicator_edit", org, share_indicator.pk), {**data, "services": [service.pk], "is_active": "on"}
    )
    assert response.status_code == 302
    share_indicator.refresh_from_db()
    assert (share_indicator.label, share_indicator.target_value) == ("Documents à jour", 95)
    assert list(share_indicator.services.all()) == [service]
    assert AuditEvent.objects.filter(object_type="commitments.indicator", action="update").exists()


@pytest.mark.parametrize(
    ("target", "message"),
    [("150", "Une cible en pourcentage est comprise entre 0 et 100."), ("beaucoup", "Saisissez un nombre.")],
)
def test_a_bad_target_gets_a_french_error_and_nothing_is_saved(manager_client, share_indicator, org, target, message):
    data = {"label": "Documents à jour", "comparator": ">=", "target_value": target, "granularity": "month"}
    response = manager_client.post(url("indicator_edit", org, share_indicator.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    share_indicator.refresh_from_db()
    assert (share_indicator.label, share_indicator.target_value) == (
        "Part des dépliants et pages web à jour au contrôle mensuel",
        100,
    )


def test_a_service_of_another_town_is_not_a_choice(manager_client, share_indicator, org, other_org):
    foreign = Service.objects.get(organisation=other_org)
    data = {"label": "x", "comparator": ">=", "target_value": "90", "granularity": "month", "services": [foreign.pk]}
    response = manager_client.post(url("indicator_edit", org, share_indicator.pk), data)
    assert response.status_code == 200
    assert not share_indicator.services.exists()


def test_a_reader_cannot_edit_an_indicator(reader_client, share_indicator, org):
    data = {"label": "x", "comparator": ">=", "target_value": "1", "granularity": "month"}
    assert reader_client.post(url("indicator_edit", org, share_indicator.pk), data).status_code == 403
    share_indicator.refresh_from_db()
    assert share_indicator.target_value == 100


def test_an_outsider_gets_404_on_an_indicator_edit(outsider_client, share_indicator, org):
    assert outsider_client.get(url("indicator_edit", org, share_indicator.pk)).status_code == 404


# Manual value entry


def test_the_entry_form_offers_recent_periods_and_the_towns_services(manager_client, share_indicator, org, other_org):
    page = manager_client.get(url("value_entry", org, share_indicator.pk)).content.decode()
    assert 'name="period"' in page
    assert 'name="numerator"' in page and 'name="denominator"' in page
    assert "État civil" in page
    assert "Mairie annexe" not in page


def test_a_manager_enters_a_share_for_a_service(manager_client, share_indicator, org):
    service = Service.objects.get(organisation=org, code="accueil")
    response = manager_client.post(
        url("value_entry", org, share_indicator.pk),
        {"period_text": "2026-03", "service": service.pk, "numerator": "3", "denominator": "4", "comment": "ok"},
        follow=True,
    )
    assert "Valeur enregistrée pour 4.1, mars 2026 (Accueil) : 75\u00a0%, non atteint." in response.content.decode()
    value = IndicatorValue.objects.get(indicator=share_indicator)
    assert (value.service, value.value, value.comment) == (service, 75.0, "ok")


def test_a_period_chosen_in_the_list_is_accepted(manager_client, score_indicator, org):
    form_page = manager_client.get(url("value_entry", org, score_indicator.pk))
    period = form_page.context["form"].fields["period"].initial
    response = manager_client.post(url("value_entry", org, score_indicator.pk), {"period": period, "value": "95"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=score_indicator).period.key == period


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period_text": "2026-03", "numerator": "5", "denominator": "4"}, "Le numérateur doit être compris"),
        ({"period_text": "mars", "numerator": "1", "denominator": "4"}, "Période « mars » invalide"),
        ({"period_text": "2026-Q1", "numerator": "1", "denominator": "4"}, "Cet indicateur se mesure par mois"),
        (
            {"period_text": "2099-01", "numerator": "1", "denominator": "4"},
            "Cette période n&#x27;a pas encore commencé",
        ),
        ({"period_text": "2026-03", "numerator": "1"}, "Ce champ est obligatoire."),
    ],
)
def test_bad_input_gets_a_french_message_and_writes_nothing(manager_client, share_indicator, org, data, message):
    response = manager_client.post(url("value_entry", org, share_indicator.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IndicatorValue.objects.exists()
    assert not AuditEvent.objects.filter(object_type="commitments.indicatorvalue").exists()


def test_a_planned_indicator_explains_it_cannot_be_entered_and_writes_nothing(manager_client, planned_indicator, org):
    page = manager_client.get(url("value_entry", org, planned_indicator.pk)).content.decode()
    assert "Mesure automatique prévue (module à venir)" in page
    assert '<form method="post" enctype' not in page
    manager_client.post(url("value_entry", org, planned_indicator.pk), {"period_text": "2026-03", "value": "99"})
    assert not IndicatorValue.objects.exists()


def test_a_reader_cannot_enter_a_value(reader_client, share_indicator, org):
    data = {"period_text": "2026-03", "numerator": "1", "denominator": "1"}
    assert reader_client.post(url("value_entry", org, share_indicator.pk), data).status_code == 403
    assert not IndicatorValue.objects.exists()


def test_an_agent_cannot_enter_a_value(client_as, share_indicator, org):
    data = {"period_text": "2026-03", "numerator": "1", "denominator": "1"}
    assert client_as(org, Role.AGENT).post(url("value_entry", org, share_indicator.pk), data).status_code == 403


def test_an_outsider_gets_404_on_value_entry(outsider_client, share_indicator, org):
    data = {"period_text": "2026-03", "numerator": "1", "denominator": "1"}
    assert outsider_client.post(url("value_entry", org, share_indicator.pk), data).status_code == 404
    assert not IndicatorValue.objects.exists()


# Value deletion


@pytest.fixture
def stored_value(share_indicator):
    return record_manual_value(
        indicator=share_indicator, period=Period.parse("2026-03"), actor=None, numerator=1, denominator=2
    )


def test_deleting_asks_for_confirmation_first(manager_client, stored_value, org):
    response = manager_client.get(url("value_delete", org, stored_value.pk))
    assert response.status_code == 200
    assert "Supprimer définitivement" in response.content.decode()
    assert IndicatorValue.objects.filter(pk=stored_value.pk).exists()


def test_a_manager_deletes_a_value_and_it_is_audited(manager_client, stored_value, org):
    response = manager_client.post(url("value_delete", org, stored_value.pk))
    assert response.status_code == 302
    assert not IndicatorValue.objects.filter(pk=stored_value.pk).exists()
    event = AuditEvent.objects.get(object_type="commitments.indicatorvalue", action="delete")
    assert event.before is not None
    assert event.before["value"] == 50.0


def test_a_reader_cannot_delete_a_value(reader_client, stored_value, org):
    assert reader_client.post(url("value_delete", org, stored_value.pk)).status_code == 403
    assert IndicatorValue.objects.filter(pk=stored_value.pk).exists()


def test_an_outsider_gets_404_on_value_deletion(outsider_client, stored_value, org):
    assert outsider_client.post(url("value_delete", org, stored_value.pk)).status_code == 404
    assert IndicatorValue.objects.filter(pk=stored_value.pk).exists()


def test_every_page_of_the_app_has_one_h1(manager_client, stored_value, share_indicator, commitment, org):
    pages = [
        url("overview", org),
        url("summary", org),
        url("framework_load", org),
        url("commitment_detail", org, commitment.pk),
        url("commitment_edit", org, commitment.pk),
        url("indicator_edit", org, share_indicator.pk),
        url("value_entry", org, share_indicator.pk),
        url("value_delete", org, stored_value.pk),
    ]
    for page in pages:
        content = manager_client.get(page).content.decode()
        assert content.count("<h1") == 1, page
        assert "style=" not in content and "<script" not in content, page


def test_indicators_of_a_detail_page_are_not_fetched_one_by_one(reader_client, org, qualivilles):
    commitment = Commitment.objects.get(organisation=org, framework=qualivilles, code="8")
    for indicator in Indicator.objects.filter(commitment=commitment):
        indicator.services.set(Service.objects.filter(organisation=org), through_defaults={"organisation": org})
    with CaptureQueriesContext(connection) as many:
        reader_client.get(url("commitment_detail", org, commitment.pk))
    single = Commitment.objects.get(organisation=org, framework=qualivilles, code="9")
    with CaptureQueriesContext(connection) as one:
        reader_client.get(url("commitment_detail", org, single.pk))
    # +1: the sites (selector), +1: the trends, +1: the actions opened from its indicators, +1: the closed years
    assert len(many.captured_queries) == len(one.captured_queries) <= 14  # with the closed years' targets
