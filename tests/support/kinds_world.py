"""One X account with a finding of each subject: a post whose replies were restricted, a user
blocked (named), a user muted (no name given), a comment hidden; for the tests that each kind is
said in its own words (portal, report, CSV).

Built with the store's own functions (tests/support/stored_runs.py); X's `reply_settings` values
are those of the X API v2 Tweet object (everyone, following, mentionedUsers, …).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.records import NewEvent, UserListing, UserRecord
from modaudit.intake.tail import apply_rules
from modaudit.store import state, users
from modaudit.store.engine import make_engine
from modaudit.store.schema import Finding, Post
from modaudit.web.portal.auth import hash_password
from tests.support.stored_runs import StoredAccount, at, comment, new_event

ACCOUNT = "valilik-x"
POST_ID = "1861000000000000002"  # a post id as X writes them (snowflake)
# The post as the audit stored it: markup that must stay text, a control that must show.
POST_TEXT = "Köprü <b>açıldı</b>\x1b[2J, yorumlarınızı bekliyoruz"
COMMENT_ID = "1861000000000000009"
COMMENT_TEXT = "Köprü hâlâ kapalı!"
BLOCKED, BLOCKED_NAME = "1500000000000000001", "Çağlar Aydın"
MUTED = "1500000000000000002"  # the muting list gave no name
PASSWORD = "doğru-parola-2026"


@dataclass(frozen=True)
class KindsWorld:
    """The finding ids by what they are about."""

    post: int
    blocked: int
    muted: int
    comment: int


def fill_kinds_store(db_url: str, password: str = PASSWORD) -> KindsWorld:
    """The account, its four findings, and a manager m@a.example of its institution."""
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        account = StoredAccount(session, ACCOUNT, "x")
        muted = UserListing(users=[UserRecord(MUTED, None, {"id": MUTED})], complete=True)
        account.run(at(0), {POST_ID: [comment(COMMENT_ID, POST_ID, text=COMMENT_TEXT)]},
                    blocked=[], muted=UserListing(users=[], complete=True),
                    reply_settings={POST_ID: "everyone"})
        restricted = NewEvent(kind="replies_restricted", subject_id=POST_ID, post_id=POST_ID,
                              actor="account", source="snapshot_diff", occurred_after=at(0),
                              occurred_before=at(24),
                              evidence={"reply_settings": "following", "previously": "everyone",
                                        "before_first_seen": False})
        events = account.record([
            restricted,
            new_event("user_blocked", BLOCKED, at(24), after=at(0), post=None),
            new_event("user_muted", MUTED, at(24), after=at(0), post=None),
            new_event("comment_hidden", COMMENT_ID, at(24), after=at(0), post=POST_ID)], at(24))
        hidden = comment(COMMENT_ID, POST_ID, text=COMMENT_TEXT, hidden=True)
        second = account.run(
            at(24), {POST_ID: [hidden]}, muted=muted, reply_settings={POST_ID: "following"},
            blocked=UserListing(users=[UserRecord(BLOCKED, BLOCKED_NAME, {"id": BLOCKED})],
                                complete=True))
        for list_name in ("blocked", "muted"):  # the current state the scan's diff keeps
            state.update_list_entries(session, account.id, second, list_name, [], at(24))
        # Stored runs give every post the text "post <id>": this one gets a text to show.
        session.scalars(select(Post).where(Post.platform_id == POST_ID)).one().message = POST_TEXT
        apply_rules(session, events, at(24))
        user = users.add_user(session, "m@a.example", "manager", ["Test Valiliği"], at(0))
        users.redeem_token(session, users.issue_token(session, user, at(0)),
                           hash_password(password), at(0))
        found = {f.kind: f.id for f in session.scalars(select(Finding))}
    engine.dispose()
    return KindsWorld(post=found["replies_restricted"], blocked=found["user_blocked"],
                      muted=found["user_muted"], comment=found["comment_hidden"])

