"""Building a closed year's evidence pack: `start_build` (the quality manager's click: checked,
one at a time per town and year, journaled) then `run_build` (the work itself, in a thread of
the web process or at once in tests: evidence.background), which writes the ZIP under MEDIA with
its progress on the row, and replaces the year's earlier pack once the new one is ready."""

from __future__ import annotations

import logging
import tempfile
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import record_event
from core.closing import closing_of
from core.models import Organisation, User
from evidence.building import Progress, build_pack
from evidence.models import EvidencePack, PackStatus

logger = logging.getLogger(__name__)

CREATED = "create"
FAILED_MESSAGE = (
    "Erreur inattendue pendant la construction du dossier : l'administrateur peut consulter le journal du serveur."
)
INTERRUPTED = "Construction interrompue (le serveur a sans doute redémarré) : relancez-la."


def not_closed_message(year: int) -> str:
    return (
        f"L'exercice {year} n'est pas clôturé : seul un exercice clôturé a un dossier de preuves. "
        "Clôturez-le d'abord (Engagements, Clôture des exercices)."
    )


def running_message(pack: EvidencePack) -> str:
    return (
        f"Le dossier de preuves {pack.year} est déjà en construction (lancée le "
        f"{timezone.localtime(pack.started_at):%d/%m/%Y à %H:%M}) : attendez qu'il soit prêt."
    )


def end_interrupted_builds(organisation: Organisation, year: int) -> int:
    """Mark failed the year's builds still marked running whose progress stopped long ago
    (their thread died with the server): they no longer block a new build."""
    now = timezone.now()
    running = EvidencePack.objects.for_org(organisation).filter(year=year, status=PackStatus.RUNNING)
    stale = [pack.pk for pack in running if pack.interrupted(now)]
    return EvidencePack.objects.filter(pk__in=stale).update(
        status=PackStatus.FAILED, error=INTERRUPTED, finished_at=now
    )


@transaction.atomic
def start_build(*, organisation: Organisation, year: int, actor: User | None) -> EvidencePack:
    """A new build of the pack of `year`, marked running (the caller runs it: `run_build`).
    Refused in French for a year not closed (or reopened), or while another build of the same
    year runs."""
    closing = closing_of(organisation, year)
    if closing is None:
        raise ValidationError(not_closed_message(year))
    end_interrupted_builds(organisation, year)
    running = EvidencePack.objects.for_org(organisation).filter(year=year, status=PackStatus.RUNNING).first()
    if running is not None:
        raise ValidationError(running_message(running))
    try:
        with transaction.atomic():
            pack = EvidencePack.objects.create(organisation=organisation, year=year, closing=closing, built_by=actor)
    except IntegrityError:  # another request started one between the check and here
        raise ValidationError(
            f"Le dossier de preuves {year} est déjà en construction : attendez qu'il soit prêt."
        ) from None
    record_event(organisation=organisation, actor=actor, instance=pack, action=CREATED, after={"exercice": year})
    return pack


def _progress(pack: EvidencePack) -> Progress:
    def tell(step: int, steps: int, label: str) -> None:
        pack.step, pack.steps, pack.step_label = step, steps, label[:250]
        pack.progressed_at = timezone.now()
        pack.save(update_fields=["step", "steps", "step_label", "progressed_at"])

    return tell


def run_build(pack: EvidencePack) -> EvidencePack:
    """Build the ZIP of a started pack, telling its progress on the row; once written, the pack
    is ready and the year's earlier ready pack is replaced (its file deleted). A year reopened
    meanwhile, or any error, ends the build failed with a French message (an unexpected error
    is logged too); the earlier pack then stays."""
    organisation = pack.organisation
    temporary = Path(tempfile.mkstemp(prefix="qualipilote-dossier-", suffix=".zip", dir=_temporary_dir())[1])
    try:
        with temporary.open("wb") as handle:
            built = build_pack(
                organisation=organisation,
                year=pack.year,
                closing=pack.closing,
                handle=handle,
                built_by=pack.built_by,
                progress=_progress(pack),
            )
        if closing_of(organisation, pack.year) != pack.closing:
            raise ValidationError(f"L'exercice {pack.year} a été rouvert pendant la construction : dossier abandonné.")
        _finish(pack, temporary, files=len(built.files) + 2)
    except ValidationError as error:
        _fail(pack, " ".join(error.messages))
    except Exception:
        logger.exception("Evidence pack %s failed", pack.pk)
        _fail(pack, FAILED_MESSAGE)
        raise
    finally:
        temporary.unlink(missing_ok=True)
    return pack


def _temporary_dir() -> str | None:
    upload_dir = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    return str(upload_dir) if upload_dir else None


def _finish(pack: EvidencePack, temporary: Path, *, files: int) -> None:
    earlier = list(
        EvidencePack.objects.for_org(pack.organisation)
        .filter(year=pack.year, status=PackStatus.DONE)
        .exclude(pk=pack.pk)
    )
    with temporary.open("rb") as handle:
        pack.file.save(pack_name(pack), File(handle), save=False)
    with transaction.atomic():
        pack.status, pack.size, pack.files = PackStatus.DONE, temporary.stat().st_size, files
        pack.step, pack.step_label, pack.finished_at = pack.steps, "", timezone.now()
        pack.save(update_fields=["status", "size", "files", "step", "step_label", "finished_at", "file"])
        for old in earlier:
            if old.file:
                transaction.on_commit(partial(old.file.storage.delete, old.file.name))
            old.status, old.file = PackStatus.REPLACED, ""
            old.save(update_fields=["status", "file"])


def pack_name(pack: EvidencePack) -> str:
    return f"dossier-{pack.year}.zip"


def _fail(pack: EvidencePack, message: str) -> None:
    pack.status, pack.error, pack.finished_at = PackStatus.FAILED, message, timezone.now()
    pack.save(update_fields=["status", "error", "finished_at"])
