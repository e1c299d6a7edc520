"""The YouTube collector's pure parts: the quota's reset and cap, the refresh errors' wording, and
the package staying free of Google's libraries until a collector is built."""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collectors.records import AuthFailed
from collectors.youtube.errors import translate_http, translate_refresh
from collectors.youtube.payloads import parse_time, transform_video
from collectors.youtube.quota import AllowanceSpent, UnitCap, next_reset, units_of
from tests.fixtures import load

PACKAGE = Path(__file__).resolve().parents[3] / "collectors" / "youtube"


@pytest.mark.parametrize(("now", "reset"), [
    (datetime(2026, 12, 6, 3, 0, tzinfo=UTC), "2026-12-06T08:00:00+00:00"),  # PST: UTC-8
    (datetime(2026, 12, 6, 8, 0, tzinfo=UTC), "2026-12-07T08:00:00+00:00"),  # at midnight: the next
    (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "2026-07-02T07:00:00+00:00"),  # PDT: UTC-7
])
def test_the_quota_resets_at_midnight_pacific(now: datetime, reset: str) -> None:
    """Google resets the daily quota at midnight America/Los_Angeles, summer time included."""
    assert next_reset(now).isoformat() == reset


def test_search_is_priced_as_documented() -> None:
    """search.list costs 100 units, every list method read here 1."""
    assert units_of("search.list") == 100
    assert {units_of(m) for m in ("channels.list", "playlistItems.list", "commentThreads.list",
                                  "comments.list")} == {1}


def test_the_cap_refuses_the_call_that_would_pass_it() -> None:
    """An allowance of 2 from 5 spent: the call at 7 passes, the one at 8 does not."""
    cap = UnitCap()
    cap.set(5, 2)
    cap.check(6, "comments.list")
    with pytest.raises(AllowanceSpent):
        cap.check(7, "comments.list")
    assert cap.left(6) == 1
    cap.set(7, None)
    cap.check(10_000, "search.list")
    assert cap.left(10_000) is None


@pytest.mark.parametrize(("answer", "words"), [
    ({"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
     "invalid_grant: Token has been expired or revoked.): it was revoked"),
    ({"error": "invalid_client", "error_description": "The OAuth client was not found."},
     "client id and client secret"),
    ({"error": "invalid_scope", "error_description": "Bad Request"}, "youtube.force-ssl"),
])
def test_refresh_errors_name_their_fix(answer: dict[str, str], words: str) -> None:
    """google-auth's RefreshError args (message, the token endpoint's JSON) → AuthFailed."""
    error = translate_refresh((f"{answer['error']}: x", answer), ("1//0gSecretRefresh",))
    assert isinstance(error, AuthFailed) and words in str(error)
    assert error.details["reason"] == answer["error"]


def test_a_secret_echoed_by_google_is_masked() -> None:
    """Should an error message ever repeat a secret, it is masked before it leaves the module."""
    body = {"error": {"code": 400, "message": "bad refresh 1//0gSecretRefresh",
                      "errors": [{"message": "x", "domain": "global", "reason": "badRequest"}]}}
    error = translate_http(400, json.dumps(body).encode(), "comments.list",
                           datetime(2026, 12, 6, tzinfo=UTC), ("1//0gSecretRefresh",))
    assert "1//0gSecretRefresh" not in str(error) and "***" in str(error)


def test_youtube_times_parse_with_and_without_fractions() -> None:
    """`…Z` with or without fractional seconds; anything else is no time."""
    assert parse_time("2026-12-05T09:00:00Z") == datetime(2026, 12, 5, 9, tzinfo=UTC)
    assert parse_time("2026-12-05T09:00:00.250Z").microsecond == 250_000
    assert parse_time("2026-12-05 09:00") is None and parse_time(1733389200) is None


def test_a_video_is_its_uploads_item() -> None:
    """An uploads playlistItem: the video's id, time, title and address; comment state unread."""
    video, problems = transform_video(load("youtube/playlist_items_page.json")["items"][0])
    assert problems == [] and video is not None
    assert (video.platform_id, video.message, video.reply_settings) == (
        "pArK0acilis", "Millet Bahçesi açılış töreni", None)
    assert video.permalink == "https://www.youtube.com/watch?v=pArK0acilis"


def test_the_package_imports_no_google_library_until_a_collector_is_built() -> None:
    """collectors/youtube/__init__.py imports Google's clients only inside build_collector
    (CLI start-up is measured); only client.py imports them at all."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    top_level = {alias.name for node in tree.body if isinstance(node, ast.Import)
                 for alias in node.names}
    top_level |= {node.module or "" for node in tree.body if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith(("google", "googleapiclient", "httplib2",
                                    "collectors.youtube.client", "collectors.youtube.collector"))
                   for name in top_level)
