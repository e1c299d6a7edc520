"""A YouTube channel and a Bluesky account of one institution, each with the findings its
platform says in its own words: a held comment, a comment gone (actor unknown) and comments
turned off on a video; an account and a moderation list blocked, a reply hidden by a thread
gate, who may reply narrowed, and a quote detached by a post gate.

Built with the store's own functions (tests/support/stored_runs.py), no simulator. Ids are shaped
as the platforms' references show them (YouTube Data API v3 video and comment ids; AT Protocol
DIDs and `app.bsky.*` at-uris); the people are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from collectors.records import CommentRecord, DetachedQuote, NewEvent, UserListing, UserRecord
from modaudit.intake.tail import apply_rules
from modaudit.store import state, users
from modaudit.store.engine import make_engine
from modaudit.store.quotes import replace_detached
from modaudit.store.schema import Finding, Post, Run
from modaudit.web.portal.auth import hash_password
from tests.support.stored_runs import WRITTEN, StoredAccount, at

INSTITUTION = "Test Valiliği"  # StoredAccount's institution
PASSWORD = "doğru-parola-2026"

YOUTUBE = "belediye-yt"
VIDEO, VIDEO_TITLE = "dQw4w9WgXcQ", "Köprü açılış töreni"
CLOSED_VIDEO, CLOSED_TITLE = "M7lc1UVf-VE", "Meclis toplantısı, Kasım"
HELD, HELD_AUTHOR, HELD_TEXT = ("UgzKx3Ff1bqTm8NnQ5p4AaABAg", "Zeynep Arslan",
                                "Yol ne zaman açılacak?")
GONE, GONE_AUTHOR, GONE_TEXT = ("UgwQ8t7Jb2mVhP3sX1d4AaABAg", "Mert Doğan",
                                "Su kesintisi hâlâ sürüyor")

BLUESKY = "belediye-bsky"
DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"  # the institution's account
HANDLE = "belediye.bsky.social"
OTHER, OTHER_HANDLE = "did:plc:4ksjwqf2b3tdm6xjw5gqoyzl", "elifkaraca.bsky.social"
LIST, LIST_NAME = f"at://{OTHER}/app.bsky.graph.list/3kbqnzb7vv22e", "Eleştirenler"
POST_RKEY = "3l6oveex3ii2l"
POST, POST_TEXT = f"at://{DID}/app.bsky.feed.post/{POST_RKEY}", "Yeni park yarın açılıyor"
REPLY_RKEY, REPLY_TEXT = "3l6ovf7ptzq2a", "Park için ağaçlar kesildi mi?"
REPLY = f"at://{OTHER}/app.bsky.feed.post/{REPLY_RKEY}"
QUOTER = "did:plc:vwzwgnygau7ed7b7wt5ux7y2"
QUOTE_RKEY = "3l6ovgk2b5s2c"
QUOTE = f"at://{QUOTER}/app.bsky.feed.post/{QUOTE_RKEY}"
QUOTE_AUTHOR, QUOTE_TEXT = "kaanyildiz.bsky.social", "Şu açıklamaya bakın"


@dataclass(frozen=True)
class WordsWorld:
    """The finding ids by (account, kind[, "list"])."""

    ids: dict[str, int]


def _comment(platform_id: str, post: str, author: str, text: str, author_id: str) -> CommentRecord:
    return CommentRecord(platform_id=platform_id, post_id=post, parent_id=None, author_id=author_id,
                         author_name=author, message=text, created_at=WRITTEN, is_hidden=False,
                         raw={"id": platform_id})


def _event(kind: str, subject: str, *, post: str | None, actor: str = "account",
           source: str = "snapshot_diff", **evidence: object) -> NewEvent:
    return NewEvent(kind=kind, subject_id=subject, post_id=post, actor=actor, source=source,
                    occurred_after=at(0), occurred_before=at(24),
                    evidence={"before_first_seen": False, **evidence})


def _youtube(session: Session) -> list:
    channel = StoredAccount(session, YOUTUBE, "youtube")
    channel.run(at(0), {VIDEO: [_comment(HELD, VIDEO, HELD_AUTHOR, HELD_TEXT, "UCa1"),
                                _comment(GONE, VIDEO, GONE_AUTHOR, GONE_TEXT, "UCa2")],
                        CLOSED_VIDEO: []},
                reply_settings={VIDEO: "everyone", CLOSED_VIDEO: "everyone"})
    events = channel.record([
        _event("comment_hidden", HELD, post=VIDEO, status="heldForReview"),
        _event("comment_deleted", GONE, post=VIDEO, actor="unknown", source="lookup"),
        _event("replies_restricted", CLOSED_VIDEO, post=CLOSED_VIDEO,
               reply_settings="comments_disabled", previously="everyone"),
    ], at(24))
    for video, title in ((VIDEO, VIDEO_TITLE), (CLOSED_VIDEO, CLOSED_TITLE)):
        session.execute(update(Post).where(Post.account_id == channel.id, Post.platform_id == video)
                        .values(message=title))
    return events


def _bluesky(session: Session) -> list:
    account = StoredAccount(session, BLUESKY, "bluesky")
    account.run(at(0), {POST: [_comment(REPLY, POST, OTHER_HANDLE, REPLY_TEXT, OTHER)]},
                blocked=[], reply_settings={POST: "everyone"})
    events = account.record([
        _event("user_blocked", OTHER, post=None, source="record"),
        _event("user_blocked", LIST, post=None, source="record"),
        _event("comment_hidden", REPLY, post=POST),
        _event("replies_restricted", POST, post=POST, reply_settings="following,mention",
               previously="everyone"),
        _event("quote_detached", QUOTE, post=POST, quote_author=QUOTE_AUTHOR),
    ], at(24))
    # The quoting post's text is kept with the store's detached quote (retention erases it there).
    first_run = session.scalar(select(func.min(Run.id)).where(Run.account_id == account.id))
    replace_detached(session, account.id, first_run, [DetachedQuote(
        post_id=POST, quote_uri=QUOTE, record_uri=f"{POST}-gate", record_cid=None,
        recorded_at=at(1), quote_author=QUOTE_AUTHOR, quote_text=QUOTE_TEXT)], at(24))
    second = account.run(
        at(24), {POST: [_comment(REPLY, POST, OTHER_HANDLE, REPLY_TEXT, OTHER)]},
        reply_settings={POST: "following,mention"},
        blocked=UserListing(users=[UserRecord(OTHER, OTHER_HANDLE, {"subject": OTHER}),
                                   UserRecord(LIST, LIST_NAME, {"subject": LIST})],
                            complete=True))
    state.update_list_entries(session, account.id, second, "blocked", [], at(24))
    session.execute(update(Post).where(Post.account_id == account.id, Post.platform_id == POST)
                    .values(message=POST_TEXT))
    return events


def fill_words_store(db_url: str, password: str = PASSWORD) -> WordsWorld:
    """Both accounts, their findings, and a manager m@a.example of their institution."""
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        events = _youtube(session) + _bluesky(session)
        apply_rules(session, events, at(24))
        user = users.add_user(session, "m@a.example", "manager", [INSTITUTION], at(0))
        users.redeem_token(session, users.issue_token(session, user, at(0)),
                           hash_password(password), at(0))
        ids: dict[str, int] = {}
        for finding in session.scalars(select(Finding)):
            listed = "@list" if finding.subject_id == LIST else ""
            platform = "youtube" if finding.subject_id in (HELD, GONE, CLOSED_VIDEO) else "bluesky"
            ids[f"{platform}:{finding.kind}{listed}"] = finding.id
    engine.dispose()
    return WordsWorld(ids)


# The Bluesky account's block list now, as the report, /engellenenler and its CSV list it in
# Turkish: (name, what it is, id, its page on bsky.app).
BLOCKED: tuple[tuple[str, str, str, str], ...] = (
    (OTHER_HANDLE, "hesap", OTHER, f"https://bsky.app/profile/{OTHER}"),
    (LIST_NAME, "moderasyon listesi", LIST, f"https://bsky.app/profile/{OTHER}/lists/3kbqnzb7vv22e"),
)

# What each finding shows, in Turkish: its kind's words, its subject lines and its link.
EXPECTED: dict[str, tuple[str, tuple[str, ...], str]] = {
    "youtube:comment_hidden": (
        "yorum incelemeye alındı (herkese görünmüyor)",
        (f"Yorumu yazan: {HELD_AUTHOR}", HELD_TEXT, f"Videosu: kimlik {VIDEO}"),
        f"https://www.youtube.com/watch?v={VIDEO}&lc={HELD}"),
    "youtube:comment_deleted": (
        "yorum kaldırıldı (kanal reddetmiş ya da yazarı silmiş olabilir)",
        (f"Yorumu yazan: {GONE_AUTHOR}", GONE_TEXT, f"Videosu: kimlik {VIDEO}"),
        f"https://www.youtube.com/watch?v={VIDEO}&lc={GONE}"),
    "youtube:replies_restricted": (
        "videoda yorumlar kapatıldı",
        (f"Video: kimlik {CLOSED_VIDEO}", CLOSED_TITLE, "Yorumlar: yorumlar kapalı"),
        f"https://www.youtube.com/watch?v={CLOSED_VIDEO}"),
    "bluesky:user_blocked": (
        "hesap engellendi", (f"Hesap: {OTHER_HANDLE}",),
        f"https://bsky.app/profile/{OTHER}"),
    "bluesky:user_blocked@list": (
        "moderasyon listesi topluca engellendi", (f"Liste: {LIST_NAME}",),
        f"https://bsky.app/profile/{OTHER}/lists/3kbqnzb7vv22e"),
    "bluesky:comment_hidden": (
        "yanıt gizlendi (başlık kapısı)",
        (f"Yanıtı yazan: {OTHER_HANDLE}", REPLY_TEXT, f"Gönderisi: kimlik {POST}"),
        f"https://bsky.app/profile/{OTHER}/post/{REPLY_RKEY}"),
    "bluesky:replies_restricted": (
        "gönderiye kimlerin yanıt verebileceği daraltıldı",
        (POST_TEXT, "yalnızca hesabın takip ettikleri ve gönderide anılanlar yanıtlayabilir"),
        f"https://bsky.app/profile/{DID}/post/{POST_RKEY}"),
    "bluesky:quote_detached": (
        "gönderiyi alıntılayan bir gönderi ayrıldı (gönderi kapısı)",
        (f"Alıntılayan gönderi: kimlik {QUOTE}", f"Alıntılayan: {QUOTE_AUTHOR}", QUOTE_TEXT,
         f"Alıntılanan gönderi: kimlik {POST}"),
        f"https://bsky.app/profile/{QUOTER}/post/{QUOTE_RKEY}"),
}
