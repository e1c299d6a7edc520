"""The export's words: each finding kind said as what happened to what (a comment, a user or a
post), times in the configured zone with the zone named, and text made printable in the PDF's font.

One place for the PDF and the JSON, so both say the same and only what happened
(docs/architecture.md §3). Statuses and kinds are the portal's and the report's (modaudit/report/i18n.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from modaudit import platforms
from modaudit.report.i18n import format_datetime

# What a finding is about and a post's reply setting: the one table the portal and the report use.
from modaudit.report.subjects import (
    COMMENT,
    POST,
    QUOTE,
    USER,
    WORDS,
    reply_setting,
    subject_of,
    words_for,
)

__all__ = ["COMMENT", "POST", "QUOTE", "USER", "WORDS", "bracket", "moment", "platform_name",
           "printable", "record_label", "reply_setting", "subject_of", "unobservable_on",
           "what_happened", "words_for", "zone_name"]

# What happened, by kind, as the end of "<institution> kurumunun <platform> hesabında (<name>) …".
_SENTENCES = {
    "comment_hidden": "bir yorum gizlendi",
    "comment_unhidden": "gizlenmiş bir yorum yeniden gösterildi",
    "comment_deleted": "bir yorum silindi",
    "reply_deleted_by_author": "bir yanıtı kendi yazarı sildi",
    "user_blocked": "bir kullanıcı engellendi",
    "user_unblocked": "bir kullanıcının engeli kaldırıldı",
    "user_muted": "bir kullanıcı sessize alındı",
    "user_unmuted": "bir kullanıcının sessize alınması kaldırıldı",
    "replies_restricted": "bir gönderiye yanıt verilmesi kısıtlandı",
    "replies_reopened": "bir gönderi yeniden herkesin yanıtına açıldı",
    "quote_detached": "bir gönderiyi alıntılayan bir gönderi ayrıldı",
}
_ZONES = {"Europe/Istanbul": "Türkiye saati", "UTC": "UTC"}
RECORD_WORDS = {"finding_opened": "bulgu açıldı", "finding_closed": "bulgu kapandı",
                "finding_reviewed": "bulgu incelendi", "severity_changed": "önem derecesi değişti",
                "attachment": "inceleme eki", "comment_texts": "yorum metinlerinin özetleri"}
EMOJI = "[emoji]"
# Characters that only shape the emoji before them: zero-width joiner, variation selectors, skin
# tones, tags, the keycap.
_JOINERS = frozenset([0x200D, *range(0xFE00, 0xFE10), *range(0x1F3FB, 0x1F400),
                      *range(0xE0020, 0xE0080), 0x20E3])


def platform_name(platform: str) -> str:
    """The platform as its owner writes it (Facebook, X, Instagram, YouTube)."""
    return platforms.display(platform)


def unobservable_on(platform: str) -> list[str]:
    """What `platform` does not let the audit observe, in Turkish (none for an unknown one)."""
    described = platforms.REGISTRY.get(platform)
    return list(described.unobservable.get("tr", ())) if described else []


def what_happened(institution: str, platform: str, account: str, kind: str,
                  subject_id: str = "") -> str:
    """One sentence: on which account, what happened (nothing about whom or what else), in the
    platform's own words where it has them (its descriptor's `sentences`)."""
    described = platforms.REGISTRY.get(platform)
    own = described.sentence("tr", kind, subject_id) if described else None
    done = own or _SENTENCES.get(kind, kind)
    return f"{institution} kurumunun {platform_name(platform)} hesabında ({account}) {done}."


def zone_name(tz: ZoneInfo) -> str:
    """The zone as a reader says it: "Türkiye saati" for Europe/Istanbul."""
    return _ZONES.get(tz.key, f"{tz.key} saat dilimi")


def moment(value: datetime, tz: ZoneInfo) -> str:
    """An instant in `tz`, the zone named: "2 Mart 2026 05:30 (Türkiye saati)"."""
    return f"{format_datetime(value, 'tr', tz)} ({zone_name(tz)})"


def bracket(after: datetime | None, before: datetime, tz: ZoneInfo) -> str:
    """When it happened: an instant as an instant, a bracket as a range, an open start as "en geç"."""
    last = format_datetime(before, "tr", tz)
    if after is None:
        return f"en geç {last} ({zone_name(tz)})"
    first = format_datetime(after, "tr", tz)
    if first == last:  # one instant (a webhook's time), or a bracket within the same minute
        return f"{last} ({zone_name(tz)})"
    return f"{first} ile {last} arasında ({zone_name(tz)})"


def record_label(kind: str, record_id: int, finding_id: int | None) -> str:
    """A chained record in words: "kayıt 7: bulgu incelendi (bulgu 3)"."""
    suffix = f" (bulgu {finding_id})" if finding_id else ""
    return f"kayıt {record_id}: {RECORD_WORDS.get(kind, kind)}{suffix}"


def _emoji_like(char: str) -> bool:
    return ord(char) >= 0x1F000 or unicodedata.category(char) in ("So", "Sk", "Cn")


def printable(text: str, has_glyph: Callable[[int], bool]) -> str:
    """`text` with each emoji the font cannot draw written "[emoji]" (its joiners and modifiers
    dropped with it), and any other missing character "[?]"; the exact text is in the package."""
    out: list[str] = []
    in_emoji = after_joiner = False
    regional = 0  # a flag is two regional indicators: one "[emoji]"
    for char in text:
        code = ord(char)
        if in_emoji and (code in _JOINERS or after_joiner or (0x1F1E6 <= code <= 0x1F1FF
                                                              and regional % 2 == 1)):
            after_joiner = code == 0x200D
            regional += 0x1F1E6 <= code <= 0x1F1FF
            continue
        regional = 1 if 0x1F1E6 <= code <= 0x1F1FF else 0
        after_joiner = False
        if code in _JOINERS and not has_glyph(code):
            continue  # invisible anyway: a variation selector or joiner the font lacks
        if has_glyph(code):
            out.append(char)
            in_emoji = False
        elif _emoji_like(char):
            out.append(EMOJI)
            in_emoji = True
        else:
            out.append("[?]")
            in_emoji = False
    return "".join(out)
