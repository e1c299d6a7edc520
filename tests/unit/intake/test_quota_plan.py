"""Tonight's plan for a YouTube channel: the units its project has left since midnight Pacific,
less room for the lookups; the re-check schedule as for posts; nothing of X's or Graph's plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from analysis.recheck import DAY
from collectors.records import CommentListing, PostRecord, Snapshot
from modaudit.config import parse_config
from modaudit.intake.plan import build_plan
from modaudit.store import recheck, runs
from modaudit.store.reads import save_reads
from tests.support.stored_runs import StoredAccount, open_session

NOW = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # 02:30 in Istanbul, 15:30 PST
RESET = datetime(2026, 12, 6, 8, tzinfo=UTC)


def _config(quota: int = 10000, lookups: int = 200):
    def channel(name: str, letter: str, client: str) -> dict:
        return {"name": name, "platform": "youtube", "account_id": "UC" + letter * 22,
                "institution": "Valilik", "client_id_env": client,
                "client_secret_env": f"{client}_SECRET", "refresh_token_env": f"{letter.upper()}_RT"}
    return parse_config({
        "youtube": {"daily_quota_units": quota},
        "collect": {"max_lookups_per_run": lookups, "recheck_days": [1, 2, 3, 5, 8, 14, 21, 30]},
        "accounts": [channel("valilik-youtube", "a", "VALILIK_OAUTH_CLIENT"),
                     channel("belediye-youtube", "b", "VALILIK_OAUTH_CLIENT"),
                     channel("universite-youtube", "c", "UNIVERSITE_OAUTH_CLIENT"),
                     {"name": "valilik-facebook", "platform": "facebook", "account_id": "1001",
                      "institution": "Valilik", "page_token_env": "VALILIK_PAGE_TOKEN"}]})


def _video(video_id: str, age_days: float, comments: int = 5) -> PostRecord:
    return PostRecord(video_id, NOW - age_days * DAY, "video", {"id": video_id},
                      comment_count=comments)


def test_a_channel_may_spend_what_its_project_left_today_less_the_lookups(migrated: str) -> None:
    config = _config(quota=3000, lookups=100)
    with open_session(migrated) as session:
        valilik = StoredAccount(session, "valilik-youtube", "youtube")
        belediye = StoredAccount(session, "belediye-youtube", "youtube")
        universite = StoredAccount(session, "universite-youtube", "youtube")
        spent = [(valilik, RESET + timedelta(hours=1), 1500),  # today, same project
                 (valilik, RESET - timedelta(hours=1), 2900),  # yesterday (Pacific): reset since
                 (universite, RESET + timedelta(hours=2), 2500)]  # today, another project
        for account, started, units in spent:
            run_id = runs.start_run(session, account.id, "on_demand", started)
            save_reads(session, run_id, [("/youtube/v3/commentThreads", "units", units, units)])
        plan = build_plan(session, config, config.account("belediye-youtube"), belediye.id, NOW)
        assert plan.unit_allowance == 3000 - 1500 - (100 + 1)  # lookups and the token check
        alone = build_plan(session, config, config.account("universite-youtube"), universite.id,
                           NOW)
        assert alone.unit_allowance == 3000 - 2500 - 101
        run_id = runs.start_run(session, universite.id, "on_demand", RESET + timedelta(hours=3))
        save_reads(session, run_id, [("/youtube/v3/comments", "units", 600, 600)])
        spent_out = build_plan(session, config, config.account("universite-youtube"),
                               universite.id, NOW)
        assert spent_out.unit_allowance == 0  # never negative: every due video's threads skipped


def test_a_youtube_plan_follows_the_schedule_and_carries_nothing_of_x_or_graph(migrated: str) -> None:
    config = _config()
    with open_session(migrated) as session:
        valilik = StoredAccount(session, "valilik-youtube", "youtube")
        page = StoredAccount(session, "valilik-facebook", "facebook")
        # Last night listed three videos completely; tonight they are 1.5, 3.5 and 4.5 days old.
        seen = NOW - DAY
        listed = Snapshot(fetched_at=seen, posts_complete=True, listings=[
            CommentListing(_video(vid, age), [], complete=True)
            for vid, age in (("vid-day2", 1.5), ("vid-day4", 3.5), ("vid-day5", 4.5))])
        last_night = runs.start_run(session, valilik.id, "nightly", seen)
        runs.save_snapshot(session, valilik.id, last_night, listed)
        recheck.record_rechecks(session, valilik.id, last_night, listed)
        plan = build_plan(session, config, config.account("valilik-youtube"), valilik.id, NOW)
        assert plan.unit_allowance == 10000 - 201
        assert (plan.known_due, plan.reply_since, plan.stored_counts, plan.prices) == ([], {}, {}, {})
        assert plan.newest_post_id is None and plan.reply_allowance_usd is None
        assert plan.young_since is None  # Graph's nested comments
        # The schedule's days (1, 2, 3, 5, …): a video on day 2 is due, on day 4 it is not, on
        # day 5 it is; a video never seen is new.
        assert plan.due(_video("vid-day2", 1.5)) is not None
        assert plan.due(_video("vid-unseen", 10.5)) == "new"
        assert plan.due(_video("vid-day4", 3.5)) is None
        assert plan.due(_video("vid-day5", 4.5)) is not None
        # A drop in the video's comment count brings it forward (as on Graph); a rise does not:
        # X's "any change" rule stays X's.
        assert plan.due(_video("vid-day4", 3.5, comments=4)) is not None
        assert plan.due(_video("vid-day4", 3.5, comments=6)) is None
        graph = build_plan(session, config, config.account("valilik-facebook"), page.id, NOW)
        assert graph.unit_allowance is None
