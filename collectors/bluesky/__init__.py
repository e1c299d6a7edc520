"""Bluesky accounts audited from outside, with no credential (AT Protocol public records).

`build_collector` imports the SDK side only when called: importing this package stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collectors.bluesky.collector import BlueskyCollector

DEFAULT_APPVIEW_URL = "https://public.api.bsky.app"
DEFAULT_PLC_URL = "https://plc.directory"


def build_collector(*, did: str, handle: str | None, appview_url: str = DEFAULT_APPVIEW_URL,
                    plc_url: str = DEFAULT_PLC_URL, timeout: float = 30.0, max_retries: int = 3,
                    backoff_seconds: float = 1.0, transport: Any = None,
                    sleep: Callable[[float], None] | None = None) -> BlueskyCollector:
    """A collector for the account `did` (`handle` as configured); `transport` is for tests."""
    # Imported here on purpose: the SDK costs start-up time every command would otherwise pay.
    from collectors.bluesky.client import XrpcReader
    from collectors.bluesky.collector import BlueskyCollector

    options: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
    reader = XrpcReader(timeout=timeout, max_retries=max_retries, backoff_seconds=backoff_seconds,
                        transport=transport, **options)
    return BlueskyCollector(reader, did=did, handle=handle, appview_url=appview_url.rstrip("/"),
                            plc_url=plc_url.rstrip("/"))


__all__ = ["DEFAULT_APPVIEW_URL", "DEFAULT_PLC_URL", "build_collector"]
