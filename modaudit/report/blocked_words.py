"""Who or what is on a block list, in its platform's words: a Facebook or X user, a Bluesky
account (handle, DID, its bsky.app page) or a whole Bluesky moderation list (its list page).

One place for the weekly report's "currently blocked" section, the portal's /engellenenler page
and its CSV, so that none of them calls a moderation list "kullanıcı id at://…".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from modaudit import platforms
from modaudit.report import i18n
from modaudit.report.subjects import WORDS, words_for

# The lists' headings. A list of users only keeps the report's words for them (i18n.LABELS
# "blocked", "blocked_now"); once an entry is an account or a moderation list, the heading names no
# kind of its own ("currently blocked").
_HEADINGS: dict[str, dict[str, str]] = {
    "tr": {"title": "Şu an engellenenler", "count": "Şu an engellenen", "head": "Engellenen",
           "head_users": "Kullanıcı"},
    "en": {"title": "Currently blocked", "count": "Currently blocked", "head": "Blocked",
           "head_users": "User"},
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
    table = _HEADINGS[language]
    if all(entry.what == generic for entry in entries):
        labels = i18n.LABELS[language]
        return {"title": labels["blocked"], "count": labels["blocked_now"],
                "head": table["head_users"]}
    return {key: table[key] for key in ("title", "count", "head")}
