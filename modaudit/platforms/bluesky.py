"""Bluesky accounts, audited from the outside: an account's blocks, thread gates and post gates
are public records in its own repository (AT Protocol), read with no credential (atproto)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from modaudit.platforms.base import Platform
from modaudit.platforms.replies import REPLY_ACTORS, REPLY_WARNINGS

SITE = "https://bsky.app"


@dataclass(frozen=True)
class BlueskySettings:
    """The `[bluesky]` section: the public AppView, the PLC directory, and Jetstream (off: "")."""

    appview_url: str = "https://public.api.bsky.app"
    plc_url: str = "https://plc.directory"
    # e.g. "wss://jetstream2.us-east.bsky.network": `modaudit serve` follows the accounts' records.
    jetstream_url: str = ""


def _at_uri(value: str) -> tuple[str, str, str] | None:
    """(did, collection, rkey) of `at://did/collection/rkey`, or None."""
    if not value.startswith("at://"):
        return None
    parts = value[len("at://"):].split("/")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 and all(parts) else None


def web_url(value: str) -> str | None:
    """The bsky.app page of a DID, a post's or a list's at-uri; None for anything else."""
    if value.startswith("did:"):
        return f"{SITE}/profile/{quote(value, safe=':')}"
    parts = _at_uri(value)
    if parts is None:
        return None
    did, collection, rkey = parts
    page = {"app.bsky.feed.post": "post", "app.bsky.graph.list": "lists"}.get(collection)
    return f"{SITE}/profile/{quote(did, safe=':')}/{page}/{quote(rkey)}" if page else None


def variant(subject_id: str) -> str:
    """"list" for a moderation list's at-uri (a listblock's subject), else ""."""
    parts = _at_uri(subject_id)
    return "list" if parts and parts[1] == "app.bsky.graph.list" else ""


def link(kind: str, subject_id: str, post_id: str | None, handle: str,
         permalink: str | None) -> str | None:
    """The reply, post, blocked account or blocked list a finding is about, on bsky.app."""
    if kind.startswith("replies") and post_id:
        return web_url(post_id)
    return web_url(subject_id)


PLATFORM = Platform(
    name="bluesky", display="Bluesky", hooks="modaudit.intake.bluesky_platform",
    section="bluesky", base_url_key="appview_url", link=link, settings=BlueskySettings,
    account_id_shape=r"did:plc:[a-z2-7]{24}|did:web:[A-Za-z0-9.-]+(?::[0-9]+)?",
    account_id_hint=("the account's DID (did:plc:… or did:web:…), not its handle; `modaudit "
                     "check` shows both"),
    lists=("blocked",),
    # Only its author can delete a reply on Bluesky; the account can only hide it (thread gate).
    gone_kind="reply_deleted_by_author", gone_actor="author",
    unobservable={
        "tr": (
            "Sessize alma (mute) Bluesky'da gizlidir: sessize alınan hesaplar görülemez.",
            "Bluesky'ın kendi moderasyon etiketleri ve kaldırmaları hesabın işlemi değildir: "
            "bulgu sayılmaz.",
            "Bir yanıtı yalnızca yazarı silebilir: kaybolan yanıtlar kaydedilir, bulgu sayılmaz.",
            "Bir başlıkta 'bulunamadı' ya da 'engellendi' görünen bir yanıt okunamaz; ondan sonuç "
            "çıkarılmaz.",
        ),
        "en": (
            "Mutes are private on Bluesky: muted accounts cannot be seen.",
            "Bluesky's own moderation labels and takedowns are not the account's doing: they "
            "are never findings.",
            "Only its author can delete a reply: disappeared replies are recorded, never flagged.",
            "A reply a thread shows as 'not found' or 'blocked' cannot be read; nothing is "
            "inferred from it.",
        ),
    },
    # A thread gate's rules combine ("following,mention", "list:at://…"): each rule's "+" word
    # says who, joined into the "+" sentence (report/subjects.reply_setting).
    reply_settings_are_rules=True,
    reply_settings={
        "tr": {"nobody": "kimse yanıtlayamaz",
               "mention": "yalnızca gönderide anılanlar yanıtlayabilir",
               "following": "yalnızca hesabın takip ettikleri yanıtlayabilir",
               "follower": "yalnızca hesabın takipçileri yanıtlayabilir",
               "list": "yalnızca bir listedekiler yanıtlayabilir",
               "+mention": "gönderide anılanlar", "+following": "hesabın takip ettikleri",
               "+follower": "hesabın takipçileri", "+list": "bir listedekiler",
               "+": "yalnızca {who} yanıtlayabilir", "+and": "ve"},
        "en": {"nobody": "nobody can reply", "mention": "only accounts mentioned can reply",
               "following": "only accounts it follows can reply",
               "follower": "only its followers can reply",
               "list": "only members of a list can reply",
               "+mention": "accounts mentioned", "+following": "accounts it follows",
               "+follower": "its followers", "+list": "members of a list",
               "+": "only {who} can reply", "+and": "and"},
    },
    variant=variant,
    # Replies, not comments; accounts, not users; a blocked list is a list.
    words={
        "tr": {"comment": "yanıt", "author": "Yanıtı yazan", "comment_text": "Yanıt metni",
               "comment_id": "yanıt kimliği", "comments_n": "yanıt", "comments_of": "yanıtın",
               "user": "hesap", "user_label": "Hesap",
               "user@list": "moderasyon listesi", "user_label@list": "Liste",
               "person_head": "Yazan / hesap"},
        "en": {"comment": "reply", "author": "Reply by", "comment_text": "Reply text",
               "comment_id": "reply id", "comments_n": "replies", "comments_of": "replies",
               "user": "account", "user_label": "Account",
               "user@list": "moderation list", "user_label@list": "List",
               "person_head": "Author / account"},
    },
    actors=REPLY_ACTORS, warnings=REPLY_WARNINGS,
    sentences={
        "tr": {"user_blocked": "hesap engellendi",
               "user_blocked@list": "moderasyon listesi topluca engellendi",
               "user_unblocked": "hesabın engeli kaldırıldı",
               "user_unblocked@list": "moderasyon listesinin engeli kaldırıldı",
               "comment_hidden": "yanıt gizlendi (başlık kapısı)",
               "comment_unhidden": "gizlenen yanıt yeniden gösterildi (başlık kapısı)",
               "replies_restricted": "gönderiye kimlerin yanıt verebileceği daraltıldı",
               "replies_reopened": "gönderiye kimlerin yanıt verebileceği genişletildi",
               "quote_detached": "gönderiyi alıntılayan bir gönderi ayrıldı (gönderi kapısı)"},
        "en": {"user_blocked": "account blocked",
               "user_blocked@list": "moderation list blocked wholesale",
               "user_unblocked": "account unblocked",
               "user_unblocked@list": "moderation list unblocked",
               "comment_hidden": "reply hidden (thread gate)",
               "comment_unhidden": "hidden reply shown again (thread gate)",
               "replies_restricted": "who may reply to the post narrowed",
               "replies_reopened": "who may reply to the post widened",
               "quote_detached": "a quote of the post detached (post gate)"},
    },
)
