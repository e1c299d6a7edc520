"""A small Instagram scenario for tests: one professional account, three media, a few commenters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from modaudit import jobs
from modaudit.config import load_config
from modaudit.jobs import RunResult
from modaudit.sandbox import IGAccountSpec, IGUser, Scenario, Simulator
from tests.support.scenarios import START, TRICKY_TEXT, night

IG_ACCOUNT = IGAccountSpec(ig_user_id="17841400000000001", username="testvaliligi",
                           name="Test Valiliği", token="ig-page-token-CANARY-91ab")
IG_AYSE = IGUser("990000000000001", "ayse.yilmaz")
IG_ROJDA = IGUser("990000000000002", "rojda_<b>demir</b>")
IG_TROLL = IGUser("990000000000003", "trol.hesap")
MEDIA = ("17900000000000001", "17900000000000002", "17900000000000003")


def comment_id(number: int) -> str:
    """An Instagram-style comment id."""
    return f"1785000000000{number:04d}"


def small_ig_scenario() -> Scenario:
    """Three media before day 0 (the third with comments off), five comments and one reply."""
    s = Scenario(start=START, pages=[], instagram_accounts=[IG_ACCOUNT])
    account = IG_ACCOUNT.ig_user_id
    s.ig_media(s.day(-3, 9), account, MEDIA[0], "Yol çalışması duyurusu 🚧")
    s.ig_media(s.day(-2, 9), account, MEDIA[1], "Aşı kampanyası")
    s.ig_media(s.day(-1, 9), account, MEDIA[2], "Anma töreni", comments_enabled=False)
    s.ig_comment(s.day(-3, 10), MEDIA[0], comment_id(1), IG_AYSE, "Teşekkürler 🙏")
    s.ig_comment(s.day(-3, 11), MEDIA[0], comment_id(2), IG_ROJDA, "Rojbaş, kengê diqede?")
    s.ig_comment(s.day(-3, 12), MEDIA[0], comment_id(3), IG_TROLL, TRICKY_TEXT)
    s.ig_comment(s.day(-3, 13), MEDIA[0], comment_id(4), IG_AYSE, "Cevap verir misiniz?",
                 parent_id=comment_id(2))
    s.ig_comment(s.day(-2, 10), MEDIA[1], comment_id(5), IG_ROJDA, "Randevu nasıl alınır?")
    s.ig_comment(s.day(-2, 11), MEDIA[1], comment_id(6), IG_TROLL, "Hepsi yalan")
    return s


def moderated_ig_scenario() -> Scenario:
    """The small scenario with comment 3 hidden and comment 6 deleted by the account before night 0."""
    s = small_ig_scenario()
    s.ig_hide(s.day(-1), comment_id(3))
    s.ig_delete(s.day(0, 12), comment_id(6))
    return s


@contextmanager
def simulating(scenario: Scenario) -> Iterator[Simulator]:
    """A running simulator whose clock is at the first night's audit."""
    with Simulator(scenario) as simulator:
        simulator.set_now(night(scenario, 0))
        yield simulator


def audit_ig_night(config_path: Path, simulator: Simulator, scenario: Scenario, day: int) -> RunResult:
    """Move the simulator to `day`'s audit time and scan the test Instagram account."""
    now = night(scenario, day)
    simulator.set_now(now)
    return jobs.scan_account(load_config(config_path), "ig-0", "nightly", now=now)
