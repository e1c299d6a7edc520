"""`modaudit serve`'s Jetstream thread: follows the configured Bluesky accounts' moderation
records when `[bluesky] jetstream_url` is set, storing and processing each batch as it arrives."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Engine

from analysis.jetstream_events import COLLECTIONS
from collectors.bluesky.stream import FollowOptions, JetstreamFollower, where
from modaudit.config import Config, ConfigError
from modaudit.intake.jetstream import JetstreamIntake

log = logging.getLogger(__name__)


@dataclass
class Following:
    """A running follower and its thread; `stop` ends both."""

    follower: JetstreamFollower
    intake: JetstreamIntake
    thread: threading.Thread

    def stop(self, timeout: float = 10.0) -> None:
        """Close the connection and wait for the thread (it stores nothing half-way)."""
        self.follower.stop()
        self.thread.join(timeout)
        if self.thread.is_alive():
            log.warning("the Jetstream follower did not stop within %.0f s", timeout)
        else:
            log.info("stopped following Jetstream (%d event(s) recorded)", self.intake.outcome.events)


def jetstream_url(config: Config) -> str:
    """`[bluesky] jetstream_url` ("" when Jetstream is off or the section is absent)."""
    try:
        return str(config.settings("bluesky").jetstream_url or "")
    except ConfigError:  # no [bluesky] section known to this configuration: off
        return ""


def start_following(config: Config, engine: Engine,
                    options: FollowOptions | None = None) -> Following | None:
    """Start following Jetstream in a daemon thread; None when it is off or no account is Bluesky."""
    url = jetstream_url(config)
    intake = JetstreamIntake(engine, config)
    dids = intake.dids()
    if not url or not dids:
        if url:
            log.info("[bluesky] jetstream_url is set but no Bluesky account is configured")
        return None
    follower = JetstreamFollower(url, dids, list(COLLECTIONS), cursor=intake.cursor,
                                 handle=intake.receive, options=options)
    log.info("following Jetstream at %s for %d Bluesky account(s), from %s", where(url), len(dids),
             f"cursor {cursor}" if (cursor := intake.cursor()) is not None else "now")
    thread = threading.Thread(target=follower.run, name="jetstream", daemon=True)
    thread.start()
    return Following(follower, intake, thread)
