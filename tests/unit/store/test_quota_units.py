"""Quota units spent per account since a time, and per run, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from modaudit.store import runs
from modaudit.store.reads import save_reads, units_per_run, units_since
from tests.support.stored_runs import StoredAccount, open_session

RESET = datetime(2026, 12, 6, 8, tzinfo=UTC)  # midnight Pacific (PST)
# One night of a channel with 12 videos due: the channel, the uploads page, three moderation
# statuses per video, a few reply pages and lookups; the meter records one unit per list call.
NIGHT = [("/youtube/v3/channels", "units", 1, 1), ("/youtube/v3/playlistItems", "units", 1, 1),
         ("/youtube/v3/commentThreads", "units", 36, 36), ("/youtube/v3/comments", "units", 6, 6)]


def test_units_since_sum_each_accounts_units_only(migrated: str) -> None:
    with open_session(migrated) as session:
        valilik = StoredAccount(session, "valilik-youtube", "youtube")
        belediye = StoredAccount(session, "belediye-youtube", "youtube")
        page = StoredAccount(session, "valilik-facebook", "facebook")
        before = runs.start_run(session, valilik.id, "nightly", RESET - timedelta(minutes=30))
        save_reads(session, before, NIGHT)  # yesterday's quota day: not counted
        tonight = runs.start_run(session, valilik.id, "nightly", RESET + timedelta(hours=15, minutes=30))
        save_reads(session, tonight, NIGHT)
        on_demand = runs.start_run(session, valilik.id, "on_demand", RESET + timedelta(hours=16))
        save_reads(session, on_demand, [("/youtube/v3/comments", "units", 3, 3)])
        other = runs.start_run(session, belediye.id, "nightly", RESET + timedelta(hours=15))
        save_reads(session, other, [("/youtube/v3/commentThreads", "units", 20, 20)])
        graph = runs.start_run(session, page.id, "nightly", RESET + timedelta(hours=15))
        save_reads(session, graph, [("/:id/comments", "item", 10, 400)])  # not units
        names = ["valilik-youtube", "belediye-youtube", "valilik-facebook"]
        assert units_since(session, RESET, names) == {"valilik-youtube": 47, "belediye-youtube": 20}
        assert units_since(session, RESET, ["belediye-youtube"]) == {"belediye-youtube": 20}
        assert units_since(session, RESET - timedelta(days=1), ["valilik-youtube"]) == {
            "valilik-youtube": 91}
        assert units_since(session, RESET + timedelta(days=1), names) == {}


def test_units_per_run_keep_each_runs_start_and_total(migrated: str) -> None:
    with open_session(migrated) as session:
        valilik = StoredAccount(session, "valilik-youtube", "youtube")
        first = RESET - timedelta(minutes=30)
        second = RESET + timedelta(hours=15, minutes=30)
        for started in (first, second):
            save_reads(session, runs.start_run(session, valilik.id, "nightly", started), NIGHT)
        runs.start_run(session, valilik.id, "nightly", second + timedelta(hours=1))  # read nothing
        rows = units_per_run(session, first, second + timedelta(days=1), ["valilik-youtube"])
        assert rows == [("valilik-youtube", first, 44), ("valilik-youtube", second, 44)]
        assert all(started.tzinfo is not None for _, started, _ in rows)
        assert units_per_run(session, second, second + timedelta(days=1), ["valilik-youtube"]) == [
            ("valilik-youtube", second, 44)]
