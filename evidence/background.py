"""Packs built off the request: a thread of the web process, as imports do (docs/imports.md,
"Uploading on the web page: why a thread"; ADR 0003). The page polls the pack's row for its
progress. In tests (`QUALIPILOTE_EVIDENCE_IN_BACKGROUND = False`) the same build runs at once.

When django-tasks arrives (ADR 0003), `build_in_background` is the one function to turn into a
task; a build cut short by a restart is marked interrupted by the next one (actions)."""

from __future__ import annotations

import contextlib
import threading

from django.conf import settings

from evidence.actions import run_build
from evidence.models import EvidencePack


def in_background() -> bool:
    return bool(getattr(settings, "QUALIPILOTE_EVIDENCE_IN_BACKGROUND", True))


def build_in_background(pack: EvidencePack) -> threading.Thread:
    """Run `run_build` in a thread with its own database connection; the request returns at once."""
    from django.db import close_old_connections, connection

    def work() -> None:
        close_old_connections()
        try:
            with contextlib.suppress(Exception):  # logged, and written on the pack's row
                run_build(pack)
        finally:
            connection.close()

    thread = threading.Thread(target=work, name=f"evidence-pack-{pack.pk}", daemon=True)
    thread.start()
    return thread


def build(pack: EvidencePack) -> None:
    """The pack's build, off the request (a thread) or, in tests, at once."""
    if in_background():
        build_in_background(pack)
    else:
        run_build(pack)
