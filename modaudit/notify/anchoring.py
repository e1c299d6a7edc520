"""Anchoring: send each account's chain head to the configured TSA and store the token.

Runs once a day (scheduler.py) and before each weekly report. A TSA that is down, refuses or
answers with a token that does not verify leaves a failed attempt: the head waits for the
next try (which then covers everything since the last token), and nothing else fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import requests
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from modaudit.config import Config, ConfigError, TimestampConfig, secret
from modaudit.store import anchors
from modaudit.store.timestamps import TokenError, load_certificates, request_for, verify_token

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnchorOutcome:
    """What anchoring did for one account: stamped, current (nothing new), empty, failed."""

    account: str
    status: str
    count: int
    error: str | None = None


class TsaError(Exception):
    """The TSA could not give a valid token now (the message is safe to store and show)."""


def ask_tsa(timestamp: TimestampConfig, data: bytes) -> tuple[bytes, datetime]:
    """POST a request for `data`; return the verified response and its genTime."""
    auth = None
    if timestamp.username_env:
        auth = (secret(timestamp.username_env, named_by="timestamp.username_env"),
                secret(timestamp.password_env, named_by="timestamp.password_env"))
    try:
        answer = requests.post(timestamp.url, data=request_for(data), auth=auth,
                               headers={"Content-Type": "application/timestamp-query"},
                               timeout=timestamp.timeout_seconds)
    except requests.RequestException as exc:
        raise TsaError(f"TSA unreachable ({type(exc).__name__})") from None
    if answer.status_code != 200:
        raise TsaError(f"TSA answered HTTP {answer.status_code}")
    try:
        gen_time = verify_token(answer.content, data, load_certificates(timestamp.ca_file))
    except (TokenError, ValueError, OSError) as exc:
        raise TsaError(f"TSA token refused: {exc}") from None
    return answer.content, gen_time


def anchor_heads(engine: Engine, config: Config, now: datetime,
                 names: list[str] | None = None) -> list[AnchorOutcome]:
    """Time-stamp every account's head not yet covered (or only `names`); never raises for a TSA."""
    timestamp = config.timestamp
    if not timestamp.enabled:
        return []
    outcomes = []
    with Session(engine) as session:
        pending = [(head, anchors.pending_manifest(session, head))
                   for head in anchors.heads(session, names)]
    for head, text in pending:
        if head.count == 0 or text is None:
            outcomes.append(AnchorOutcome(head.account, "empty" if head.count == 0 else "current",
                                          head.count))
            continue
        token, gen_time, error = None, None, None
        try:
            token, gen_time = ask_tsa(timestamp, text.encode("utf-8"))
        except (TsaError, ConfigError) as exc:
            error = str(exc)
            log.warning("%s: chain head %d not time-stamped: %s", head.account, head.count, error)
        with Session(engine) as session, session.begin():
            anchors.record_anchor(session, head, text, tsa_url=timestamp.url, requested_at=now,
                                  token=token, stamped_at=gen_time, error=error)
        outcomes.append(AnchorOutcome(head.account, "failed" if error else "stamped", head.count,
                                      error))
    return outcomes


def anchor_quietly(engine: Engine, config: Config, now: datetime,
                   names: list[str] | None = None) -> list[AnchorOutcome]:
    """anchor_heads for callers that must go on whatever happens (the weekly report)."""
    try:
        return anchor_heads(engine, config, now, names)
    except Exception:
        log.exception("anchoring failed")
        return []
