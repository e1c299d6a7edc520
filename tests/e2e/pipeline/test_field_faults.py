"""A week in which every field detection relies on goes missing or changes type, one night after
another, per platform: no false finding, no finding closed that should stay open (SQLite)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from modaudit.sandbox import Fault, Scenario
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_findings
from tests.support.heldout_world import run_week, score
from tests.support.ig_scenarios import IG_ACCOUNT, MEDIA, comment_id, small_ig_scenario
from tests.support.scenarios import (
    AYSE,
    PAGE,
    TROLL,
    X_ACCOUNT,
    X_AYSE,
    X_TROLL,
    small_scenario,
    small_x_scenario,
)

# (field, value): value None drops the field on "drop_field", retypes it to a string on
# "retype_field"; anything else is what the field is set to.
GRAPH_FIELDS = [("is_hidden", None), ("is_hidden", "false"), ("created_time", None),
                ("created_time", 1763290800), ("id", None), ("id", 900100)]
IG_FIELDS = [("hidden", None), ("hidden", "true"), ("is_comment_enabled", None),
             ("is_comment_enabled", "false"), ("timestamp", None), ("id", None)]
X_FIELDS = [("reply_settings", None), ("reply_settings", "sideways"), ("created_at", None),
            ("created_at", 12345), ("author_id", None), ("id", None)]


def _fault_every_night(scenario: Scenario, fields: list[tuple[str, object]]) -> None:
    """Night n (1..6) meets the n-th field problem, on every item of every answer."""
    for night, (field, value) in enumerate(fields, start=1):
        start, end = scenario.day(night, 21), scenario.day(night, 23, 59)
        kind = "drop_field" if value is None and night % 2 else "retype_field"
        scenario.faults.append(Fault(kind, field=field, value=value, start=start, end=end))


def _closed_wrongly(db_url: str, truth: set[tuple[str, str]]) -> list[tuple[str, str]]:
    undo = {"comment_hidden": "comment_unhidden", "user_blocked": "user_unblocked",
            "replies_restricted": "replies_reopened", "user_muted": "user_unmuted"}
    engine = make_engine(db_url)
    with Session(engine) as session:
        closed = [(f.kind, f.subject_id) for f in list_findings(session, status="closed")]
    engine.dispose()
    return [pair for pair in closed if (undo[pair[0]], pair[1]) not in truth]


def _check(scenario: Scenario, tmp_path: Path, write_config, account: str) -> None:
    truth, recorded, statuses = run_week(scenario, tmp_path, write_config, account)
    result = score(truth, recorded)
    assert (result.precision, result.recall) == (1.0, 1.0), (sorted(truth ^ recorded), statuses)
    assert _closed_wrongly(f"sqlite:///{tmp_path / 'modaudit.db'}", truth) == []
    assert "partial" in statuses or "failed" in statuses  # the faults did bite
    assert statuses[-2:] == ["ok", "ok"]


def test_page_fields_dropped_and_retyped(tmp_path: Path, write_config) -> None:
    s = small_scenario()
    s.hide(s.day(1, 9), "1001")
    s.ban(s.day(1, 10), PAGE.page_id, TROLL)
    s.delete(s.day(2, 9), "1006", by="page")
    s.hide(s.day(4, 9), "1001", hidden=False)
    s.ban(s.day(4, 10), PAGE.page_id, TROLL, banned=False)
    s.hide(s.day(5, 9), "1003")
    s.ban(s.day(5, 10), PAGE.page_id, AYSE)
    _fault_every_night(s, GRAPH_FIELDS)
    _check(s, tmp_path, write_config, "page-0")


def test_instagram_fields_dropped_and_retyped(tmp_path: Path, write_config, monkeypatch) -> None:
    s = small_ig_scenario()
    s.ig_hide(s.day(1, 9), comment_id(1))
    s.ig_comments(s.day(1, 10), MEDIA[0], enabled=False)
    s.ig_delete(s.day(2, 9), comment_id(6))
    s.ig_hide(s.day(4, 9), comment_id(1), hidden=False)
    s.ig_comments(s.day(4, 10), MEDIA[0], enabled=True)
    s.ig_hide(s.day(5, 9), comment_id(5))
    _fault_every_night(s, IG_FIELDS)
    _check(s, tmp_path, _with_instagram(write_config), "ig-0")


def test_x_fields_dropped_and_retyped(tmp_path: Path, write_config) -> None:
    s = small_x_scenario()
    s.x_block(s.day(1, 9), X_ACCOUNT.user_id, X_TROLL)
    s.set_reply_settings(s.day(1, 10), "1900000000000000001", "following")
    s.x_mute(s.day(2, 9), X_ACCOUNT.user_id, X_AYSE)
    s.x_block(s.day(4, 9), X_ACCOUNT.user_id, X_TROLL, blocked=False)
    s.set_reply_settings(s.day(4, 10), "1900000000000000001", "everyone")
    s.x_mute(s.day(5, 9), X_ACCOUNT.user_id, X_AYSE, muted=False)
    _fault_every_night(s, X_FIELDS)
    _check(s, tmp_path, write_config, "x-0")


def _with_instagram(write_config):
    """write_config, with the scenario's Instagram account configured too."""
    def write(url, base_url, pages, **kwargs):
        return write_config(url, base_url, pages, instagram_accounts=(IG_ACCOUNT,), **kwargs)
    return write
