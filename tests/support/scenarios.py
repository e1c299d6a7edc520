"""Small scenarios for tests: one Page, two posts, a handful of commenters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from modaudit import jobs
from modaudit.config import load_config
from modaudit.jobs import RunResult
from modaudit.sandbox import PageSpec, Scenario, Simulator, User, XAccountSpec, XUser

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
    return jobs.scan_account(load_config(config_path), "page-0", "nightly", now=now)


X_ACCOUNT = XAccountSpec(
    user_id="1700000000000000001", username="testvaliligi", name="Test Valiliği",
    consumer_key="ck-CANARY", consumer_secret="cs-CANARY",
    access_token="1700000000000000001-at-CANARY", access_token_secret="ats-CANARY",
    oauth2_user_token="oauth2-user-CANARY", app_bearer_token="app-only-CANARY")
X_AYSE = XUser("1800000000000000001", "ayse_y", "Ayşe Yılmaz")
X_IBRAHIM = XUser("1800000000000000002", "ibrahim_isik", "İbrahim Işık")
X_TROLL = XUser("1800000000000000003", "trol_hesap", "<b>Trol</b> 😡")


def small_x_scenario(replies: int = 4) -> Scenario:
    """One X account with two tweets (one posted restricted) and replies under the first."""
    scenario = Scenario(start=START, pages=[])
    scenario.x_accounts.append(X_ACCOUNT)
    account = X_ACCOUNT.user_id
    scenario.tweet(scenario.day(-1, 9), account, "1900000000000000001", "Duyuru: yol çalışması")
    scenario.tweet(scenario.day(-1, 10), account, "1900000000000000002", "Sadece bahsedilenler",
                   "mentionedUsers")
    authors = [X_AYSE, X_IBRAHIM, X_TROLL]
    for n in range(replies):
        scenario.reply(scenario.day(-1, 11, n), f"19100000000000000{n:02d}", "1900000000000000001",
                       authors[n % 3], f"Yanıt {n}: İıŞş <script>x</script> 🙂")
    return scenario


def audit_x_night(config_path: Path, simulator: Simulator, scenario: Scenario, day: int) -> RunResult:
    """Move the simulator to `day`'s audit time and scan the test X account."""
    now = night(scenario, day)
    simulator.set_now(now)
    return jobs.scan_account(load_config(config_path), "x-0", "nightly", now=now)
