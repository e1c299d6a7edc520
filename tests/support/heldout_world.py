"""Held-out worlds: seeded random weeks of moderation with real-platform quirks, and their scores.

No test tunes detection on these seeds; they score it. Actions on one subject are at least two
nights apart (an un-event needs a second observation to be confirmed), moderated comments were
written before the first audit (which has no quirks: a comment never listed cannot be seen to
vanish), deletions hit comments without replies, and the last two nights are quiet, so every
action is observable by polling.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.config import load_config
from modaudit.sandbox import Fault, PageSpec, Scenario, Simulator, User, XAccountSpec, XUser
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_events
from tests.conftest import migrate_quickly
from tests.support.scenarios import START, night

ACTION_DAYS = range(1, 7)  # actions between the audits of night 0 and night 6
NIGHTS = 9  # nights 0..8; 7 and 8 are quiet
PAGE = PageSpec("910000000000001", "Denetim Valiliği", "heldout-page-token")
X = XAccountSpec(user_id="1710000000000000001", username="denetimvaliligi", name="Denetim Valiliği",
                 consumer_key="ho-ck", consumer_secret="ho-cs",
                 access_token="1710000000000000001-ho-at", access_token_secret="ho-ats",
                 oauth2_user_token="ho-oauth2", app_bearer_token="ho-app")
NAMES = ["Ayşe Kaya", "Mehmet Demir", "Rojda Aslan", "Şükrü Öz", "İlknur Çelik", "Hêvî Zana",
         "Ömer Şahin", "Gülten Ulu"]


@dataclass(frozen=True)
class Score:
    """How a week's recorded events compare with its ground truth."""

    truth: int
    recorded: int
    found: int

    @property
    def recall(self) -> float:
        """Share of the true actions that were recorded."""
        return self.found / self.truth if self.truth else 1.0

    @property
    def precision(self) -> float:
        """Share of the recorded moderation events that were true actions."""
        return self.found / self.recorded if self.recorded else 1.0


def score(truth: set[tuple[str, str]], recorded: set[tuple[str, str]]) -> Score:
    """Compare (kind, subject) pairs; a reply its author deleted on X is not moderation."""
    moderation = {pair for pair in recorded if pair[0] != "reply_deleted_by_author"}
    return Score(len(truth), len(moderation), len(truth & moderation))


class _Spacing:
    """Which subjects may be acted on today: none acted on less than two days before."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def free(self, subject: str, day: int) -> bool:
        return day - self.last.get(subject, -10) >= 3

    def use(self, subject: str, day: int) -> None:
        self.last[subject] = day


def page_week(seed: int) -> Scenario:
    """A Page with posts and comments over a week; hides, unhides, deletions, bans and unbans."""
    rng = random.Random(seed)
    s = Scenario(start=START, pages=[PAGE])
    users = [User(f"62000000000{n:02d}", name) for n, name in enumerate(NAMES)]
    comments: list[tuple[str, int]] = []  # (comment id, day written)
    for p in range(4):
        post = s.post(s.day(-3 + p, 9), PAGE.page_id, f"{PAGE.page_id}_{p + 1}", f"Duyuru {p + 1}")
        for c in range(rng.randint(4, 9)):
            day = -3 + p + rng.randint(0, 4)
            cid = f"{p + 1}{c:03d}{seed % 97:02d}"
            s.comment(s.day(day, 10, c), post, cid, rng.choice(users), f"Yorum {cid} İıŞş")
            comments.append((cid, day))
    hidden: set[str] = set()
    gone: set[str] = set()
    banned: set[str] = set()
    spacing = _Spacing()
    for day in ACTION_DAYS:
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["hide", "unhide", "delete", "ban", "unban"])
            at = s.day(day, rng.randint(8, 19), rng.randint(0, 59))
            live = [cid for cid, written in comments if written < 0 and cid not in gone
                    and spacing.free(cid, day)]
            if kind == "hide" and (pool := [c for c in live if c not in hidden]):
                cid = rng.choice(pool)
                s.hide(at, cid)
                hidden.add(cid)
                spacing.use(cid, day)
            elif kind == "unhide" and (pool := [c for c in live if c in hidden]):
                cid = rng.choice(pool)
                s.hide(at, cid, hidden=False)
                hidden.discard(cid)
                spacing.use(cid, day)
            elif kind == "delete" and live:
                cid = rng.choice(live)
                s.delete(at, cid, by="page")
                gone.add(cid)
                spacing.use(cid, day)
            elif kind in ("ban", "unban"):
                pool = [u for u in users if (u.user_id in banned) == (kind == "unban")
                        and spacing.free(u.user_id, day)]
                if pool:
                    user = rng.choice(pool)
                    s.ban(at, PAGE.page_id, user, banned=kind == "ban")
                    (banned.add if kind == "ban" else banned.discard)(user.user_id)
                    spacing.use(user.user_id, day)
    s.faults += _quirks(rng, s, graph=True, item_ids=[cid for cid, _ in comments],
                        user_ids=[u.user_id for u in users])
    return s


def x_week(seed: int) -> Scenario:
    """An X account's week: replies, blocks, mutes, reply restrictions, authors deleting replies."""
    rng = random.Random(seed)
    s = Scenario(start=START, pages=[], x_accounts=[X])
    users = [XUser(f"18100000000000000{n:02d}", f"kullanici{n}", name) for n, name in enumerate(NAMES)]
    tweets = [s.tweet(s.day(-2 + n, 9), X.user_id, f"19200000000000000{n:02d}", f"Duyuru {n}")
              for n in range(4)]
    replies: list[tuple[str, int]] = []
    for n, tweet in enumerate(tweets):
        for r in range(rng.randint(3, 7)):
            day = -2 + n + rng.randint(0, 3)
            rid = f"1930000000000{n:02d}{r:02d}{seed % 97:02d}"
            s.reply(s.day(day, 11, r), rid, tweet, rng.choice(users), f"Yanıt {rid}")
            replies.append((rid, day))
    state = {"blocked": set(), "muted": set(), "restricted": set()}
    spacing = _Spacing()
    for day in ACTION_DAYS:
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["block", "mute", "restrict", "author_delete"])
            at = s.day(day, rng.randint(8, 19), rng.randint(0, 59))
            if kind in ("block", "mute"):
                pool = [u for u in users if spacing.free(f"{kind}:{u.user_id}", day)]
                if pool:
                    user = rng.choice(pool)
                    relation = state["blocked" if kind == "block" else "muted"]
                    on = user.user_id not in relation
                    (s.x_block if kind == "block" else s.x_mute)(at, X.user_id, user, on)
                    (relation.add if on else relation.discard)(user.user_id)
                    spacing.use(f"{kind}:{user.user_id}", day)
            elif kind == "restrict" and (pool := [t for t in tweets[:2] if spacing.free(t, day)]):
                tweet = rng.choice(pool)
                restricted = tweet in state["restricted"]
                s.set_reply_settings(at, tweet, "everyone" if restricted else
                                     rng.choice(["following", "mentionedUsers"]))
                (state["restricted"].discard if restricted else state["restricted"].add)(tweet)
                spacing.use(tweet, day)
            elif kind == "author_delete":
                pool = [rid for rid, written in replies if written < day and spacing.free(rid, day)]
                if pool:
                    rid = rng.choice(pool)
                    s.delete_tweet(at, rid, by="author")
                    spacing.use(rid, day + 100)  # never again
    s.faults += _quirks(rng, s, graph=False, item_ids=[rid for rid, _ in replies],
                        user_ids=[u.user_id for u in users])
    return s


