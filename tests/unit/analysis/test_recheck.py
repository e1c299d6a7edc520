"""The decaying re-check schedule, its signals and the latency it implies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from analysis.recheck import (
    COUNT_CHANGED,
    NEW,
    REQUESTED,
    SCHEDULED,
    PostState,
    age_day,
    due_reason,
    worst_gap_days,
    young_days,
)
from modaudit.report.cost_section import CostSettings, latency_sentences

DAYS = [1, 2, 3, 5, 8, 14, 21, 30]
POSTED = datetime(2026, 10, 1, 10, tzinfo=UTC)


def nightly(nights: int, days: list[int] = DAYS) -> list[int]:
    """The age-days on which a post is listed when the audit runs every night at 23:30."""
    last = None
    listed = []
    for night in range(nights):
        now = datetime(2026, 10, 1, 23, 30, tzinfo=UTC) + timedelta(days=night)
        if due_reason(PostState(POSTED, last), now, days):
            listed.append(age_day(POSTED, now))
            last = now
    return listed


def test_a_post_is_listed_nightly_while_young_then_on_the_schedule_days() -> None:
    assert nightly(35) == DAYS


def test_a_missed_night_is_caught_up_the_next_night() -> None:
    last = datetime(2026, 10, 3, 23, 30, tzinfo=UTC)  # the age-day 3 listing
    # The age-day 5 night had no run; age-day 6 is due because day 5's listing never came.
    now = last + timedelta(days=3)
    assert age_day(POSTED, now) == 6
    assert due_reason(PostState(POSTED, last), now, DAYS) == SCHEDULED
    assert due_reason(PostState(POSTED, now), now + timedelta(days=1), DAYS) is None


def test_a_post_never_listed_completely_is_due() -> None:
    now = POSTED + timedelta(days=10)
    assert due_reason(PostState(POSTED, None), now, DAYS) == NEW


def test_a_webhook_request_brings_the_recheck_forward() -> None:
    last = POSTED + timedelta(days=5, hours=13)  # day 6 of age: not a schedule day
    state = PostState(POSTED, last, 40, recheck_requested_at=last + timedelta(hours=3))
    assert due_reason(state, last + timedelta(days=1), DAYS) == REQUESTED
    assert due_reason(PostState(POSTED, last, 40), last + timedelta(days=1), DAYS) is None


def test_a_count_that_dropped_brings_it_forward_on_every_platform() -> None:
    last = POSTED + timedelta(days=5, hours=13)
    state = PostState(POSTED, last, 40)
    now = last + timedelta(days=1)
    assert due_reason(state, now, DAYS, announced_count=39, any_count_change=False) == COUNT_CHANGED
    assert due_reason(state, now, DAYS, announced_count=39) == COUNT_CHANGED


def test_a_count_that_rose_brings_it_forward_only_where_new_replies_are_read_alone() -> None:
    last = POSTED + timedelta(days=5, hours=13)
    state = PostState(POSTED, last, 40)
    now = last + timedelta(days=1)
    assert due_reason(state, now, DAYS, announced_count=41, any_count_change=True) == COUNT_CHANGED
    assert due_reason(state, now, DAYS, announced_count=41, any_count_change=False) is None
    assert due_reason(state, now, DAYS, announced_count=40) is None


def test_the_latency_the_schedule_implies() -> None:
    assert young_days(DAYS) == 3
    assert worst_gap_days(DAYS) == 9  # day 21 to day 30
    assert worst_gap_days([1, 2, 3]) == 0
    assert young_days([2, 4]) == 0


def test_the_report_states_the_latency_per_platform_in_turkish_and_english() -> None:
    settings = CostSettings(DAYS, 1, {"post": 0.005}, "2026-11-30")
    tr = latency_sentences(["facebook", "x"], settings, "tr")
    en = latency_sentences(["facebook", "x"], settings, "en")
    assert len(tr) == len(en) == 2  # one per family, in the platforms' registry order
    [graph_tr] = [s for s in tr if s.startswith("Facebook")]
    [graph_en] = [s for s in en if s.startswith("Facebook")]
    [x_en] = [s for s in en if s.startswith("X:")]
    assert "3 günden eski" in graph_tr and "en geç 9 gün" in graph_tr
    assert "older than 3 days" in graph_en and "within 9 days" in graph_en
    assert x_en.startswith("X: on posts older than 3 days") and "within 9 days" in x_en
    assert latency_sentences(["instagram"], settings, "en")[0].startswith("Facebook and Instagram")
