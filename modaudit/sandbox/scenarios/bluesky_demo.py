"""The demo's Bluesky account: a municipality's week of posts, replies and public moderation records.

Every action happens between 08:00 and 20:00; the auditor runs at day(n, 23, 30) for n in 0..7.
Ground truth (`Scenario.ground_truth`): comment_hidden (day -1, before the first audit),
user_blocked (day 1), comment_hidden (day 2), quote_detached (day 2), replies_restricted (day 3),
user_blocked of a whole list (day 4), user_unblocked (day 5), replies_reopened (day 6). A reply its
author deletes (day 4) and a live reply the AppView shows as notFoundPost (from day 4) are no
findings.
"""

from __future__ import annotations

from datetime import datetime

from modaudit.sandbox.faults import Fault
from modaudit.sandbox.world.bluesky_actions import BskyActor
from modaudit.sandbox.world.bluesky_ids import did_plc
from modaudit.sandbox.world.scenario import Scenario

BSKY_ACCOUNT = BskyActor(
    did=did_plc("demo:denemebelediyesi"),
    handle="denemebelediyesi.bsky.social",
    display_name="Deneme Belediyesi",
    description="Deneme Belediyesi'nin resmî hesabı. Duyurular ve hizmet bilgileri.",
)

# fmt: off
BSKY_USERS = {
    key: BskyActor(did_plc(f"demo:{handle}"), handle, name)
    for key, handle, name in [
        ("ayse", "ayseyilmaz.bsky.social", "Ayşe Yılmaz"),
        ("mehmet", "mehmetozturk.bsky.social", "Mehmet Öztürk"),
        ("caglar", "caglaraydin.bsky.social", "Çağlar Aydın"),
        ("elif", "elifarslan.bsky.social", "Elif Arslan"),
        ("gulsen", "gulsendogan.bsky.social", "Gülşen Doğan"),
        ("murat", "muratkilic.bsky.social", "Murat Kılıç"),
        ("rojda", "rojdademir.bsky.social", "Rojda Demir"),
        ("trol", "gerceklerburada.bsky.social", "Gerçekler Burada 🔥"),
        ("spam", "kriptofirsat.bsky.social", "Kripto Fırsat 💰"),
    ]
}

# The municipality's posts: (key, day, "HH:MM", text).
POSTS = [
    ("p1", -2, "10:00", "Kış tedbirleri kapsamında karla mücadele ekiplerimiz 7/24 görev başında. ❄️"),
    ("p2", 1, "09:00", "Köprü onarımı nedeniyle Atatürk Caddesi 25 Kasım'a kadar trafiğe kapalıdır."),
    ("p3", 3, "11:00", "'Güvenli İnternet' seminerlerine başvurular başladı. 💻"),
    ("p4", 5, "10:00", "Yarın 09:00-13:00 arası Çarşı Mahallesi'nde planlı su kesintisi yapılacaktır. 💧"),
]

# Replies: (key, day, "HH:MM", author, text, replied-to key). Nobody replies to p2 while it is
# gated (day 3 10:00 to day 6 10:00); blocked accounts do not reply while blocked.
REPLIES = [
    ("r1", -2, "11:00", "ayse", "Ekiplere teşekkürler 👏 sabah yollar açıktı.", "p1"),
    ("r2", -1, "09:00", "trol", "Hepsi yalan, sahada kimse yok 😡", "p1"),
    ("r3", 1, "10:00", "mehmet", "Alternatif güzergâh çok uzun, ambulanslar nasıl geçecek?", "p2"),
    ("r4", 1, "11:00", "caglar", "Göz boyama bunlar, köprü 3 aydır bitmedi!", "p2"),
    ("r5", 1, "12:00", "elif", "Belediye ek servis koyacakmış, duyuruldu.", "r3"),
    ("r6", 3, "12:00", "gulsen", "Köy okullarına da gelinecek mi?", "p3"),
    ("r7", 3, "13:00", "murat", "Başvuru linki çalışmıyor, yanlış yazdım galiba.", "p3"),
    ("r8", 4, "10:00", "rojda", "Rojbaş! Kızım için başvurdum, teşekkürler 🌹", "p3"),
    ("r9", 5, "11:00", "murat", "Esnaf olarak önceden haber verdiğiniz için teşekkürler.", "p4"),
]
# fmt: on


def add_bluesky_demo(s: Scenario) -> dict[str, str]:
    """Add the demo Bluesky account's week to `s`; returns the at-uris of its posts and replies by key."""
    s.bluesky_accounts.append(BSKY_ACCOUNT)
    account = BSKY_ACCOUNT.did
    uris: dict[str, str] = {}
    for key, day, hhmm, text in POSTS:
        uris[key] = s.bsky_post(_at(s, day, hhmm), BSKY_ACCOUNT, text)
    for key, day, hhmm, author, text, parent in REPLIES:
        uris[key] = s.bsky_post(_at(s, day, hhmm), BSKY_USERS[author], text, reply_to=uris[parent])
    uris["q1"] = s.bsky_post(s.day(2, 10), BSKY_USERS["trol"], "Bu açıklamaya inanan var mı? 🤡",
                             quote_of=uris["p2"])  # fmt: skip

    # Before the first audit: a reply already hidden.
    s.bsky_hide_reply(s.day(-1, 15), uris["p1"], uris["r2"])
    # During the week.
    s.bsky_block(s.day(1, 14), account, BSKY_USERS["caglar"])
    s.bsky_hide_reply(s.day(2, 9), uris["p2"], uris["r4"])
    s.bsky_detach_quote(s.day(2, 16), uris["p2"], uris["q1"])
    s.bsky_threadgate(s.day(3, 10), uris["p2"], ("following",))  # keeps r4 hidden
    s.bsky_delete(s.day(4, 9), uris["r7"])  # by its author: not moderation
    members = (BSKY_USERS["trol"], BSKY_USERS["spam"])
    uris["list"] = s.bsky_list(s.day(4, 12), account, "Spam ve trol hesapları", members,
                               "Tekrarlayan spam ve hakaret içeren hesaplar.")  # fmt: skip
    s.bsky_listblock(s.day(4, 12, 5), account, uris["list"])
    s.bsky_appear_as(s.day(4, 15), uris["r8"], "notFound")  # the AppView's quirk: not moderation
    s.bsky_block(s.day(5, 14), account, BSKY_USERS["caglar"], blocked=False)
    s.bsky_threadgate(s.day(6, 10), uris["p2"], None)  # everyone again; r4 stays hidden

    s.faults.extend([
        # Day 3: one block listing answers 500; a collector retries or leaves that night incomplete.
        Fault("http500", path="/xrpc/com.atproto.repo.listRecords/app.bsky.graph.block",
              start=s.day(3, 0), end=s.day(4, 0), times=1),
        # Day 6: one thread request answers 429 with ratelimit-reset half a second ahead.
        Fault("xrpc_rate_limit", path="/xrpc/app.bsky.feed.getPostThread",
              start=s.day(6, 0), end=s.day(7, 0), times=1, reset_after=0.5),
    ])  # fmt: skip
    return uris


def _at(s: Scenario, day: int, hhmm: str) -> datetime:
    """Scenario time of day `day` at "HH:MM"."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return s.day(day, hour, minute)
