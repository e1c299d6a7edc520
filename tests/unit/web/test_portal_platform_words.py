"""The portal's overview names the oldest open finding's kind in its platform's words (a YouTube
comment held for review, a Bluesky moderation list blocked), as the weekly e-mail does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from modaudit.store.portal_queries import Oldest, Overview
from modaudit.web.portal.pages import _todo

NOW = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
LIST = "at://did:plc:4ksjwqf2b3tdm6xjw5gqoyzl/app.bsky.graph.list/3kbqnzb7vv22e"
SEEN = {"blind_lines": [], "blind_all": False}


def _oldest(kind: str, platform: str | None, subject_id: str) -> list[str]:
    data = Overview(open_total=3, oldest=Oldest(4, kind, "hesap", NOW - timedelta(days=2),
                                                platform, subject_id))
    return _todo(data, SEEN, "tr", NOW)


def test_the_oldest_finding_is_said_in_its_platforms_words() -> None:
    assert _oldest("user_blocked", "bluesky", LIST)[1] == (
        "En eskisi 2 gündür bekliyor: #4, moderasyon listesi topluca engellendi (hesap).")
    assert _oldest("comment_hidden", "youtube", "UgzKx3Ff1bqTm8NnQ5p4AaABAg")[1] == (
        "En eskisi 2 gündür bekliyor: #4, yorum incelemeye alındı (herkese görünmüyor) (hesap).")
    assert _oldest("comment_hidden", "facebook", "1_2")[1].endswith("yorum gizlendi (hesap).")
