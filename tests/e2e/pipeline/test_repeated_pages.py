"""Pages that repeat or overlap, per listing kind, through the real collectors and the store.

Cursor drift while items arrive (`overlap_pages`: a page starts with the previous page's last
items) and a platform answering the page before again with the same cursor (`repeat_page`) are
ordinary on Graph and X. Every listing kind below has more items than one page holds, so the
fault meets a real second page. Whatever the pages do: no run fails, every item is stored once,
and no event is recorded that did not happen. Both databases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.config import load_config
from modaudit.jobs import RunResult
from modaudit.sandbox import Fault, IGUser, Scenario, Simulator, User, XUser
from modaudit.store.engine import make_engine
from modaudit.store.schema import CommentObservation, Event, ListObservation, PostListing
from tests.support.ig_scenarios import IG_ACCOUNT
from tests.support.scenarios import PAGE, START, X_ACCOUNT, night

MANY = 130  # more than a Graph page (100), an X timeline or search page (100)
MANY_LISTED = 1010  # more than an X blocking or muting page (1,000)
POST = f"{PAGE.page_id}_1"
MEDIA = "17900000000000001"
TWEET = "1900000000000000001"


@dataclass(frozen=True)
class Kind:
    """One listing kind: the account scanned, the route the fault matches, what a whole listing
    stores in a run (`stored(session, run_id)`), and how many items it holds."""

    account: str
    route: str
    stored: Callable[[Session, int], tuple[int, int]]
    items: int
    night: int = 1  # X reads timelines and replies in full only on the first night


def comments_of(session: Session, run_id: int) -> tuple[int, int]:
    """(rows, distinct comments) observed by a run."""
    return tuple(session.execute(select(func.count(), func.count(distinct(
        CommentObservation.comment_id))).where(CommentObservation.run_id == run_id)).one())


def posts_of(session: Session, run_id: int) -> tuple[int, int]:
    """(rows, distinct posts) of a run's listings."""
    return tuple(session.execute(select(func.count(), func.count(distinct(PostListing.post_id)))
                                 .where(PostListing.run_id == run_id)).one())


def listed(list_name: str) -> Callable[[Session, int], tuple[int, int]]:
    """(rows, distinct users) of one list as a run observed it."""
    def count(session: Session, run_id: int) -> tuple[int, int]:
        return tuple(session.execute(select(func.count(), func.count(distinct(ListObservation.user_id)))
                                     .where(ListObservation.run_id == run_id,
                                            ListObservation.list_name == list_name)).one())
    return count


KINDS = {
    "facebook_posts": Kind("page-0", f"/{PAGE.page_id}/posts", posts_of, MANY + 1),
    "facebook_comments": Kind("page-0", f"/{POST}/comments", comments_of, MANY),
    "facebook_bans": Kind("page-0", f"/{PAGE.page_id}/blocked", listed("blocked"), MANY),
    "instagram_media": Kind("ig-0", f"/{IG_ACCOUNT.ig_user_id}/media", posts_of, MANY),
    "instagram_comments": Kind("ig-0", f"/{MEDIA}/comments", comments_of, MANY),
    "x_tweets": Kind("x-0", f"/2/users/{X_ACCOUNT.user_id}/tweets", posts_of, MANY, night=0),
    "x_replies": Kind("x-0", "/2/tweets/search/recent", comments_of, MANY, night=0),
    "x_blocking": Kind("x-0", "/blocking", listed("blocked"), MANY_LISTED),
    "x_muting": Kind("x-0", "/muting", listed("muted"), MANY_LISTED),
}


