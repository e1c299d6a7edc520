"""Held-out YouTube weeks: a district governorate's channel, seeded moderation and real quirks.

No test tunes detection on these seeds; they score it. As in heldout_world: actions on one
subject are at least three days apart (an un-event needs a second observation), moderated
comments were written before the first audit saw them (night 0), and the last two nights are
quiet. The channel's own moderation: holds (heldForReview or likelySpam) and approvals, rejections
(some banning the author, some taking replies with them), authors deleting their comments,
comments turned off and on. YouTube's own filter: a comment in likelySpam before the first audit
and another mid-week, neither a finding. Quirks on fixed nights, never two in a row: a 500 once
and a live comment left out of a listing (night 1), a repeating nextPageToken on a thread's
replies (night 3), the day's quota spent from the first thread listing on (night 5).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from modaudit.sandbox import Fault, Scenario
from modaudit.sandbox.world.youtube import YTAuthor, YTChannelSpec
from tests.support.scenarios import START

NIGHTS = 9  # nights 0..8; 7 and 8 are quiet
CHANNEL = YTChannelSpec(
    channel_id="UCdenetimKaymakamligi001", title="Denetim Kaymakamlığı",
    handle="@denetimkaymakamligi", client_id="333-heldout.apps.googleusercontent.com",
    client_secret="GOCSPX-heldout-secret", refresh_token="1//heldout-refresh-token",
)
NAMES = ["@hacerbulut", "@kemalyavuz", "@berfinkaya", "@sinanakin", "@nurcanerdem", "@baranzana",
         "@tulayozkan", "@yusufcan"]
SPAMMER = YTAuthor("UChizliKazanc00000000099", "@hizlikazanc")
BUSY_REPLIES = 205  # more than two pages of comments.list: a third page to repeat a token on


def video_id(n: int) -> str:
    """An eleven-character video id."""
    return f"DnKymVid{n:03d}"


def comment_id(video: int, n: int, seed: int) -> str:
    """A top-level comment's id, YouTube-shaped."""
    return f"UgzDnK{video}{n:03d}s{seed % 97:02d}4AaABAg"


def reply_id(parent: str, n: int) -> str:
    """A reply's id: its comment's, a dot, its own part."""
    return f"{parent}.9zYanit{n:04d}"


