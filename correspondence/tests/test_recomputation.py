"""A register's writes reach the indicator engine once committed, and not at all when the
transaction that wrote them is rolled back (core.registries.records_changed)."""

import datetime as dt

import pytest
from django.db import transaction

from core.models import Organisation
from correspondence.actions import answer, register_request
from correspondence.models import Channel, WrittenRequest

pytestmark = pytest.mark.django_db(transaction=True)


class Refused(Exception):
    pass


def letter(org: Organisation) -> WrittenRequest:
    return register_request(
        organisation=org,
        actor=None,
        channel=Channel.LETTER,
        received_on=dt.date(2026, 7, 10),
        subject="Demande",
        requester_name="Usager",
    )


def test_a_registration_is_heard_once_committed_with_the_months_of_receipt_and_due_date(org, recomputations):
    with transaction.atomic():
        letter(org)
        assert recomputations == []
    assert recomputations == [("ville-test", "correspondence", [dt.date(2026, 7, 1), dt.date(2026, 8, 1)])]


def test_a_rolled_back_step_recomputes_nothing(org, recomputations):
    written = letter(org)
    recomputations.clear()
    with pytest.raises(Refused), transaction.atomic():
        answer(written, actor=None, seen_version=written.version, on=dt.date(2026, 9, 1))
        raise Refused
    assert recomputations == []
    assert WrittenRequest.objects.get(pk=written.pk).answered_on is None
