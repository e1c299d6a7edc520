"""One descriptor per platform: what the rest of modaudit asks of a platform, in one place.

Each platform is a module here holding a `Platform` (its names, what it lets the audit observe,
its words, its links, how its reads are counted) and naming, by dotted path, the intake module
that builds its collector, probes its token and advises on its failures. A new platform adds its
collector package, its simulator folder, one module here and one line in `REGISTRY`
(docs/architecture.md §4).

This layer is data: it imports nothing of modaudit, so configuration, analysis, the report and
the portal can all read it.
"""

from __future__ import annotations

from modaudit.platforms import bluesky, facebook, instagram, x, youtube
from modaudit.platforms.base import LinkBuilder, Platform

__all__ = ["NAMES", "REGISTRY", "LinkBuilder", "Platform", "display", "get", "secret_keys",
           "with_billing"]

# One line per platform, in the order reports list them.
REGISTRY: dict[str, Platform] = {p.name: p for p in (
    x.PLATFORM, facebook.PLATFORM, instagram.PLATFORM, youtube.PLATFORM, bluesky.PLATFORM)}
NAMES: tuple[str, ...] = tuple(REGISTRY)


def get(name: str) -> Platform:
    """The descriptor of platform `name`; KeyError names the known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown platform {name!r} (known: {', '.join(NAMES)})") from None


def display(name: str) -> str:
    """The platform as its owner writes it; an unknown name as given."""
    platform = REGISTRY.get(name)
    return platform.display if platform else name


def with_billing(billing: str) -> tuple[str, ...]:
    """Names of the platforms whose reads are counted this way."""
    return tuple(p.name for p in REGISTRY.values() if p.billing == billing)


def secret_keys() -> tuple[str, ...]:
    """Every account key, over all platforms, that names a secret's variable."""
    return tuple(dict.fromkeys(key for p in REGISTRY.values() for key in p.secret_keys))
