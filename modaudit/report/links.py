"""Links from a finding to what it is about on the platform, built from the ids the store keeps.

One place for the web portal, the weekly report and alerts; each platform's own rule is its
descriptor's `link` (modaudit/platforms/). A link is a convenience for the reader, never evidence:
a deleted comment's link opens its post, where the comment is missing.
"""

from __future__ import annotations

from modaudit import platforms


def platform_url(platform: str, kind: str, *, subject_id: str, post_id: str | None,
                 handle: str = "", permalink: str | None = None) -> str | None:
    """The platform page a finding of `kind` is about, or None when the ids cannot make one.

    `permalink`: the post's address as the platform gave it (Instagram's, store/permalinks.py).
    """
    described = platforms.REGISTRY.get(platform)
    if described is None:
        return None
    return described.link(kind, subject_id, post_id, handle, permalink)
