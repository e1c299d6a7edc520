"""The weekly report's cost section for a YouTube channel, in Turkish and English: its units, its
project's busiest quota day against the daily quota, and the videos the quota left unread."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from analysis.cost import QuotaProject
from collectors.records import CommentListing, PostRecord, Snapshot
from modaudit.report.cost_section import CostSection, CostSettings, build_cost_section
from modaudit.report.render import _environment
from modaudit.store import runs
from modaudit.store.reads import save_reads
from tests.support.stored_runs import StoredAccount, open_session

IST = ZoneInfo("Europe/Istanbul")
WEEK = (datetime(2026, 11, 29, 21, tzinfo=UTC), datetime(2026, 12, 6, 21, tzinfo=UTC))
NIGHT = [("/youtube/v3/playlistItems", "units", 2, 2), ("/youtube/v3/commentThreads", "units", 40, 40),
         ("/youtube/v3/comments", "units", 2, 2)]
PROJECT = QuotaProject("youtube", "VALILIK_OAUTH_CLIENT", ("valilik-youtube", "il-saglik-youtube"),
                       10000)
ACCOUNTS = [("valilik-youtube", "youtube", "@valilik"), ("valilik-facebook", "facebook", "valilik")]


def _skipped(*videos: str) -> Snapshot:
    at = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    return Snapshot(fetched_at=at, posts_complete=True, listings=[
        CommentListing(PostRecord(v, datetime(2026, 11, 10, tzinfo=UTC), "video", {"id": v}),
                       skipped="budget") for v in videos])


def _seed(session: Session) -> None:
    """Three nights of the channel; the project's other channel (another institution's) spends
    4,900 units on 1 December; two videos left unread by the quota (one of them twice)."""
    valilik = StoredAccount(session, "valilik-youtube", "youtube")
    other = StoredAccount(session, "il-saglik-youtube", "youtube")
    page = StoredAccount(session, "valilik-facebook", "facebook")
    for day in (30, 1, 2):
        started = datetime(2026, 11 if day == 30 else 12, day, 23, 30, tzinfo=UTC)
        run_id = runs.start_run(session, valilik.id, "nightly", started)
        save_reads(session, run_id, NIGHT)
        if day in (1, 2):
            runs.save_snapshot(session, valilik.id, run_id,
                               _skipped("vid-eski-1", "vid-eski-2") if day == 1 else _skipped("vid-eski-1"))
    burst = runs.start_run(session, other.id, "on_demand", datetime(2026, 12, 1, 23, tzinfo=UTC))
    save_reads(session, burst, [("/youtube/v3/commentThreads", "units", 4900, 4900)])
    graph = runs.start_run(session, page.id, "nightly", datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    save_reads(session, graph, [("/:id/comments", "item", 12, 300)])


def _section(session: Session, language: str) -> CostSection:
    settings = CostSettings([1, 2, 3, 5, 8, 14, 21, 30], 1, {"post": 0.005}, "2026-11-30", (PROJECT,))
    return build_cost_section(session, ACCOUNTS, *WEEK, settings, language, IST)


def _rendered(section: CostSection, language: str) -> tuple[str, str]:
    env, context = _environment(), {"r": SimpleNamespace(cost=section), "lang": language}
    return (env.get_template("weekly_cost.txt").render(context),
            env.get_template("weekly_cost.html").render(context))


@pytest.mark.parametrize(("language", "project", "skipped", "units"), [
    ("tr", "YouTube projesi (valilik-youtube): bu hafta bir günde en çok 4.944 birim harcandı "
           "(1 Aralık 2026, Pasifik saatiyle); günlük kota 10.000 birim, her gün Pasifik saatiyle "
           "gece yarısı (saat 11:00) sıfırlanır. Kotayı projeyi paylaşan 1 başka hesap da kullanır.",
     "valilik-youtube: kota yetmediği için 2 videonun yorumları okunmadı; bunlardan sonuç "
     "çıkarılmadı.", "Kota birimi 132"),
    ("en", "YouTube project of valilik-youtube: at most 4,944 units spent in one day this week "
           "(1 Dec 2026, Pacific time), of a daily quota of 10,000; the quota resets at midnight "
           "Pacific time (11:00). 1 other account(s) share the project and its quota.",
     "valilik-youtube: the daily quota ran short, so the comments of 2 videos were not read; "
     "nothing was inferred from them.", "Quota units 132"),
])
def test_the_section_says_units_the_projects_day_and_the_quota_skips(
        migrated: str, language: str, project: str, skipped: str, units: str) -> None:
    with open_session(migrated) as session:
        _seed(session)
        section = _section(session, language)
    costs = {c.account: c for c in section.costs}
    assert costs["valilik-youtube"].units == 132 and costs["valilik-facebook"].units == 0
    assert section.units and section.quota_notes == [project]
    assert section.budget_notes == [skipped]
    assert section.prices_note == ""  # no X account: no prices
    assert any(s.startswith("YouTube: ") for s in section.latency)  # videos follow the schedule
    text, html = _rendered(section, language)
    assert units in text and project in text and f"! {skipped}" in text
    assert section.words["units"] in html and ">132<" in html and skipped in html


def test_a_project_idle_all_week_says_so(migrated: str) -> None:
    with open_session(migrated) as session:
        StoredAccount(session, "valilik-youtube", "youtube")
        section = _section(session, "en")
    assert section.quota_notes == ["YouTube project of valilik-youtube: no units spent this week, "
                                   "of a daily quota of 10,000. 1 other account(s) share the project "
                                   "and its quota."]
    assert section.budget_notes == []
