"""Shared pieces of the Graph contract and quirk tests: a Page and an Instagram account, and calls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import requests

from modaudit.sandbox import IGAccountSpec, IGUser, PageSpec, Scenario, Simulator, User

VERSION = "v25.0"
START = datetime(2026, 11, 16, tzinfo=UTC)
PAGE = PageSpec("900100", "Test Valiliği", "page-token-graph")
NO_MODERATE = PageSpec("900200", "Analiz Müdürlüğü", "page-token-analyst",
                       tasks=("ANALYZE", "ADVERTISE", "CREATE_CONTENT"))
IG = IGAccountSpec("17841400000000001", "testvaliligi", "Test Valiliği", "ig-token-graph")
AYSE, OMER, TROLL = User("5001", "Ayşe Yılmaz"), User("5002", "Ömer Işık"), User("5003", "Trol")
IG_AYSE, IG_TROLL = IGUser("990000000000001", "ayse.y"), IGUser("990000000000003", "trol.hesap")
OLD_POST, POST, NEW_POST = "900100_1", "900100_2", "900100_3"
MEDIA = ("17900000000000001", "17900000000000002", "17900000000000003")

COMMENT_FIELDS = "id,from,message,created_time,is_hidden,parent,permalink_url"
POST_FIELDS = "id,message,created_time,permalink_url,comments.summary(true).limit(0)"
MEDIA_FIELDS = "id,caption,media_type,timestamp,permalink,comments_count,is_comment_enabled"
IG_COMMENT_FIELDS = "id,text,timestamp,username,hidden,from,parent_id"


def ig_comment(number: int) -> str:
    """An Instagram-style comment id."""
    return f"1785000000000{number:04d}"


def graph_scenario() -> Scenario:
    """Three posts (comments, a reply, a hidden and a deleted one, bans) and an IG account."""
    s = Scenario(start=START, pages=[PAGE, NO_MODERATE], instagram_accounts=[IG])
    s.post(s.day(-10, 9), PAGE.page_id, OLD_POST, "Eski duyuru")
    s.post(s.day(-2, 9), PAGE.page_id, POST, "Yol çalışması")
    s.post(s.day(-1, 9), PAGE.page_id, NEW_POST, "Aşı kampanyası")
    s.comment(s.day(-2, 10), POST, "900100_2_1", AYSE, "Teşekkürler 🙂")
    s.comment(s.day(-2, 11), POST, "900100_2_2", OMER, "Ne zaman?")
    s.comment(s.day(-2, 12), POST, "900100_2_3", TROLL, "<b>yalan</b>")
    s.comment(s.day(-2, 13), POST, "900100_2_4", AYSE, "Cevap", parent_id="900100_2_2")
    s.comment(s.day(-2, 14), POST, "900100_2_5", TROLL, "Silinecek")
    s.hide(s.day(-2, 15), "900100_2_3")
    s.delete(s.day(-2, 16), "900100_2_5")
    s.ban(s.day(-2, 17), PAGE.page_id, TROLL)
    s.post(s.day(-2, 9), NO_MODERATE.page_id, "900200_1", "Rapor")
    s.comment(s.day(-2, 10), "900200_1", "900200_1_1", AYSE, "Güzel")
    s.comment(s.day(-2, 11), "900200_1", "900200_1_2", OMER, "Katılıyorum", parent_id="900200_1_1")
    account = IG.ig_user_id
    s.ig_media(s.day(-3, 9), account, MEDIA[0], "Yol 🚧")
    s.ig_media(s.day(-2, 9), account, MEDIA[1], "Aşı")
    s.ig_media(s.day(-1, 9), account, MEDIA[2], "Anma", comments_enabled=False)
    s.ig_comment(s.day(-3, 10), MEDIA[0], ig_comment(1), IG_AYSE, "Teşekkürler")
    s.ig_comment(s.day(-3, 11), MEDIA[0], ig_comment(2), IG_TROLL, "Yalan")
    s.ig_comment(s.day(-3, 12), MEDIA[0], ig_comment(3), IG_AYSE, "Cevap", parent_id=ig_comment(2))
    s.ig_comment(s.day(-3, 13), MEDIA[0], ig_comment(4), IG_TROLL, "Silinecek")
    s.ig_hide(s.day(-3, 14), ig_comment(2))
    s.ig_delete(s.day(-3, 15), ig_comment(4))
    return s


@contextmanager
def running(scenario: Scenario | None = None) -> Iterator[Simulator]:
    """A simulator over `scenario` (default: graph_scenario) with its clock on day 0."""
    scenario = scenario or graph_scenario()
    with Simulator(scenario) as simulator:
        simulator.set_now(scenario.day(0, 12))
        yield simulator


def get(sim: Simulator, path: str, token: str | None = PAGE.token, **params: Any) -> requests.Response:
    """GET /v25.0/{path} with a token in the access_token query parameter, as modaudit sends it."""
    if token is not None:
        params["access_token"] = token
    return requests.get(f"{sim.base_url}/{VERSION}/{path.lstrip('/')}", params=params, timeout=5)


def follow(url: str) -> dict[str, Any]:
    """GET a paging link as given (it carries the token)."""
    response = requests.get(url, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()
