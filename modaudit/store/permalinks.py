"""Where a post is on the platform when its id cannot say: Instagram media are addressed by a
shortcode the Graph id does not give, so the `permalink` the platform sent with the post is kept."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from modaudit.store.schema import Account, Post

INSTAGRAM_PAGES = "https://www.instagram.com/"
CHUNK = 300


def instagram_permalinks(session: Session,
                         posts: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str], str]:
    """The Instagram address of each (account name, post id) asked for that the store knows."""
    wanted = sorted({(account, post) for account, post in posts if post})
    found: dict[tuple[str, str], str] = {}
    for start in range(0, len(wanted), CHUNK):
        for account, post_id, raw in session.execute(
                select(Account.name, Post.platform_id, Post.raw)
                .join(Account, Account.id == Post.account_id)
                .where(Account.platform == "instagram",
                       tuple_(Account.name, Post.platform_id).in_(wanted[start:start + CHUNK]))):
            link = (raw or {}).get("permalink")
            # Only an address on Instagram's own site is followed (the payload is not ours).
            if isinstance(link, str) and link.startswith(INSTAGRAM_PAGES):
                found[(account, post_id)] = link
    return found
