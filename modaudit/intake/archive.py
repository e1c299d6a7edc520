"""An X account's downloaded archive as an `archive` run: its block and mute lists, diffed.

The archive adds to history; it never rewrites it: one from the future, one older than the last
collection, or one clashing with an earlier run is refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from collectors.x_archive import content_digest, read_archive
from modaudit.config import AccountConfig, ConfigError
from modaudit.intake.scan import RunResult
from modaudit.intake.scan_detection import detect
from modaudit.store import run_history, runs


class ArchiveRefused(Exception):
    """An archive that would rewrite history rather than add to it."""


class ArchiveAlreadyImported(ArchiveRefused):
    """The very same archive (owner, generation time, content) was imported before: a no-op."""


# An archive "generated" later than this past our clock is refused: its date cannot be true, and
# accepting it would make every real archive look older than the last collection.
ARCHIVE_CLOCK_SKEW = timedelta(minutes=5)


def _check_archive_date(session: Session, account_id: int, generated: datetime, digest: str,
                        now: datetime) -> None:
    """Refuse an archive from the future, one older than the last collection, or a duplicate."""
    if generated > now + ARCHIVE_CLOCK_SKEW:
        raise ArchiveRefused(f"the archive says it was generated {generated:%Y-%m-%d %H:%M} UTC, "
                             f"later than now ({now:%Y-%m-%d %H:%M} UTC); check the file and the "
                             "clock")
    same_time = run_history.stored_run_at(session, account_id, generated)
    if same_time is not None and same_time.content_digest == digest:
        raise ArchiveAlreadyImported(f"this archive was already imported as run {same_time.run_id}; "
                                     "nothing to do")
    if same_time is not None:
        raise ArchiveRefused(f"run {same_time.run_id} ({same_time.kind}) is dated exactly at the "
                             f"archive's generation time {generated:%Y-%m-%d %H:%M:%S} UTC with "
                             "other content; refused as a duplicate")
    latest = run_history.last_collected_at(session, account_id)
    if latest is not None and generated < latest:
        raise ArchiveRefused(
            f"the archive was generated {generated:%Y-%m-%d %H:%M} UTC, before the account's "
            f"last collection ({latest:%Y-%m-%d %H:%M} UTC); importing it would reorder history")


def import_archive(engine: Engine, account: AccountConfig, archive_path: str | Path,
                   now: datetime) -> RunResult:
    """Store an X archive's block/mute lists as an `archive` run and diff them like any snapshot.

    The archive is read and checked completely before anything is written; then the run, its
    lists, the events and the findings are committed in one transaction.
    """
    if account.platform != "x":
        raise ConfigError(f"account {account.name!r} is on {account.platform}, not X")
    snapshot = read_archive(archive_path, account.account_id, fetched_at=now)
    digest = content_digest(snapshot)
    with Session(engine) as session, session.begin():
        account_id = runs.sync_accounts(session, [account], now)[account.name]
        _check_archive_date(session, account_id, snapshot.fetched_at, digest, now)
        run_id = runs.start_run(session, account_id, "archive", now)
        runs.save_snapshot(session, account_id, run_id, snapshot)
        runs.set_content_digest(session, run_id, digest)
        outcome = detect(session, account_id=account_id, platform="x", run_id=run_id,
                         snapshot=snapshot, answers=None, clock=lambda: now)
        status = runs.finish_run(session, run_id, snapshot, now, snapshot.warnings)
    return RunResult(account=account.name, run_id=run_id, status=status, events=outcome.events,
                     findings_opened=outcome.findings_opened, findings_closed=outcome.findings_closed)


