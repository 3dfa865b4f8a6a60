"""Correcting calls imported under the old rule (one record, one call): re-importing the files
of a period with the replace option, from the command line or the upload page."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEvent
from telephony.models import Call, CallOutcome
from telephony.summaries import rebuild_months
from telephony.tests.conftest import cdr
from telephony.tests.test_call_grouping import RANG_TWO_PHONES
from telephony.tests.test_import_calls import summary_snapshot

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
OUTSIDE = cdr("2026-03-20 10:00:00", "2026-03-20 10:00:05", "2026-03-20 10:01:05", duration=65, billsec=60,
              uniqueid="1774000000.9")  # fmt: skip


def import_under_the_old_rule(org, asterisk, write, run_import):
    """Two calls where the old rule kept the first record only (keys "u<uniqueid>/<dst>")."""
    run_import(asterisk, write("old.csv", [RANG_TWO_PHONES[0], OUTSIDE]))
    for call in Call.objects.filter(organisation=org):
        call.dedupe_key = f"{call.dedupe_key}/0130000001"
        call.save(update_fields=["dedupe_key"])


def test_replacing_deletes_the_calls_of_the_files_period_and_imports_it_again_with_the_new_rule(
    org, asterisk, write, run_import
):
    import_under_the_old_rule(org, asterisk, write, run_import)
    assert Call.objects.filter(outcome=CallOutcome.ABANDONED).count() == 1

    result = run_import(asterisk, write("Master.csv", RANG_TWO_PHONES), replace=True)

    assert result.ok and result.months == {MARCH}
    assert (result.run.rows_read, result.run.imported, result.run.records_grouped) == (2, 1, 1)
    redone = Call.objects.get(dedupe_key="u1772438400.1")
    assert (redone.outcome, redone.wait_seconds) == (CallOutcome.ANSWERED, 8)
    assert Call.objects.count() == 2  # the call of 20 March, outside the file's period, stays
    incremental = summary_snapshot()
    rebuild_months(org, {MARCH})
    assert summary_snapshot() == incremental
    event = AuditEvent.objects.get(action="import_replace")
    assert event.after == {"fichier": "Master.csv", "du": "2026-03-02", "au": "2026-03-02", "supprimés": 1}


def test_a_replacing_file_with_a_rejected_line_deletes_nothing(org, asterisk, write, run_import):
    import_under_the_old_rule(org, asterisk, write, run_import)
    before = list(Call.objects.values_list("pk", flat=True))

    result = run_import(asterisk, write("Master.csv", [*RANG_TWO_PHONES, "pas,une,ligne"]), replace=True)

    assert not result.ok and "rien n'a été supprimé" in result.run.error
    assert list(Call.objects.values_list("pk", flat=True)) == before
    assert not AuditEvent.objects.filter(action="import_replace").exists()


def test_the_command_replaces_with_its_option(org, asterisk, write, run_import):
    import_under_the_old_rule(org, asterisk, write, run_import)
    out = StringIO()

    call_command("import_calls", str(write("Master.csv", RANG_TWO_PHONES)), org=org.slug, source="asterisk",
                 replace=True, quiet=True, stdout=out)  # fmt: skip

    assert Call.objects.get(dedupe_key="u1772438400.1").outcome == CallOutcome.ANSWERED
    assert "Importées : 1" in out.getvalue()


def test_the_upload_page_replaces_when_its_box_is_ticked(org, asterisk, write, run_import, manager_client, settings):
    settings.QUALIPILOTE_IMPORTS_IN_BACKGROUND = False
    import_under_the_old_rule(org, asterisk, write, run_import)
    client = manager_client
    url = reverse("imports:upload", kwargs={"org_slug": org.slug, "source_id": asterisk.pk})
    assert "Remplacer les appels déjà importés" in client.get(url).content.decode()

    with write("Master.csv", RANG_TWO_PHONES).open("rb") as upload:
        response = client.post(url, {"file": upload, "replace": "on"})

    assert response.status_code == 302
    assert Call.objects.get(dedupe_key="u1772438400.1").outcome == CallOutcome.ANSWERED
    assert Call.objects.count() == 2
