"""Who or what is on a block list, in its platform's words: a Facebook or X user, a Bluesky
account (handle, DID, its bsky.app page) or a whole Bluesky moderation list (its list page).

One place for the weekly report's "currently blocked" section, the portal's /engellenenler page
and its CSV, so that none of them calls a moderation list "kullanıcı id at://…".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from modaudit import platforms
from modaudit.report.subjects import WORDS, words_for

# The lists' headings. A list of one platform's users keeps the old words; once an entry is an
# account or a moderation list, the heading names no kind of its own ("currently blocked").
_HEADINGS: dict[str, dict[str, str]] = {
    "tr": {"title_users": "Şu an engellenmiş kullanıcılar", "title": "Şu an engellenenler",
           "count_users": "Engellenmiş kullanıcı", "count": "Şu an engellenen",
           "head_users": "Kullanıcı", "head": "Engellenen"},
    "en": {"title_users": "Users currently blocked", "title": "Currently blocked",
           "count_users": "Users currently blocked", "count": "Currently blocked",
           "head_users": "User", "head": "Blocked"},
}


@dataclass(frozen=True)
class BlockedEntry:
    """One block list entry in words: what it is ("hesap", "moderasyon listesi"), its name or
    None, its id, and its page on the platform where the ids make one."""

    what: str
    label: str  # the same as a line's label: "Kullanıcı", "Hesap", "Liste"
    name: str | None
    id: str
    id_word: str  # "kimlik"
    no_name: str  # what stands for a name the list did not give
    link: str | None


def blocked_entry(user_id: str, user_name: str | None, platform: str | None,
                  language: str, handle: str = "") -> BlockedEntry:
    """A block list entry of an account on `platform`, in that platform's words."""
    words = words_for(language, platform, user_id)
    described = platforms.REGISTRY.get(platform or "")
    link = described.link("user_blocked", user_id, None, handle, None) if described else None
    return BlockedEntry(what=words["user"], label=words["user_label"], name=user_name or None,
                        id=user_id, id_word=words["id"], no_name=words["no_name"],
                        link=link)


def headings(entries: Iterable[BlockedEntry], language: str) -> dict[str, str]:
    """The section's title, its count's label and its column head, for these entries."""
    generic = WORDS[language]["user"]
    only_users = all(entry.what == generic for entry in entries)
    table, suffix = _HEADINGS[language], "_users" if only_users else ""
    return {key: table[f"{key}{suffix}"] for key in ("title", "count", "head")}
