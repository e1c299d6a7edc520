"""X accounts, read with the account's own user-context credentials over API v2 (tweepy)."""

from __future__ import annotations

from urllib.parse import quote

from modaudit.platforms.base import Platform
from modaudit.platforms.replies import REPLY_ACTORS, REPLY_WARNINGS

SITE = "https://x.com"
OAUTH1_KEYS = ("consumer_key_env", "consumer_secret_env", "access_token_env",
               "access_token_secret_env")


def link(kind: str, subject_id: str, post_id: str | None, handle: str,
         permalink: str | None) -> str | None:
    """The reply, the post or the user a finding is about."""
    # A reply is another user's post: /i/web/status/{id} opens any post without its author.
    if kind.startswith("comment") or kind == "reply_deleted_by_author":
        return f"{SITE}/i/web/status/{quote(subject_id)}"
    if kind.startswith("replies") and post_id:
        who = quote(handle) if handle else "i/web"
        return f"{SITE}/{who}/status/{quote(post_id)}"
    if kind.startswith("user"):
        return f"{SITE}/i/user/{quote(subject_id)}"
    return None


PLATFORM = Platform(
    latency="latency_x",
    name="x", display="X", hooks="modaudit.intake.x_platform",
    section="x", base_url_key="api_base_url", link=link,
    secret_keys=("bearer_token_env", *OAUTH1_KEYS),
    credential_sets=(OAUTH1_KEYS, ("bearer_token_env",)),
    credential_hint=("an X account needs consumer_key_env, consumer_secret_env, access_token_env "
                     "and access_token_secret_env (OAuth 1.0a), or bearer_token_env holding an "
                     "OAuth 2.0 user-context token of the account itself"),
    lists=("blocked", "muted"), gone_kind="reply_deleted_by_author", gone_actor="author",
    purge_text_on_gone=True, moderation_observable=False, billing="resources",
    unobservable={
        "tr": (
            "Gizlenen yanıtlar X API'si üzerinden okunamaz.",
            "Bir yanıtı yalnızca yazarı veya X silebilir: kaybolan yanıtlar kaydedilir, bulgu "
            "sayılmaz.",
            "Engelleme ve sessize alma listeleri tarih içermez: zaman, iki denetim arasındaki bir "
            "aralık olarak bilinir.",
            "X'in son 7 günlük araması daha eski yanıtları bulmaz: 7 günden eski yanıtlar "
            "yeniden listelenemez.",
        ),
        "en": (
            "Hidden replies cannot be read through the X API.",
            "Only the author or X can delete a reply: disappeared replies are recorded, never "
            "flagged.",
            "Block and mute lists carry no dates: a block's time is known only as the interval "
            "between two audits.",
            "Recent search covers only the last 7 days: older replies cannot be listed again.",
        ),
    },
    # A reply is its author's own post: only its author (or X) deletes it.
    # A reply is its author's own post: only its author (or X) deletes it.
    actors=REPLY_ACTORS, warnings=REPLY_WARNINGS,
    reply_settings={
        "tr": {"following": "yalnızca hesabın takip ettikleri yanıtlayabilir",
               "mentionedUsers": "yalnızca gönderide anılanlar yanıtlayabilir",
               "subscribers": "yalnızca aboneler yanıtlayabilir",
               "verified": "yalnızca onaylı hesaplar yanıtlayabilir"},
        "en": {"following": "only accounts it follows can reply",
               "mentionedUsers": "only accounts mentioned in the post can reply",
               "subscribers": "only subscribers can reply",
               "verified": "only verified accounts can reply"},
    },
)
