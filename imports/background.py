"""Imports handed off by a web request: a thread of the web process (docs/imports.md says why).

When django-tasks arrives (ADR 0003), `import_in_background` is the one function to turn into
a task."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from imports.runs import import_file

if TYPE_CHECKING:
    from imports.models import ImportRun, ImportSource


def import_in_background(
    *, source: ImportSource, path: Path, run: ImportRun, delete_after: bool = True, replace: bool = False
) -> threading.Thread:
    """Run `import_file` in a thread of the web process, so the request returns at once and
    the page polls the run for its progress. The thread uses its own database connection."""
    from django.db import close_old_connections, connection

    def work() -> None:
        close_old_connections()
        try:
            with contextlib.suppress(Exception):  # already logged and recorded on the run
                import_file(source=source, path=path, run=run, replace=replace)
        finally:
            if delete_after:
                path.unlink(missing_ok=True)
            connection.close()

    thread = threading.Thread(target=work, name=f"import-{run.pk}", daemon=True)
    thread.start()
    return thread