def _quirks(rng: random.Random, s: Scenario, *, graph: bool, item_ids: list[str],
            user_ids: list[str]) -> list[Fault]:
    """Two or three quirk nights among nights 1..6, never two in a row (so every action meets a
    clean night before the next one on its subject), two quirks each: glitches, cut listings,
    bad paging, missing or mistyped fields, errors without data."""
    faults: list[Fault] = []
    nights = rng.choice([(1, 3, 5), (2, 4, 6), (1, 4, 6), (1, 3, 6), (2, 5), (1, 4), (3, 6)])
    for quirk_night in nights:
        start = s.day(quirk_night, 21)
        end = start + timedelta(hours=5)
        listing = "/comments" if graph else "/2/tweets/search/recent"
        field = rng.choice(["is_hidden", "created_time", "id"] if graph else
                           ["created_at", "reply_settings", "id", "author_id"])
        choices = [
            Fault("omit", item_id=rng.choice(item_ids), start=start, end=end),
            Fault("omit", item_id=rng.choice(user_ids), start=start, end=end),
            Fault("cutoff", path=listing, after_items=rng.randint(1, 4), start=start, end=end),
            Fault("http500", path=listing, start=start, end=end),
            Fault("repeat_cursor", path=listing, after_items=1, start=start, end=end),
            Fault("empty_pages", path="/blocked" if graph else "/blocking", start=start, end=end),
            Fault("drop_field", field=field, start=start, end=end),
            Fault("retype_field", field=field, start=start, end=end),
        ]
        if graph:
            choices += [Fault("blank_since", path="/comments", start=start, end=end),
                        Fault("throttle_page", path=listing, start=start, end=end)]
        else:
            choices += [Fault("errors_only", path=rng.choice(["/blocking", "/muting"]),
                              start=start, end=end),
                        Fault("x_rate_limit_no_reset", path=listing, start=start, end=end)]
        faults += rng.sample(choices, 2)
    return faults


def run_week(scenario: Scenario, tmp_path: Path, write_config, account: str) -> tuple[set, set, list]:
    """Run a week of nights on a fresh SQLite file: (truth, recorded events, run statuses)."""
    url = f"sqlite:///{tmp_path / 'modaudit.db'}"
    migrate_quickly(url)
    engine = make_engine(url)
    statuses = []
    with Simulator(scenario) as simulator:
        simulator.timeout_sleep = 0.3
        config = write_config(url, simulator.base_url, scenario.pages,
                              x_accounts=tuple(scenario.x_accounts), timeout=1.0)
        for day in range(NIGHTS):
            simulator.set_now(night(scenario, day))
            statuses.append(jobs.scan_account(load_config(config), account, "nightly",
                                              now=night(scenario, day)).status)
    with Session(engine) as session:
        recorded = {(e.kind, e.subject_id) for e in list_events(session)}
    engine.dispose()
    truth = {(t.kind, t.subject_id) for t in scenario.ground_truth(until=night(scenario, NIGHTS - 1))}
    return truth, recorded, statuses
