"""Instagram professional accounts, read with the linked Page's token over the Graph API."""

from __future__ import annotations

from urllib.parse import quote

from modaudit.platforms.base import Platform

SITE = "https://www.instagram.com"


def link(kind: str, subject_id: str, post_id: str | None, handle: str,
         permalink: str | None) -> str | None:
    """The media's stored permalink (it opens the comments), else the profile."""
    # Media URLs use a shortcode the Graph id does not give: the post's stored permalink opens the
    # post; without one, the profile is the nearest page.
    if permalink and permalink.startswith(f"{SITE}/"):
        return permalink
    return f"{SITE}/{quote(handle)}/" if handle else None


PLATFORM = Platform(
    latency="latency_graph",
    name="instagram", display="Instagram", hooks="modaudit.intake.graph_platform",
    section="facebook", base_url_key="graph_base_url", link=link,
    secret_keys=("page_token_env",), credential_sets=(("page_token_env",),),
    credential_hint="page_token_env: required for platform 'instagram'",
    webhook_object="instagram",
    unobservable={
        "tr": (
            "Instagram API'sinde engellenen kullanıcılar listesi yoktur: engellemeler "
            "gözlemlenemez.",
            "Kısıtlanan kullanıcıların yorumları API tarafından döndürülmez.",
        ),
        "en": (
            "The Instagram API has no block list: blocked users cannot be observed.",
            "Comments from restricted users are not returned by the API.",
        ),
    },
    reply_settings={
        "tr": {"comments_disabled": "yorumlar kapalı"},
        "en": {"comments_disabled": "comments turned off"},
    },
)
