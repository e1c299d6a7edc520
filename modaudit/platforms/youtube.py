"""YouTube channels, read with the owner's OAuth refresh token over the Data API v3
(google-api-python-client)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from modaudit.platforms.base import Platform

SITE = "https://www.youtube.com"
OAUTH_KEYS = ("client_id_env", "client_secret_env", "refresh_token_env")


@dataclass(frozen=True)
class YouTubeSettings:
    """The `[youtube]` section: where Google's API and token endpoint answer, and the day's quota."""

    api_base_url: str = "https://www.googleapis.com"
    token_uri: str = "https://oauth2.googleapis.com/token"
    # Units a Google Cloud project may spend a day (10,000 by default, reset at midnight Pacific).
    daily_quota_units: int = 10000


def link(kind: str, subject_id: str, post_id: str | None, handle: str,
         permalink: str | None) -> str | None:
    """The video, opened at the comment (`&lc=`) a finding is about."""
    if not post_id:
        return None
    video = f"{SITE}/watch?v={quote(post_id)}"
    if kind.startswith("comment"):
        return f"{video}&lc={quote(subject_id)}"
    return video


PLATFORM = Platform(
    latency="latency_youtube",
    name="youtube", display="YouTube", hooks="modaudit.intake.youtube_platform",
    section="youtube", base_url_key="api_base_url", link=link,
    secret_keys=OAUTH_KEYS, credential_sets=(OAUTH_KEYS,),
    credential_hint=("a YouTube account needs client_id_env, client_secret_env and "
                     "refresh_token_env: the channel owner's OAuth client and refresh token "
                     "(see the README, 'YouTube')"),
    # Rejected by the channel or deleted by its author: YouTube answers both alike.
    gone_kind="comment_deleted", gone_actor="unknown", replies_go_with_parent=True,
    first_seen_hidden_is_finding=False, billing="units", settings=YouTubeSettings,
    account_id_shape=r"UC[A-Za-z0-9_-]{22}",
    account_id_hint=("the channel id: UC and 22 letters, digits, - or _ (YouTube Studio → "
                     "Settings → Channel → Advanced settings), not the @handle"),
    unobservable={
        "tr": (
            "Kaybolan bir yorumu kanalın mı reddettiği yoksa yazarının mı sildiği YouTube API'sinde "
            "ayırt edilemez: işlemi yapan bilinmez, bulgu incelenmek üzere işaretlenir.",
            "Kanalın gizlediği (yasakladığı) kullanıcılar API'den listelenemez: yasaklar "
            "gözlemlenemez; yasaklı bir kullanıcının yeni yorumları sessizce reddedilir.",
            "YouTube'un kendi filtresinin, denetim yorumu yayında görmeden önce spam olarak "
            "ayırdığı yorumlar durum olarak kaydedilir, bulgu sayılmaz.",
            "YouTube yorumlar için anlık bildirim göndermez: değişiklikler yalnızca gece "
            "denetimlerinde görülür.",
            "Günlük kota aşılırsa o gece kalan videoların yorumları okunmaz; okunmayan videodan "
            "hiçbir sonuç çıkarılmaz.",
        ),
        "en": (
            "Whether the channel rejected a comment that disappeared or its author deleted it "
            "cannot be told apart through the YouTube API: the actor is unknown, and the finding "
            "is marked for review.",
            "The users the channel hid (banned) cannot be listed through the API: bans cannot be "
            "observed, and a banned user's new comments are rejected silently.",
            "Comments YouTube's own filter put aside as likely spam before the audit saw them "
            "published are recorded as state, never as findings.",
            "YouTube sends no notification for comments: changes are seen only by the nightly "
            "audits.",
            "When the daily quota runs out, the remaining videos' comments are not read that "
            "night, and nothing is inferred from a video not read.",
        ),
    },
    reply_settings={
        "tr": {"comments_disabled": "yorumlar kapalı", "everyone": "yorumlar açık"},
        "en": {"comments_disabled": "comments turned off", "everyone": "comments on"},
    },
    # A channel's posts are videos; a held comment is not hidden by a flag but kept for review.
    words={
        "tr": {"post": "video", "post_label": "Video", "post_text": "Video başlığı",
               "on_post": "Videosu", "published": "Yayımlandığı zaman",
               "reply_setting": "Yorumlar", "published_head": "Video zamanı",
               "setting_head": "Yorumlar"},
        "en": {"post": "video", "post_label": "Video", "post_text": "Video title",
               "on_post": "On video", "reply_setting": "Comments",
               "published_head": "Video published", "setting_head": "Comments"},
    },
    warnings={
        "tr": {"posts_incomplete": "Kanalın video listesi tam alınamadı; silme sonucu "
                                   "çıkarılmadı.",
               "listing_incomplete": "Bazı videoların yorumları tam alınamadı; bu videolarda "
                                     "silme sonucu çıkarılmadı."},
        "en": {"posts_incomplete": "The channel's video list was incomplete; no deletion was "
                                   "inferred.",
               "listing_incomplete": "Some videos' comments were listed incompletely; no "
                                     "deletion was inferred on them."},
    },
    sentences={
        "tr": {"comment_hidden": "yorum incelemeye alındı (herkese görünmüyor)",
               "comment_unhidden": "incelemedeki yorum yayımlandı",
               "comment_deleted": "yorum kaldırıldı (kanal reddetmiş ya da yazarı silmiş olabilir)",
               "replies_restricted": "videoda yorumlar kapatıldı",
               "replies_reopened": "videoda yorumlar yeniden açıldı"},
        "en": {"comment_hidden": "comment held for review (hidden from the public)",
               "comment_unhidden": "held comment published",
               "comment_deleted": "comment removed (rejected by the channel or deleted by its "
                                  "author)",
               "replies_restricted": "comments turned off on the video",
               "replies_reopened": "comments turned back on on the video"},
    },
)
