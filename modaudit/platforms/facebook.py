"""Facebook Pages, read with a Page token over the Graph API (facebook-sdk)."""

from __future__ import annotations

from urllib.parse import quote

from modaudit.platforms.base import Platform

SITE = "https://www.facebook.com"


def link(kind: str, subject_id: str, post_id: str | None, handle: str,
         permalink: str | None) -> str | None:
    """The Page's post, opened at the comment a finding is about."""
    # Graph post ids are "{page}_{post}" and open as www.facebook.com/{id}; a comment id is
    # "{post}_{comment}", shown on its post with ?comment_id={comment}.
    if kind.startswith("comment") and post_id:
        comment = subject_id.rsplit("_", 1)[-1]
        return f"{SITE}/{quote(post_id)}?comment_id={quote(comment)}"
    if kind.startswith("replies") and post_id:
        return f"{SITE}/{quote(post_id)}"
    return None  # the ban list gives Page-scoped user ids, which have no public page


PLATFORM = Platform(
    latency="latency_graph",
    name="facebook", display="Facebook", hooks="modaudit.intake.graph_platform",
    section="facebook", base_url_key="graph_base_url", link=link,
    secret_keys=("page_token_env",), credential_sets=(("page_token_env",),),
    credential_hint="page_token_env: required for platform 'facebook'",
    lists=("blocked",), webhook_object="page",
    unobservable={
        "tr": (
            "Kaybolan bir yorumu sayfanın mı, yazarının mı yoksa Facebook'un mu kaldırdığı API'de "
            "görünmez: işlemi yapan bilinmez.",
            "Yasaklı kullanıcılar listesi tarih içermez: bir yasağın zamanı, iki denetim "
            "arasındaki bir aralık olarak bilinir.",
        ),
        "en": (
            "A comment that disappeared may have been removed by the page, by its author or by "
            "Facebook: the API does not say who (actor unknown).",
            "The ban list carries no dates: a ban's time is known only as the interval between "
            "two audits.",
        ),
    },
)
