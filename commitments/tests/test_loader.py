import pytest

from commitments.frameworks import FrameworkFileError, available_frameworks, load_framework, read_framework_file
from commitments.models import Commitment, Framework, Indicator, Module
from core.models import AuditEvent
from core.registries import METRICS

pytestmark = pytest.mark.django_db

COMPUTED_KEYS = {
    "reception.called_within",
    "reception.wait_median",
    "reception.wait_p90",
    "reception.left_without_service",
    "appointments.on_time",
    "telephony.answered_within_rings",
    "telephony.answer_rate",
    "correspondence.on_time",
    "civil_registry.error_rate",
    "civil_registry.on_time",
    "complaints.acknowledged_on_time",
    "complaints.answered_on_time",
    "surveys.satisfaction",
    "surveys.held",
    "improvement.actions_closed_on_time",
    "improvement.meetings_held",
    "improvement.review_validated",
    "audits.score",
    "training.front_line_trained",
    "training.agents_briefed",
    "training.newcomers_briefed_on_time",
}
MANUAL_KEYS = {"manual.score", "manual.share", "manual.count", "manual.yes_no"}


def test_both_framework_files_ship_with_the_app():
    assert available_frameworks() == ["qualivilles", "services-publics-plus"]


def test_qualivilles_gives_exactly_23_commitments_in_5_modules(org):
    framework = load_framework(organisation=org, code="qualivilles")
    assert framework.commitments.count() == 23
    assert list(framework.modules.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert Indicator.objects.filter(commitment__framework=framework).count() == 41


def test_qualivilles_marks_only_its_internal_commitments_22_and_23_as_not_public(org):
    framework = load_framework(organisation=org, code="qualivilles")
    internal = framework.commitments.filter(is_public=False).values_list("code", flat=True)
    assert sorted(internal) == ["22", "23"]


def test_services_publics_plus_gives_exactly_8_commitments_and_its_3_published_indicators(org):
    framework = load_framework(organisation=org, code="services-publics-plus")
    assert framework.commitments.count() == 8
    keys = set(Indicator.objects.filter(commitment__framework=framework).values_list("metric_key", flat=True))
    assert keys == {"telephony.answer_rate", "correspondence.on_time", "surveys.satisfaction"}


def test_commitments_sit_in_the_modules_of_the_seed_page(org):
    framework = load_framework(organisation=org, code="qualivilles")
    modules = dict(Commitment.objects.filter(framework=framework).values_list("code", "module__number"))
    assert [code for code, number in modules.items() if number == 2] == ["11", "22"]
    assert [code for code, number in modules.items() if number == 3] == ["23"]
    assert sorted((code for code, number in modules.items() if number == 4), key=int) == ["18", "19"]
    assert sorted((code for code, number in modules.items() if number == 5), key=int) == ["20", "21"]
    assert sum(1 for number in modules.values() if number == 1) == 16


def test_commitments_are_worded_as_the_seed_page_words_them(org):
    load_framework(organisation=org, code="qualivilles")
    titles = dict(Commitment.objects.filter(organisation=org).values_list("code", "title"))
    assert titles["1"] == "Informer et accueillir par une signalétique adaptée"
    assert titles["8"] == "En cas d'affluence, gérer de manière optimale les files d'attente"
    assert titles["18"] == "Délivrer des actes fiables"
    assert titles["19"] == "Délivrer des actes dans des délais respectés"
    assert Module.objects.get(organisation=org, number=4).name == (
        "Accueil et délivrance de prestations citoyenneté et démarches administratives pour le service état-civil"
    )


def test_every_indicator_names_a_manual_metric_or_a_planned_computed_one(org):
    load_framework(organisation=org, code="qualivilles")
    load_framework(organisation=org, code="services-publics-plus")
    keys = set(Indicator.objects.filter(organisation=org).values_list("metric_key", flat=True))
    assert keys <= MANUAL_KEYS | COMPUTED_KEYS
    assert all(key in METRICS for key in MANUAL_KEYS)


def test_indicators_carry_the_default_targets_of_the_domain(org):
    load_framework(organisation=org, code="qualivilles")
    called = Indicator.objects.get(organisation=org, code="8.1")
    assert (called.metric_key, called.params, called.comparator, called.target_value) == (
        "reception.called_within",
        {"minutes": 15},
        ">=",
        90,
    )
    errors = Indicator.objects.get(organisation=org, code="18.1")
    assert (errors.comparator, float(errors.target_value), errors.unit) == ("<=", 0.5, "%")
    rings = Indicator.objects.get(organisation=org, code="16.1")
    assert rings.params == {"rings": 5}


def test_loading_twice_changes_nothing(org):
    load_framework(organisation=org, code="qualivilles")
    counts = (Framework.objects.count(), Module.objects.count(), Commitment.objects.count(), Indicator.objects.count())
    events = AuditEvent.objects.count()
    load_framework(organisation=org, code="qualivilles")
    assert (
        Framework.objects.count(),
        Module.objects.count(),
        Commitment.objects.count(),
        Indicator.objects.count(),
    ) == (counts)
    assert AuditEvent.objects.count() == events


def test_reloading_keeps_the_towns_own_edits_and_restores_what_was_deleted(org):
    load_framework(organisation=org, code="qualivilles")
    Indicator.objects.filter(organisation=org, code="8.1").update(target_value=80)
    Indicator.objects.filter(organisation=org, code="8.2").delete()
    load_framework(organisation=org, code="qualivilles")
    assert Indicator.objects.get(organisation=org, code="8.1").target_value == 80
    assert Indicator.objects.filter(organisation=org, code="8.2").exists()


def test_loading_writes_an_audit_event_per_created_object(org):
    load_framework(organisation=org, code="services-publics-plus")
    events = AuditEvent.objects.filter(organisation=org, action="create", object_type__startswith="commitments.")
    # 1 framework, 3 modules, 8 commitments, 3 indicators
    assert events.count() == 15


def test_each_town_gets_its_own_copy(org, other_org):
    load_framework(organisation=org, code="qualivilles")
    load_framework(organisation=other_org, code="qualivilles")
    assert Commitment.objects.filter(organisation=org).count() == 23
    assert Commitment.objects.filter(organisation=other_org).count() == 23


def test_an_unknown_framework_is_refused_in_french(org):
    with pytest.raises(FrameworkFileError, match="Référentiel « marianne » inconnu"):
        load_framework(organisation=org, code="marianne")


def test_a_missing_key_is_reported_with_the_file_and_the_commitment(tmp_path):
    path = tmp_path / "charte.toml"
    path.write_text(
        'code = "charte"\nname = "Charte"\n[[modules]]\nnumber = 1\nname = "Accueil"\n'
        '[[commitments]]\ncode = "12"\nmodule = 1\n',
        encoding="utf-8",
    )
    with pytest.raises(FrameworkFileError, match=r"Fichier charte\.toml, engagement 12 : la clé « title » manque"):
        read_framework_file(path)


def test_a_missing_indicator_key_names_the_indicator(tmp_path):
    path = tmp_path / "charte.toml"
    path.write_text(
        'code = "charte"\nname = "Charte"\n[[modules]]\nnumber = 1\nname = "Accueil"\n'
        '[[commitments]]\ncode = "3"\nmodule = 1\ntitle = "Accueillir"\n'
        '[[commitments.indicators]]\ncode = "3.1"\nlabel = "Score"\nmetric = "manual.score"\n'
        'comparator = ">="\nunit = "%"\ngranularity = "month"\n',
        encoding="utf-8",
    )
    with pytest.raises(FrameworkFileError, match=r"engagement 3, indicateur 3\.1 : la clé « target » manque"):
        read_framework_file(path)


def test_a_commitment_in_an_undeclared_module_is_refused(tmp_path):
    path = tmp_path / "charte.toml"
    path.write_text(
        'code = "charte"\nname = "Charte"\n[[commitments]]\ncode = "1"\nmodule = 7\ntitle = "Accueillir"\n',
        encoding="utf-8",
    )
    with pytest.raises(FrameworkFileError, match="le module 7 n'est pas déclaré"):
        read_framework_file(path)


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "charte.toml"
    path.write_text("code = \n", encoding="utf-8")
    with pytest.raises(FrameworkFileError, match=r"Fichier charte\.toml illisible"):
        read_framework_file(path)