def crowded_scenario() -> Scenario:
    """A Page, an Instagram account and an X account, each with more of everything than a page."""
    s = Scenario(start=START, pages=[PAGE], instagram_accounts=[IG_ACCOUNT])
    s.x_accounts.append(X_ACCOUNT)
    before = s.day(-1, 8)
    s.post(before, PAGE.page_id, POST, "Yol çalışması duyurusu")
    for n in range(MANY):
        s.post(before + timedelta(minutes=n + 1), PAGE.page_id, f"{PAGE.page_id}_{1000 + n}",
               f"Duyuru {n}")
        s.comment(before + timedelta(minutes=n + 1), POST, f"{5000 + n}",
                  User(f"60{n:03d}", f"Yorumcu {n}"), f"Yorum {n}: İıŞş 🙂")
        s.ban(before + timedelta(minutes=n + 1), PAGE.page_id, User(f"70{n:03d}", f"Yasaklı {n}"))
        s.ig_media(before + timedelta(minutes=n), IG_ACCOUNT.ig_user_id,
                   MEDIA if n == 0 else f"179000000001{n:05d}", f"Paylaşım {n}")
    for n in range(MANY):
        s.ig_comment(before + timedelta(hours=1, minutes=n), MEDIA, f"17850000001{n:05d}",
                     IGUser(f"99000000001{n:04d}", f"kisi.{n}"), f"Yorum {n}")
    s.tweet(before, X_ACCOUNT.user_id, TWEET, "Duyuru: yol çalışması")
    for n in range(1, MANY):
        s.tweet(before + timedelta(minutes=n), X_ACCOUNT.user_id, f"19000000000001{n:05d}",
                f"Duyuru {n}")
    for n in range(MANY):
        s.reply(before + timedelta(hours=3, minutes=n), f"19100000000001{n:05d}", TWEET,
                XUser(f"18000000000001{n:05d}", f"kisi_{n}", f"Kişi {n}"), f"Yanıt {n}")
    for n in range(MANY_LISTED):
        user = XUser(f"18000000000002{n:05d}", f"liste_{n}", f"Listede {n}")
        s.x_block(before + timedelta(seconds=n), X_ACCOUNT.user_id, user)
        s.x_mute(before + timedelta(seconds=n), X_ACCOUNT.user_id, user)
    return s


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return crowded_scenario()


@pytest.fixture
def world(scenario: Scenario, migrated: str, write_config) -> Iterator[tuple[Simulator, Path, str]]:
    with Simulator(scenario) as simulator:
        config = write_config(migrated, simulator.base_url, [PAGE], x_accounts=(X_ACCOUNT,),
                              instagram_accounts=(IG_ACCOUNT,))
        yield simulator, config, migrated


def scan(world, scenario: Scenario, kind: Kind, day: int) -> RunResult:
    """The nightly scan of the kind's account on `day`."""
    simulator, config, _ = world
    now = night(scenario, day)
    simulator.set_now(now)
    return jobs.scan_account(load_config(config), kind.account, "nightly", now=now)


def events(db_url: str) -> int:
    """Events recorded so far, of every account."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Event))
    engine.dispose()
    return count


def stored(db_url: str, kind: Kind, run_id: int) -> tuple[int, int]:
    """What the kind's listing stored in a run: (rows, distinct items)."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        counts = kind.stored(session, run_id)
    engine.dispose()
    return counts


def fault_on(world, scenario: Scenario, name: str, route: str, day: int) -> None:
    """`name` on `route` during the audit of `day` only, from the second page on."""
    world[0].add_fault(Fault(name, path=route, overlap=3, start=scenario.day(day, 0),
                             end=scenario.day(day + 1, 0)))


@pytest.mark.parametrize("fault", ["overlap_pages", "repeat_page"])
@pytest.mark.parametrize("name", list(KINDS))
def test_repeated_or_overlapping_pages_store_each_item_once_and_record_nothing(
        scenario: Scenario, world, name: str, fault: str) -> None:
    kind = KINDS[name]
    simulator, _, db_url = world
    if kind.night:
        assert scan(world, scenario, kind, 0).status == "ok"
    recorded = events(db_url)
    fault_on(world, scenario, fault, kind.route, kind.night)
    result = scan(world, scenario, kind, kind.night)
    assert simulator.fault_counts[fault] > 0  # the fault met a second page
    rows, items = stored(db_url, kind, result.run_id)
    assert rows == items  # nothing stored twice
    if fault == "overlap_pages":  # every page came: the listing is whole, every item in it
        assert result.status == "ok", result.warnings
        assert items == kind.items
    else:  # the walk stopped on the repeated cursor: incomplete, never failed
        assert result.status == "partial"
        assert any("listing stopped" in w.message for w in result.warnings)
    if kind.night:  # (a first collection records what it finds already done)
        assert events(db_url) == recorded
    recorded = events(db_url)
    # The night after, without the fault: what a stopped listing lacked is not taken for gone.
    result = scan(world, scenario, kind, kind.night + 1)
    assert result.status == "ok", result.warnings
    assert events(db_url) == recorded
