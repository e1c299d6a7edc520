"""The export's words: what the PDF and JSON say of a time, a kind and text the font lacks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from modaudit.evidence import words

ISTANBUL = ZoneInfo("Europe/Istanbul")
T = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)  # 15:00 in Istanbul
# As DejaVu Sans and reportlab's ToUnicode map allow: the Basic Multilingual Plane, not 🌉 or 👍.
DRAWN = frozenset(range(0x10000)) - {0xFE0F, 0x200D}


def test_an_instant_is_one_time_with_its_zone_named() -> None:
    assert words.bracket(T, T, ISTANBUL) == "19 Kasım 2026 15:00 (Türkiye saati)"
    # Seconds apart within one minute: still one time, never "15:00 ile 15:00 arasında".
    assert words.bracket(T, T + timedelta(seconds=20), ISTANBUL) == \
        "19 Kasım 2026 15:00 (Türkiye saati)"


def test_a_bracket_is_a_range_and_an_open_start_a_latest_time() -> None:
    assert words.bracket(T - timedelta(days=1), T, ISTANBUL) == \
        "18 Kasım 2026 15:00 ile 19 Kasım 2026 15:00 arasında (Türkiye saati)"
    assert words.bracket(None, T, ISTANBUL) == "en geç 19 Kasım 2026 15:00 (Türkiye saati)"
    assert words.bracket(T, T, ZoneInfo("UTC")) == "19 Kasım 2026 12:00 (UTC)"


@pytest.mark.parametrize(("kind", "subject", "sentence"), [
    ("replies_restricted", words.POST, "bir gönderiye yanıt verilmesi kısıtlandı"),
    ("user_blocked", words.USER, "bir kullanıcı engellendi"),
    ("user_muted", words.USER, "bir kullanıcı sessize alındı"),
    ("comment_hidden", words.COMMENT, "bir yorum gizlendi"),
    ("comment_deleted", words.COMMENT, "bir yorum silindi"),
])
def test_each_kind_is_about_its_own_subject(kind: str, subject: str, sentence: str) -> None:
    assert words.subject_of(kind) == subject
    assert words.what_happened("Kurum", "x", "hesap", kind) == \
        f"Kurum kurumunun X hesabında (hesap) {sentence}."


@pytest.mark.parametrize(("text", "shown"), [
    ("köprü 3 aydır bitmedi 🌉", "köprü 3 aydır bitmedi [emoji]"),
    ("güzel 👍🏽 oldu", "güzel [emoji] oldu"),  # the skin tone goes with its emoji
    ("aile 👨\u200d👩\u200d👧 geldi", "aile [emoji] geldi"),  # one joined emoji, one mark
    ("🇹🇷🇹🇷", "[emoji][emoji]"),  # two flags, each two regional indicators
    ("kalp ❤\ufe0f", "kalp ❤"),  # drawn; its variation selector is not
    ("Ünlü İğdır şehri", "Ünlü İğdır şehri"),
    ("𝒜 harfi", "[?] harfi"),  # a missing letter is not called an emoji
])
def test_what_the_font_cannot_draw_is_named(text: str, shown: str) -> None:
    assert words.printable(text, DRAWN.__contains__) == shown
