"""Shared helpers of the YouTube fast-layer tests: answers for googleapiclient's HttpMockSequence.

The real client (google-auth's refresh and google-api-python-client's requests) is driven over
`HttpMockSequence`, one (headers, body) pair per HTTP exchange, the token refresh included.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from googleapiclient.http import HttpMockSequence

from collectors.youtube import build_collector
from collectors.youtube.collector import YouTubeCollector
from tests.fixtures import load

CHANNEL = "UCyEs1lvAd1BeLed1yEs1vAd"
V1, V2, V3, OLD = "pArK0acilis", "su0kEs1nt1x", "mEclis2026a", "eskiVideo01"
SINCE = datetime(2026, 11, 20, tzinfo=UTC)
NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
CLIENT_SECRET = "GOCSPX-FakeFixtureClientSecret"
REFRESH_TOKEN = "1//0gFakeFixtureRefreshTokenNotReal"
API = "http://127.0.0.1:9"


def answer(name: str, status: int = 200, **changes: Any) -> tuple[dict[str, str], str]:
    """One HTTP exchange: fixture `youtube/<name>.json` with top-level `changes`, as `status`."""
    body = load(f"youtube/{name}.json")
    body.update(changes)
    return {"status": str(status), "content-type": "application/json; charset=UTF-8"}, json.dumps(body)


def raw(body: Any, status: int = 200) -> tuple[dict[str, str], str]:
    """One HTTP exchange with a body given inline."""
    return {"status": str(status), "content-type": "application/json; charset=UTF-8"}, json.dumps(body)


TOKEN = answer("token_refresh")
CHANNEL_UPLOADS = answer("channels_uploads")
PLAYLIST = [answer("playlist_items_page"), answer("playlist_items_last_page")]
EMPTY = answer("comment_threads_empty")


def collector(*exchanges: tuple[dict[str, str], str], max_retries: int = 0
              ) -> tuple[YouTubeCollector, HttpMockSequence]:
    """A collector of the fixture channel whose HTTP exchanges are `exchanges`, in order."""
    http = HttpMockSequence(list(exchanges))
    built = build_collector(client_id="123-fixture.apps.googleusercontent.com",
                            client_secret=CLIENT_SECRET, refresh_token=REFRESH_TOKEN,
                            channel_id=CHANNEL, api_base_url=API, token_uri=f"{API}/token",
                            timeout=5, max_retries=max_retries, http=http,
                            clock=lambda: NOW)
    return built, http


def requested(http: HttpMockSequence) -> list[str]:
    """The URLs the client asked for, in order."""
    return [uri for uri, *_ in http.request_sequence]
