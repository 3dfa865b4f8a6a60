import pytest

from commitments.frameworks import load_framework
from core.registries import commitment_choices

pytestmark = pytest.mark.django_db


def test_a_town_offers_its_followed_commitments_to_the_registers(org, other_org):
    load_framework(organisation=org, code="qualivilles")
    choices = commitment_choices(org)
    assert len(choices) == 23
    assert choices[7][0] == "8" and choices[7][1].startswith("8. ")
    assert commitment_choices(other_org) == []


def test_with_two_frameworks_the_codes_name_their_framework(org):
    load_framework(organisation=org, code="qualivilles")
    load_framework(organisation=org, code="services-publics-plus")
    codes = [code for code, _ in commitment_choices(org)]
    assert len(codes) == 31 and len(set(codes)) == 31
    assert "qualivilles:8" in codes
