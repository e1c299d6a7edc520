"""Decaying re-checks end to end: skipped posts leave a run `ok`, an old post's re-listing is
compared with its last complete listing, and what a budget left unread is never inferred from."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.config import load_config
from modaudit.sandbox import Scenario, Simulator
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_events
from modaudit.store.schema import Comment, Post, PostListing, Run, RunRead
from tests.support.scenarios import AYSE, IBRAHIM, PAGE, ROJDA, START, X_ACCOUNT, X_AYSE, X_IBRAHIM, night

POST = "900100_7"
OTHER = "900100_8"


def old_post_scenario() -> Scenario:
    """Two posts on day 0. On day 5 (age-day 6, between the re-checks of days 5 and 8) the Page
    hides one comment of POST and deletes another while a new one arrives (the count stays
    the same); on OTHER it deletes one (the count drops)."""
    s = Scenario(start=START, pages=[PAGE])
    s.post(s.day(0, 9), PAGE.page_id, POST, "Eski duyuru")
    s.post(s.day(0, 9, 30), PAGE.page_id, OTHER, "Başka duyuru")
    for n, user in enumerate((AYSE, IBRAHIM, ROJDA)):
        s.comment(s.day(0, 10 + n), POST, f"70{n}", user, f"Yorum {n}")
        s.comment(s.day(0, 10 + n, 30), OTHER, f"80{n}", user, f"Yorum {n}")
    s.hide(s.day(5, 12), "701")
    s.delete(s.day(5, 13), "702")
    s.comment(s.day(5, 14), POST, "703", AYSE, "Yeni yorum")
    s.delete(s.day(5, 15), "800")
    s.validate()
    return s


@pytest.fixture
def facebook(migrated: str, write_config) -> Iterator[tuple[Scenario, Path, str]]:
    scenario = old_post_scenario()
    with Simulator(scenario) as simulator:
        path = write_config(migrated, simulator.base_url, [PAGE], nightly=False)
        for day in range(9):
            simulator.set_now(night(scenario, day))
            result = jobs.scan_account(load_config(path), "page-0", "nightly", now=night(scenario, day))
            assert result.status == "ok", (day, result.warnings)
        yield scenario, path, migrated


def _listings(url: str, post_id: str) -> list[tuple[int, bool, str | None]]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.execute(
            select(Run.fetched_at, PostListing.complete, PostListing.skipped)
            .join(PostListing, PostListing.run_id == Run.id).join(Post, Post.id == PostListing.post_id)
            .where(Post.platform_id == post_id).order_by(Run.id)).all()
    engine.dispose()
    return [(n, complete, skipped) for n, (_, complete, skipped) in enumerate(rows)]


def test_a_post_skipped_by_schedule_leaves_the_run_ok(facebook) -> None:
    _, _, url = facebook
    listed = [n for n, complete, _ in _listings(url, POST) if complete]
    skipped = [n for n, complete, skipped in _listings(url, POST) if skipped == "schedule"]
    assert listed == [0, 1, 2, 4, 7]  # age-days 1, 2, 3, 5 and 8
    assert skipped == [3, 5, 6, 8]
    engine = make_engine(url)
    with Session(engine) as session:
        assert set(session.scalars(select(Run.status))) == {"ok"}
        # Every night the Page's posts and ban list were read: 4 + 1 + 1 + ... requests, counted.
        assert session.scalar(select(RunRead.requests).where(RunRead.endpoint == "/:id/posts")
                              .limit(1)) >= 1
    engine.dispose()


def test_an_old_posts_relisting_is_compared_with_its_last_complete_listing(facebook) -> None:
    scenario, _, url = facebook
    engine = make_engine(url)
    with Session(engine) as session:
        events = {e.subject_id: e for e in list_events(session)}
        count_after = session.scalar(select(Post.comment_count).where(Post.platform_id == POST))
    engine.dispose()
    night_4, night_7 = night(scenario, 4), night(scenario, 7)
    hidden, deleted = events["701"], events["702"]
    assert (hidden.kind, deleted.kind) == ("comment_hidden", "comment_deleted")
    # Found at the age-day 8 re-check, bracketed from the last complete listing (age-day 5).
    assert hidden.detected_at == deleted.detected_at == night_7
    assert hidden.occurred_after == night_4 and deleted.occurred_after == night_4
    assert count_after == 3


def test_a_comment_count_that_drops_brings_the_recheck_forward(facebook) -> None:
    scenario, _, url = facebook
    engine = make_engine(url)
    with Session(engine) as session:
        event = next(e for e in list_events(session) if e.subject_id == "800")
        gone = session.scalar(select(Comment.gone_at).where(Comment.platform_id == "800"))
    engine.dispose()
    assert event.kind == "comment_deleted"
    assert event.detected_at == night(scenario, 5)  # the night of the deletion, not day 8's
    assert gone is not None
    assert [n for n, complete, _ in _listings(url, OTHER) if complete] == [0, 1, 2, 4, 5, 7]


def x_scenario() -> Scenario:
    """An X account: a tweet with replies on day 0; on day 2 a reply's author deletes it and the
    account blocks a user."""
    s = Scenario(start=START, pages=[])
    s.x_accounts.append(X_ACCOUNT)
    s.tweet(s.day(0, 9), X_ACCOUNT.user_id, "1900000000000000001", "Duyuru")
    for n in range(3):
        s.reply(s.day(0, 10 + n), f"191000000000000000{n}", "1900000000000000001",
                (X_AYSE, X_IBRAHIM)[n % 2], f"Yanıt {n}")
    s.delete_tweet(s.day(2, 9), "1910000000000000000", by="author")
    s.x_block(s.day(2, 10), X_ACCOUNT.user_id, X_IBRAHIM)
    s.validate()
    return s


def _x_config(tmp_path: Path, url: str, base_url: str, budget: float, monkeypatch) -> Path:
    keys = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
    for key in keys:
        monkeypatch.setenv(f"BUDGET_X_{key.upper()}", getattr(X_ACCOUNT, key))
    lines = ["[database]", f'url = "{url}"', "[x]", f'api_base_url = "{base_url}"',
             "rate_limit_max_wait_seconds = 2", "[collect]", "timeout_seconds = 2.0",
             "[[accounts]]", 'name = "x-0"', 'platform = "x"', f'account_id = "{X_ACCOUNT.user_id}"',
             'institution = "Test Valiliği"', f"monthly_budget_usd = {budget}",
             ] + [f'{key}_env = "BUDGET_X_{key.upper()}"' for key in keys]
    path = tmp_path / f"budget-{budget}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_what_the_budget_left_unread_is_never_inferred_from(migrated: str, tmp_path: Path,
                                                              monkeypatch) -> None:
    scenario = x_scenario()
    with Simulator(scenario) as simulator:
        generous = _x_config(tmp_path, migrated, simulator.base_url, 1000.0, monkeypatch)
        spent = _x_config(tmp_path, migrated, simulator.base_url, 0.001, monkeypatch)
        results = []
        for day, path in ((0, generous), (1, spent), (2, spent), (3, spent)):
            now = night(scenario, day)
            simulator.set_now(now)
            results.append(jobs.scan_account(load_config(path), "x-0", "nightly", now=now))
    assert [r.status for r in results] == ["ok"] * 4
    assert all("budget_skipped" in {w.code for w in r.warnings} for r in results[1:])
    engine = make_engine(migrated)
    with Session(engine) as session:
        events = list_events(session)
        reply = session.execute(select(Comment.missing_since, Comment.gone_at)
                                .where(Comment.platform_id == "1910000000000000000")).one()
        skipped = set(session.scalars(select(PostListing.skipped).join(Run).where(Run.id > 1)))
    engine.dispose()
    # The block list is never cut by the budget: the day-2 block is found that night.
    assert [(e.kind, e.subject_id) for e in events] == [("user_blocked", X_IBRAHIM.user_id)]
    assert events[0].detected_at == night(scenario, 2)
    # The deleted reply was not read again: no candidate, no event, nothing inferred.
    assert tuple(reply) == (None, None)
    assert skipped == {"budget"}


def test_cost_reports_the_reads_per_account(facebook) -> None:
    _, path, _ = facebook
    rows = jobs.cost(load_config(path), now=START + timedelta(days=9))
    assert [(r.account, r.platform, r.cost_usd) for r in rows] == [("page-0", "facebook", None)]
    assert rows[0].runs == 9 and rows[0].requests >= 9 * 3
