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
