"""Links from a finding to what it is about on the platform, built from the ids the store keeps.

One place for the web portal, the weekly report and alerts. A link is a convenience for the
reader, never evidence: a deleted comment's link opens its post, where the comment is missing.
"""

from __future__ import annotations

from urllib.parse import quote

FACEBOOK = "https://www.facebook.com"
X = "https://x.com"
INSTAGRAM = "https://www.instagram.com"


def platform_url(platform: str, kind: str, *, subject_id: str, post_id: str | None,
                 handle: str = "", permalink: str | None = None) -> str | None:
    """The platform page a finding of `kind` is about, or None when the ids cannot make one.

    `permalink`: the post's address as the platform gave it (Instagram's, store/permalinks.py).
    """
    if platform == "facebook":
        return _facebook(kind, subject_id, post_id)
    if platform == "x":
        return _x(kind, subject_id, post_id, handle)
    if platform == "instagram":
        # Media URLs use a shortcode the Graph id does not give: the post's stored permalink
        # opens the post (and its comments); without one, the profile is the nearest page.
        if permalink and permalink.startswith(f"{INSTAGRAM}/"):
            return permalink
        return f"{INSTAGRAM}/{quote(handle)}/" if handle else None
    return None


def _facebook(kind: str, subject_id: str, post_id: str | None) -> str | None:
    # Graph post ids are "{page}_{post}" and open as www.facebook.com/{id}; a comment id is
    # "{post}_{comment}", shown on its post with ?comment_id={comment}.
    if kind.startswith("comment") and post_id:
        comment = subject_id.rsplit("_", 1)[-1]
        return f"{FACEBOOK}/{quote(post_id)}?comment_id={quote(comment)}"
    if kind.startswith("replies") and post_id:
        return f"{FACEBOOK}/{quote(post_id)}"
    if kind.startswith("user"):
        return None  # the ban list gives Page-scoped user ids, which have no public page
    return None


def _x(kind: str, subject_id: str, post_id: str | None, handle: str) -> str | None:
    # A reply is another user's post: /i/web/status/{id} opens any post without its author.
    if kind.startswith("comment") or kind == "reply_deleted_by_author":
        return f"{X}/i/web/status/{quote(subject_id)}"
    if kind.startswith("replies") and post_id:
        who = quote(handle) if handle else "i/web"
        return f"{X}/{who}/status/{quote(post_id)}"
    if kind.startswith("user"):
        return f"{X}/i/user/{quote(subject_id)}"
    return None
