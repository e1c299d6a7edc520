"""YouTube channels (Data API v3). Importing this package imports no Google library: the client
(`client.py`, the only module importing `googleapiclient` and `google.*`) is built on demand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from collectors.youtube.defaults import DEFAULT_API_BASE_URL, DEFAULT_TOKEN_URI, YOUTUBE_SCOPE

if TYPE_CHECKING:
    from collectors.youtube.collector import YouTubeCollector

__all__ = ["DEFAULT_API_BASE_URL", "DEFAULT_TOKEN_URI", "YOUTUBE_SCOPE", "build_collector"]


def build_collector(*, client_id: str, client_secret: str, refresh_token: str, channel_id: str,
                    api_base_url: str = DEFAULT_API_BASE_URL, token_uri: str = DEFAULT_TOKEN_URI,
                    timeout: float = 30.0, max_retries: int = 3, http: Any = None,
                    clock: Callable[[], datetime] | None = None) -> YouTubeCollector:
    """The collector of channel `channel_id` (UC…) with its owner's OAuth client and refresh token.

    `http` stands in for httplib2 in tests (googleapiclient's HttpMockSequence); `clock` (aware
    UTC) dates a quota stop's reset (default: the system clock).
    """
    # Imported here, not at the top: google-api-python-client costs CLI start-up time.
    from collectors.youtube.client import make_client
    from collectors.youtube.collector import YouTubeCollector

    client = make_client(client_id=client_id, client_secret=client_secret,
                         refresh_token=refresh_token, api_base_url=api_base_url,
                         token_uri=token_uri, timeout=timeout, max_retries=max_retries, http=http,
                         clock=clock)
    return YouTubeCollector(client, channel_id)
