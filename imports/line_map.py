"""Line maps: which line or service each value of the file's line field belongs to.

A source's `line_map` is `{"value in the file": "code"}`: keys are exact values, or prefixes
ending with "*"; the key "*" alone is the default; a code "" leaves the rows of that value
aside (a line the town does not follow). An importer resolves each code once, in `prepare`,
to what it stores (ids, opening minutes); the `LineMap` is then plain data that a reading
process can receive."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from imports.kinds import ImportConfigError

if TYPE_CHECKING:
    from core.models import Organisation

IGNORE = ""  # a line_map value that leaves the rows of that line aside
DEFAULT_KEY = "*"  # the line_map key used for every value not listed


class LineMap:
    """Resolves the value of the line field ("0130000001", "from-trunk", "SIP/accueil-00a1")
    to what the importer stores. Keys are exact values, or prefixes ending with "*"; the key
    "*" alone is the default. A value mapped to "" is left aside (a line not followed).
    Plain data once built, so that a reading process can receive it."""

    REJECT = "rejet"  # a string, not an object(): it must stay equal once sent to another process

    def __init__(self, mapping: dict[str, str], resolve: Callable[[str], Any]) -> None:
        self._exact: dict[str, Any] = {}
        self._prefixes: list[tuple[str, Any]] = []
        self._default: Any = self.REJECT
        for key, code in mapping.items():
            target = None if code == IGNORE else resolve(code)
            if key == DEFAULT_KEY:
                self._default = target
            elif key.endswith("*"):
                self._prefixes.append((key[:-1], target))
            else:
                self._exact[key] = target
        self._prefixes.sort(key=lambda item: -len(item[0]))
        self.seen: dict[str, Any] = dict(self._exact)  # every value met, resolved: hot loops read it first

    def get(self, value: str) -> Any:
        """The target, None to leave the row aside, or LineMap.REJECT."""
        found = self.seen.get(value, self)
        if found is self:
            found = self._resolve(value)
            if len(self.seen) < 100_000:
                self.seen[value] = found
        return found

    def _resolve(self, value: str) -> Any:
        stripped = value.strip()
        if stripped in self._exact:
            return self._exact[stripped]
        for prefix, target in self._prefixes:
            if stripped.startswith(prefix):
                return target
        return self._default


def source_line_map(line_map: dict[str, Any] | None, resolve: Callable[[str], Any], *, empty: str) -> LineMap:
    """The LineMap of a source's `line_map`, each code resolved once; ImportConfigError with
    the French message `empty` when the source maps nothing."""
    mapping = {str(key): str(value) for key, value in (line_map or {}).items()}
    if not mapping:
        raise ImportConfigError(empty)
    return LineMap(mapping, resolve)


def service_targets(organisation: Organisation) -> list[tuple[str, str]]:
    """What a line map of services may name (a KindSpec's `targets`): the town's service codes."""
    from core.models import Service

    services = Service.objects.for_org(organisation).select_related("site")
    return [(service.code, f"service « {service.name} » ({service.site.name})") for service in services]


def service_line_map(organisation: Organisation, line_map: dict[str, Any] | None, *, empty: str) -> LineMap:
    """The LineMap of a source whose line map names the town's services: each value goes to
    (site id, service id); a code that is not one of the town's services is an ImportConfigError
    (a source received from another town)."""
    from core.models import Service

    services = {service.code: service for service in Service.objects.for_org(organisation)}

    def resolve(code: str) -> tuple[int, int]:
        service = services.get(code)
        if service is None:
            raise ImportConfigError(f"La correspondance renvoie vers « {code} », qui n'est pas un service de la ville.")
        return (service.site_id, service.pk)

    return source_line_map(line_map, resolve, empty=empty)
