"""A month of one busy Page and one busy X account, for the API-cost benchmark and its tests.

Both accounts already exist when the audit starts (`history_days` of the same life before day
0). Each day both post `posts_per_day` times; each post gets `comments` comments (replies on X)
from 3,000 citizens over its first three days, and a trickle of one more on days 5, 10, 17 and 26
of its age. 200 users are blocked (banned) before the first audit. Two moderation actions a day
on each account on days 1 to `days` (night 0 is the first audit): one on a post under 3 days
old, the other, until day `days` - 9, on a post 8-21 days old (so the schedule's worst gap, 9
days, still falls inside the month): on
Facebook hides, deletions and bans; on X reply restrictions, blocks and mutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from modaudit.sandbox.world.scenario import PageSpec, Scenario, User
from modaudit.sandbox.world.x import XAccountSpec, XUser

PAGE = PageSpec("204857600000001", "Örnek Büyükşehir Belediyesi", "cost-page-token")
X_ACCOUNT = XAccountSpec(
    user_id="1690000000000000001", username="ornekbuyuksehir", name="Örnek Büyükşehir",
    consumer_key="cost-consumer-key", consumer_secret="cost-consumer-secret",  # noqa: S106
    access_token="1690000000000000001-cost-access-token",  # noqa: S106
    access_token_secret="cost-access-token-secret",  # noqa: S106
    oauth2_user_token="cost-oauth2-user-token", app_bearer_token="cost-app-token")  # noqa: S106
TRICKLE_DAYS = (5, 10, 17, 26)  # days of a post's age with one late comment
POST_HOURS = (8, 10, 12, 14, 16, 18, 20)
X_BASE = 1_870_000_000_000_000_000  # X ids grow with time, like snowflakes


@dataclass
class CostWorld:
    """The scenario and what the benchmark needs to know about it."""

    scenario: Scenario
    days: int
    action_times: dict[tuple[str, str], datetime] = field(default_factory=dict)
    old_post_actions: set[tuple[str, str]] = field(default_factory=set)


def _x_id(at: datetime, start: datetime, seq: int) -> str:
    return str(X_BASE + int((at - start).total_seconds() + 1e8) * 1000 + seq % 1000)


def cost_scenario(start: datetime, days: int = 30, posts_per_day: int = 5, comments: int = 40,
                  blocked: int = 200, seed: int = 14, history_days: int = 30) -> CostWorld:
    """Build the month (see the module docstring); actions happen on days 0..days-1."""
    rng = random.Random(seed)
    s = Scenario(start=start, pages=[PAGE])
    s.x_accounts.append(X_ACCOUNT)
    fb_users = [User(f"7155{n:08d}", f"Vatandaş {n}") for n in range(blocked + 3000)]
    x_users = [XUser(f"17000000000{n:08d}", f"vatandas{n}", f"Vatandaş {n}")
               for n in range(blocked + 3000)]
    world = CostWorld(s, days)
    listed_from = start - timedelta(days=history_days + 1)
    for n in range(blocked):  # the lists both accounts start with
        s.ban(listed_from + timedelta(minutes=n), PAGE.page_id, fb_users[n])
        s.x_block(listed_from + timedelta(minutes=n), X_ACCOUNT.user_id, x_users[n])
    commenters = fb_users[blocked:]
    fb_posts: list[tuple[str, datetime, list[tuple[str, datetime]]]] = []
    x_posts: list[tuple[str, datetime]] = []
    seq = 0
    for day in range(-history_days, days):
        for k in range(posts_per_day):
            at = s.day(day, POST_HOURS[k % len(POST_HOURS)])
            number = (day + history_days) * 10 + k + 1
            post_id = s.post(at, PAGE.page_id, f"{PAGE.page_id}_{number}", f"Duyuru {day}-{k}")
            tweet_id = s.tweet(at, X_ACCOUNT.user_id, _x_id(at, start, seq), f"Duyuru {day}-{k}")
            seq += 1
            times = sorted(at + timedelta(minutes=rng.randrange(10, 72 * 60)) for _ in range(comments))
            times += [at + timedelta(days=d - 1, hours=rng.randrange(1, 20)) for d in TRICKLE_DAYS]
            listed = []
            for c, when in enumerate(times):
                author = rng.choice(commenters)
                comment_id = s.comment(when, post_id, f"{number}_{c + 1}", author, f"Yorum {c}")
                listed.append((comment_id, when))
                x_author = rng.choice(x_users[blocked:])
                s.reply(when, _x_id(when, start, seq), tweet_id, x_author, f"Yanıt {c}")
                seq += 1
            fb_posts.append((post_id, at, listed))
            x_posts.append((tweet_id, at))
    _moderate(world, rng, fb_posts, x_posts, commenters, x_users[blocked:])
    s.validate()
    return world


def _moderate(world: CostWorld, rng: random.Random, fb_posts: list, x_posts: list,
              fb_users: list[User], x_users: list[XUser]) -> None:
    """Two actions a day per account: on a young post, and (until 10 days before the end) an old one."""
    s = world.scenario
    touched: set[str] = set()
    restricted: set[str] = set()
    banned: set[str] = set()
    for day in range(1, world.days + 1):  # after the first audit (night 0): what it saw can vanish
        for n in range(2):
            at = s.day(day, 21, 0) + timedelta(minutes=30 * n)
            old = n == 1 and day <= world.days - 9
            ages = (8, 21) if old else (0, 2)  # young: under 3 days, re-listed that night
            def seen(comments: list, at: datetime = at) -> list[str]:
                # Comments the audit saw the night before, not moderated yet.
                return [c for c, when in comments if when < at - timedelta(days=1)
                        and c not in touched]
            fb_choices = [p for p in fb_posts
                          if ages[0] <= (at - p[1]).days <= ages[1] and seen(p[2])]
            kind = (day + n) % 3
            if kind == 2 or not fb_choices:
                user = rng.choice([u for u in fb_users if u.user_id not in banned])
                banned.add(user.user_id)
                s.ban(at, PAGE.page_id, user)
                world.action_times[("user_blocked", user.user_id)] = at
            else:
                _, _, comments = rng.choice(fb_choices)
                comment_id = rng.choice(seen(comments))
                touched.add(comment_id)
                event = "comment_hidden" if kind == 0 else "comment_deleted"
                (s.hide if kind == 0 else s.delete)(at, comment_id)
                world.action_times[(event, comment_id)] = at
                if old:
                    world.old_post_actions.add((event, comment_id))
            x_choices = [t for t, when in x_posts if ages[0] <= (at - when).days <= ages[1]
                         and t not in restricted and when < at - timedelta(hours=2)]
            if (day + n) % 2 == 0 and x_choices:
                tweet_id = rng.choice(x_choices)
                restricted.add(tweet_id)
                s.set_reply_settings(at, tweet_id, "following")
                world.action_times[("replies_restricted", tweet_id)] = at
                if old:
                    world.old_post_actions.add(("replies_restricted", tweet_id))
            else:
                user = rng.choice([u for u in x_users if u.user_id not in banned])
                banned.add(user.user_id)
                (s.x_block if n == 0 else s.x_mute)(at, X_ACCOUNT.user_id, user)
                world.action_times[("user_blocked" if n == 0 else "user_muted", user.user_id)] = at
