"""A fresh database for a benchmark on the PostgreSQL server that DATABASE_URL names (the
throwaway cluster of .ci/postgres.sh under `make bench-…-postgres`). Not a benchmark itself:
`make bench-quick` runs the bench/*.py files whose name does not start with "_"."""

from __future__ import annotations

import os


def fresh_database(name: str, *, make_target: str) -> str:
    """The URL of database `name`, dropped if it exists and created empty; a French stop when
    DATABASE_URL names no PostgreSQL server (`make_target` says what to run instead)."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"--postgres demande DATABASE_URL vers un serveur PostgreSQL : lancez `make {make_target}`.")
    import psycopg

    base = server.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]
        connection.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    return f"{base}/{name}"