class _Spacing:
    """Which subjects may be acted on today: none acted on less than three days before."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def free(self, subject: str, day: int) -> bool:
        return day - self.last.get(subject, -10) >= 3

    def use(self, subject: str, day: int) -> None:
        self.last[subject] = day


def yt_week(seed: int) -> Scenario:
    """A channel's week: four videos, threads with replies, the channel's moderation, quirks."""
    rng = random.Random(seed)
    s = Scenario(start=START, pages=[], youtube_channels=[CHANNEL])
    authors = [YTAuthor(f"UCizleyici{n:02d}{seed:04d}0000000000", name)
               for n, name in enumerate(NAMES)]
    videos = [s.yt_video(s.day(-3 + n, 9), CHANNEL.channel_id, video_id(n + 1),
                         f"Duyuru {n + 1}: İlçemizde çalışmalar") for n in range(4)]
    comments: list[str] = []  # top-level and replies, all written before night 0
    parents: dict[str, str] = {}
    video_of: dict[str, str] = {}
    for n, video in enumerate(videos):
        for c in range(rng.randint(3, 6)):
            top = s.yt_comment(s.day(-3 + n, 10 + c), video, comment_id(n + 1, c, seed),
                               rng.choice(authors), f"Yorum {c} İıŞşĞğ 🙂")
            comments.append(top)
            video_of[top] = video
            for r in range(rng.randint(0, 2)):
                reply = s.yt_comment(s.day(-3 + n, 10 + c, 30 + r), video, reply_id(top, r),
                                     rng.choice(authors), f"Yanıt {r}", parent_id=top)
                comments.append(reply)
                parents[reply] = top
                video_of[reply] = video
    # YouTube's own filter, before the first audit: state, never a finding; so is the channel's
    # approval of it (day 2), which closes nothing.
    spam = s.yt_comment(s.day(0, 12), videos[3], comment_id(9, 1, seed), SPAMMER,
                        "Kazanç 👉 site.example", likely_spam=True)
    s.yt_approve(s.day(2, 12), spam)
    # A busy thread on the last video (never turned off): replies paged three times a night.
    busy = comment_id(4, 99, seed)
    s.yt_comment(s.day(0, 18), videos[3], busy, authors[0], "Sorular bu başlığa lütfen")
    for r in range(BUSY_REPLIES):
        s.yt_comment(s.day(0, 18, 1) + timedelta(seconds=r), videos[3], reply_id(busy, r),
                     authors[r % len(authors)], f"Soru {r}", parent_id=busy)
    _moderate(rng, s, videos[:3], comments, parents, video_of)
    # A mid-week comment YouTube's filter sets aside at once (first seen in likelySpam: state).
    s.yt_comment(s.day(4, 9), videos[3], comment_id(9, 2, seed), SPAMMER, "Bedava 👉 coin.example",
                 likely_spam=True)
    s.faults += _quirks(s, reply_id(busy, 150))  # on the second page of its replies
    s.validate()
    return s


def _moderate(rng: random.Random, s: Scenario, switchable: list[str], comments: list[str],
              parents: dict[str, str], video_of: dict[str, str]) -> None:
    """One to three of the channel's actions a day, days 1..6, each subject spaced.

    No comment is acted on while its video's comments are off, or on the day they are switched
    (YouTube lists nothing of such a video: the action could not be seen).
    """
    status: dict[str, str] = dict.fromkeys(comments, "published")
    held: set[str] = set()  # held by the channel (its approval is an un-event)
    off: set[str] = set()
    spacing = _Spacing()
    for day in range(1, 7):
        touched: set[str] = set()  # videos whose comments were acted on today
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["hold", "approve", "reject", "author_delete", "comments"])
            at = s.day(day, rng.randint(8, 19), rng.randint(0, 59))
            live = [c for c in comments if status[c] != "gone" and spacing.free(c, day)
                    and spacing.free(parents.get(c, c), day) and video_of[c] not in off
                    and spacing.free(video_of[c], day + 2)]
            if kind == "hold" and (pool := [c for c in live if status[c] == "published"]):
                cid = rng.choice(pool)
                status[cid] = rng.choice(["heldForReview", "likelySpam"])
                s.yt_hold(at, cid, status[cid])
                held.add(cid)
            elif kind == "approve" and (pool := [c for c in live if c in held]):
                cid = rng.choice(pool)
                s.yt_approve(at, cid)
                status[cid] = "published"
                held.discard(cid)
            elif kind in ("reject", "author_delete") and live:
                cid = rng.choice(live)
                if kind == "reject":
                    s.yt_reject(at, cid, ban_author=rng.random() < 0.3)
                else:
                    s.yt_author_delete(at, cid)
                for gone in [cid] + [r for r, p in parents.items() if p == cid]:
                    status[gone] = "gone"
                    held.discard(gone)
            elif kind == "comments" and (pool := [v for v in switchable if spacing.free(v, day)
                                                  and v not in touched]):
                video = rng.choice(pool)
                s.yt_comments(at, video, enabled=video in off)
                (off.discard if video in off else off.add)(video)
                cid = video
            else:
                continue
            spacing.use(cid, day)
            touched.add(video_of.get(cid, cid))


def _quirks(s: Scenario, omitted: str) -> list[Fault]:
    """The quirks of nights 1, 3 and 5 (each from 21:00 for five hours); `omitted` is a live
    comment the night-1 listing leaves out with no error."""
    def window(night: int) -> dict:
        start = s.day(night, 21)
        return {"start": start, "end": start + timedelta(hours=5)}

    return [
        Fault("http500", path="/youtube/v3/commentThreads", times=1, **window(1)),
        Fault("omit", item_id=omitted, **window(1)),
        Fault("repeat_cursor", path="/youtube/v3/comments", after_items=1, **window(3)),
        Fault("quota_exceeded", path="/youtube/v3/commentThreads", **window(5)),
    ]


def write_yt_config(path: Path, db_url: str, base_url: str, channel: YTChannelSpec,
                    setenv: Callable[[str, str], None], extra: str = "") -> Path:
    """A modaudit.toml auditing `channel` as account "yt-0" on the simulator, every video every
    night of its first 30 days; the OAuth client and refresh token are set by `setenv`."""
    lines = [
        "[database]", f'url = "{db_url}"',
        "[youtube]", f'api_base_url = "{base_url}"', f'token_uri = "{base_url}/token"',
        "[collect]", "timeout_seconds = 2.0", "max_retries = 2", "backoff_seconds = 0.01",
        f"recheck_days = {list(range(1, 31))}", extra,
        "[[accounts]]", 'name = "yt-0"', 'platform = "youtube"',
        f'account_id = "{channel.channel_id}"', f'handle = "{channel.handle}"',
        'institution = "Denetim Kaymakamlığı"',
    ]
    for key in ("client_id", "client_secret", "refresh_token"):
        setenv(f"TEST_YT_{key.upper()}", getattr(channel, key))
        lines.append(f'{key}_env = "TEST_YT_{key.upper()}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
