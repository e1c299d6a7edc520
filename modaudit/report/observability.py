"""What each platform does not let the audit observe (docs/architecture.md §2), in the report's
languages; the sentences are each platform's descriptor's (modaudit/platforms/).

Every report states these for each account, so that a clean report is never read as proof.
"""

from __future__ import annotations

from modaudit import platforms

LANGUAGES = ("tr", "en")

def unobservable(platform: str, language: str = "tr") -> list[str]:
    """What cannot be observed on `platform`, one sentence each, in `language` (tr or en)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    try:
        return list(platforms.get(platform).unobservable[language])
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}") from None
