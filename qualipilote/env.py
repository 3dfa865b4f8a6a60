"""Typed readers for environment variables that fail loudly on a bad value."""

import ipaddress
import os

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise RuntimeError(f"{name}={raw!r} : valeur booléenne attendue (true/false).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name}={raw!r} : nombre entier attendu.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEV_SECRET_KEY = "insecure-dev-key-change-me"  # noqa: S105 (development only, refused in production)
SECRET_KEY_MIN_LENGTH = 50


def env_secret_key(name: str, *, debug: bool) -> str:
    """The signing key. In development a fixed key may stand in; in production (debug off) a
    missing key, the development key or a short or repetitive one stops the start-up."""
    key = os.environ.get(name, "")
    if debug:
        return key or DEV_SECRET_KEY
    if not key:
        raise RuntimeError(f"{name} doit être défini quand DJANGO_DEBUG est faux.")
    if is_weak_secret_key(key):
        raise RuntimeError(
            f"{name} est trop faible pour la production : il faut au moins {SECRET_KEY_MIN_LENGTH} caractères "
            "aléatoires, par exemple la sortie de : python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return key


def is_weak_secret_key(key: str) -> bool:
    """Django's own deployment check (`security.W009`) plus the development key."""
    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or key == DEV_SECRET_KEY
        or len(set(key)) < 5
        or key.startswith("django-insecure-")
    )


def env_trusted_proxies(name: str) -> int | list[str] | None:
    """The reverse proxies in front of the app: None (none: REMOTE_ADDR is the client), a count
    of proxies, or their addresses or networks, one per proxy from the outermost to the one
    that connects to the app (docs/configuration.md)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return int(raw) or None
    entries = [item.strip() for item in raw.split(",")]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise RuntimeError(
                f"{name}={raw!r} : un nombre de relais, ou des adresses IP ou réseaux séparés par des virgules."
            ) from None
    return entries
