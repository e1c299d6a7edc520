"""What each platform does not let the audit observe (docs/architecture.md §2), in the report's languages.

Every report states these for each account, so that a clean report is never read as proof.
"""

from __future__ import annotations

LANGUAGES = ("tr", "en")

_LIMITS: dict[str, dict[str, tuple[str, ...]]] = {
    "facebook": {
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
    "x": {
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
    "instagram": {
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
}


def unobservable(platform: str, language: str = "tr") -> list[str]:
    """What cannot be observed on `platform`, one sentence each, in `language` (tr or en)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    try:
        return list(_LIMITS[platform][language])
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}") from None
