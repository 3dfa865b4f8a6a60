from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from commitments.actions import record_manual_value
from commitments.models import Commitment, Indicator, IndicatorValue
from core.models import AuditEvent, Membership, Organisation, Role
from core.periods import Period

from .conftest import indicator_of

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def create(*extra, slug="saint-test"):
    return run("create_organisation", "--slug", slug, "--name", "Saint-Test", "--admin", "Maire@Saint-Test.fr", *extra)


def test_create_organisation_opens_a_town_with_its_framework_and_invites_its_administrator(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        output = create("--zone", "metropole", "--base-url", "https://qualite.saint-test.fr")
    town = Organisation.objects.get(slug="saint-test")
    assert (town.name, town.holiday_zone) == ("Saint-Test", "")
    assert Commitment.objects.filter(organisation=town).count() == 23
    membership = Membership.objects.get(organisation=town)
    assert (membership.user.email, membership.role) == ("maire@saint-test.fr", Role.ADMIN)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maire@saint-test.fr"]
    assert "https://qualite.saint-test.fr/" in mail.outbox[0].body
    assert "23 engagements" in output
    assert AuditEvent.objects.filter(organisation=town, object_type="core.organisation", action="create").exists()


def test_create_organisation_can_load_services_publics_plus_in_a_holiday_zone():
    create("--zone", "57", "--framework", "services-publics-plus")
    town = Organisation.objects.get(slug="saint-test")
    assert town.holiday_zone == "57"
    assert Commitment.objects.filter(organisation=town).count() == 8


def test_create_organisation_accepts_a_lower_case_zone_code():
    create("--zone", "6ae")
    assert Organisation.objects.get(slug="saint-test").holiday_zone == "6AE"


def test_create_organisation_refuses_an_existing_slug_and_creates_nothing(org):
    with pytest.raises(CommandError, match="Une organisation d'identifiant « ville-test » existe déjà"):
        create("--zone", "metropole", slug="ville-test")
    assert Organisation.objects.count() == 1
    assert len(mail.outbox) == 0


def test_create_organisation_refuses_an_unknown_zone_and_creates_nothing():
    with pytest.raises(CommandError, match="Zone « 99 » inconnue"):
        create("--zone", "99")
    assert not Organisation.objects.exists()


def test_create_organisation_refuses_a_bad_e_mail_address():
    with pytest.raises(CommandError):
        run("create_organisation", "--slug", "x", "--name", "X", "--zone", "", "--admin", "pas-une-adresse")
    assert not Organisation.objects.exists()


def test_recompute_indicators_recomputes_the_given_period_and_says_what_it_did(
    share_indicator, planned_indicator, org, constant_metric
):
    record_manual_value(
        indicator=share_indicator, period=Period.parse("2026-03"), actor=None, numerator=3, denominator=4
    )
    IndicatorValue.objects.update(value=0)
    computed = Indicator.objects.create(
        organisation=org,
        commitment=share_indicator.commitment,
        code="4.2",
        label="Mesure de test",
        metric_key="test.constant",
        target_value=90,
    )
    output = run("recompute_indicators", "--org", org.slug, "--period", "2026-03")
    assert (
        "4.1 Part des dépliants et pages web à jour au contrôle mensuel — mars 2026, tous services : 75\u00a0%"
        in output
    )
    assert "4.2 Mesure de test — mars 2026, tous services : 80\u00a0%" in output
    assert (
        "9.1 Rendez-vous commencés dans les 10 minutes suivant l'heure prévue : "
        "ignoré, mesure automatique prévue (module à venir)."
    ) in output
    assert IndicatorValue.objects.get(indicator=share_indicator).value == 75
    assert IndicatorValue.objects.get(indicator=computed).value == 80
    assert "Qualivilles 1.1 " not in output  # quarterly indicators are not measured by month


def test_recompute_indicators_can_target_one_indicator(share_indicator, org):
    output = run("recompute_indicators", "--org", org.slug, "--indicator", "4.1", "--period", "2026-03")
    assert (
        output.strip() == "Qualivilles 4.1 Part des dépliants et pages web à jour au contrôle mensuel : aucune valeur."
    )


def test_recompute_indicators_without_period_covers_the_current_and_previous_periods(org, qualivilles, constant_metric):
    indicator = Indicator.objects.create(
        organisation=org,
        commitment=indicator_of(org, "4.1").commitment,
        code="4.2",
        label="Mesure de test",
        metric_key="test.constant",
        target_value=90,
    )
    run("recompute_indicators", "--org", org.slug, "--indicator", "4.2")
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "nulle-part"], "Organisation « nulle-part » introuvable"),
        (["--org", "ville-test", "--period", "mars"], "Période « mars » invalide"),
        (["--org", "ville-test", "--indicator", "99.9"], "Aucun indicateur suivi de code « 99.9 »"),
    ],
)
def test_recompute_indicators_refuses_bad_arguments_in_french(qualivilles, args, message):
    with pytest.raises(CommandError, match=message):
        run("recompute_indicators", *args)
