"""Small scenarios for tests: one Page, two posts, a handful of commenters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from modaudit import jobs
from modaudit.jobs import RunResult
from sandbox import PageSpec, Scenario, Simulator, User

PAGE = PageSpec(page_id="900100", name="Test Valiliği", token="page-token-CANARY-7f3e")
START = datetime(2026, 11, 16, tzinfo=UTC)
AYSE = User("5001", "Ayşe Yılmaz")
IBRAHIM = User("5002", "İbrahim Işık")
ROJDA = User("5003", "Rojda <b>Demir</b>")
TROLL = User("5004", "'; DROP TABLE users; --")
TRICKY_TEXT = "<script>alert('x')</script> İıŞşĞğ 'quote' \"dq\" ; DROP TABLE comments; -- 🇹🇷🙂"


def small_scenario() -> Scenario:
    """Two posts before day 0 with six comments (one a reply)."""
    scenario = Scenario(start=START, pages=[PAGE])
    before = scenario.day(-2)
    scenario.post(before, PAGE.page_id, "900100_1", "Yol çalışması duyurusu")
    scenario.post(before, PAGE.page_id, "900100_2", "Aşı kampanyası")
    scenario.comment(before + timedelta(hours=1), "900100_1", "1001", AYSE, "Teşekkürler")
    scenario.comment(before + timedelta(hours=2), "900100_1", "1002", IBRAHIM, "Ne zaman bitecek?")
    scenario.comment(before + timedelta(hours=3), "900100_1", "1003", ROJDA, "Rojbaş, kengê?")
    scenario.comment(before + timedelta(hours=4), "900100_1", "1004", AYSE, "Cevap", parent_id="1002")
    scenario.comment(before + timedelta(hours=5), "900100_2", "1005", TROLL, TRICKY_TEXT)
    scenario.comment(before + timedelta(hours=6), "900100_2", "1006", IBRAHIM, "Randevu nasıl alınır?")
    return scenario


def night(scenario: Scenario, day: int) -> datetime:
    """When the nightly audit of `day` runs."""
    return scenario.day(day, hour=23, minute=30)


def audit_night(config_path: Path, simulator: Simulator, scenario: Scenario, day: int) -> RunResult:
    """Move the simulator to `day`'s audit time and scan the test page."""
    now = night(scenario, day)
    simulator.set_now(now)
    return jobs.scan_account(config_path, "page-0", "nightly", now=now)
