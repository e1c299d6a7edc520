"""A Bluesky scenario big enough for paging at the lexicons' limits, with every record kind and quirk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from modaudit.sandbox import Scenario, Simulator
from modaudit.sandbox.world.bluesky_actions import BskyActor
from modaudit.sandbox.world.bluesky_ids import did_plc

START = datetime(2026, 3, 2, tzinfo=UTC)
ACCOUNT = BskyActor(did_plc("test:kaymakamlik"), "denemekaymakamligi.bsky.social", "Deneme Kaymakamlığı",
                    "Resmî hesap.")  # fmt: skip
PEOPLE = [
    BskyActor(did_plc(f"test:kisi{n}"), f"kisi{n}.bsky.social", f"Kişi {n} Çınar") for n in range(230)
]
BLOCKS, POSTS, MEMBERS = 230, 120, 130  # more than two pages of 100 each (one for posts)


def contract_scenario() -> tuple[Scenario, dict[str, str]]:
    """The account's posts, replies (nested, quoted, hidden), gates, a big list, many blocks."""
    s = Scenario(start=START, pages=[], bluesky_accounts=[ACCOUNT])
    uris: dict[str, str] = {}
    for n in range(POSTS):  # one post an hour from day 0 08:00; the first is the thread root
        uris[f"post{n}"] = s.bsky_post(s.day(0, 8) + timedelta(hours=n), ACCOUNT, f"Duyuru {n} 📢")
    root = uris["post0"]
    ayse, omer, trol, gulsen = PEOPLE[0], PEOPLE[1], PEOPLE[2], PEOPLE[3]
    uris["r1"] = s.bsky_post(s.day(6, 9), ayse, "Teşekkürler 🙏", reply_to=root)
    uris["r2"] = s.bsky_post(s.day(6, 10), omer, "Ne zaman bitecek?", reply_to=root)
    uris["r2a"] = s.bsky_post(s.day(6, 11), ACCOUNT, "Mart sonunda.", reply_to=uris["r2"])
    uris["r3"] = s.bsky_post(s.day(6, 12), trol, "Yalan 🤡", reply_to=root)
    uris["r4"] = s.bsky_post(s.day(6, 13), gulsen, "Köyümüze de gelin.", reply_to=root)
    uris["r5"] = s.bsky_post(s.day(6, 14), PEOPLE[4], "Sildiğim yanıt.", reply_to=root)
    uris["q1"] = s.bsky_post(s.day(6, 15), trol, "Şuna bakın 😂", quote_of=root)
    uris["q2"] = s.bsky_post(s.day(6, 16), ayse, "Önemli duyuru", quote_of=uris["post1"])
    uris["list"] = s.bsky_list(s.day(7, 8), ACCOUNT.did, "Engellenenler", tuple(PEOPLE[:MEMBERS]),
                               "Spam hesaplar")  # fmt: skip
    s.bsky_listblock(s.day(7, 9), ACCOUNT.did, uris["list"])
    s.bsky_hide_reply(s.day(7, 10), root, uris["r3"])
    s.bsky_threadgate(s.day(7, 11), root, ("mention", "following", uris["list"]))
    s.bsky_threadgate(s.day(7, 12), uris["post1"], ())
    s.bsky_detach_quote(s.day(7, 13), root, uris["q1"])
    s.bsky_delete(s.day(7, 14), uris["r5"])
    s.bsky_appear_as(s.day(7, 15), uris["r4"], "blocked")
    s.bsky_appear_as(s.day(7, 15, 30), uris["r2"], "notFound")
    for n, person in enumerate(PEOPLE[:BLOCKS]):
        s.bsky_block(s.day(8, 8) + timedelta(seconds=n), ACCOUNT.did, person)
    s.validate()
    return s, uris


@contextmanager
def simulating(scenario: Scenario, now: datetime) -> Iterator[Simulator]:
    """A running simulator with its clock at `now`."""
    with Simulator(scenario) as sim:
        sim.set_now(now)
        yield sim
