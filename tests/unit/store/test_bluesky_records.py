"""The store's side of Bluesky's records: a block's createdAt and evidence kept per list entry,
the blocked account's replies seen, and the detached quotes a complete read replaces."""

from __future__ import annotations

from sqlalchemy.orm import Session

from collectors.records import DetachedQuote, UserListing, UserRecord
from modaudit.store import quotes
from modaudit.store.changes import list_changes, replies_by_authors
from modaudit.store.retention import purge
from modaudit.store.schema import Run
from tests.support.stored_runs import StoredAccount, at, comment

BLOCKED = "did:plc:caglaraydin3ka4lb5mc6nd7"
RECORD = {"uri": "at://did:plc:belediye/app.bsky.graph.block/3lcn5", "cid": "bafyreiblock",
          "createdAt": "2026-03-02T14:00:00.000Z", "kind": "block"}


def blocks(*users: UserRecord) -> UserListing:
    """A complete block listing."""
    return UserListing(users=list(users), complete=True)


def test_a_block_records_time_and_evidence_reach_the_list_change(session: Session) -> None:
    """recorded_at and the record as the collector read them; an X-style entry has neither."""
    account = StoredAccount(session, "bsky", "bluesky")
    run = account.run(at(24), {}, blocked=blocks(
        UserRecord(BLOCKED, "caglaraydin.bsky.social", RECORD, recorded_at=at(12)),
        UserRecord("did:plc:undated", None, {"id": "x"})))
    changes = {c.user_id: c for c in list_changes(session, account.id, run, "blocked")}
    assert (changes[BLOCKED].recorded_at, changes[BLOCKED].record) == (at(12), RECORD)
    assert (changes["did:plc:undated"].recorded_at, changes["did:plc:undated"].record) == (None, None)


def test_the_blocked_accounts_replies_seen_newest_first(session: Session) -> None:
    """Every reply the audit stored from that author under the account's posts, and no one else's."""
    account = StoredAccount(session, "bsky", "bluesky")
    account.run(at(0), {"p1": [comment("r1", author=BLOCKED, at=at(-10), text="Göz boyama"),
                               comment("r2", author=BLOCKED, at=at(-5)),
                               comment("r3", author="did:plc:other")]})
    found = replies_by_authors(session, account.id, [BLOCKED, "did:plc:nobody"])
    assert list(found) == [BLOCKED]
    assert [(r["uri"], r["post"]) for r in found[BLOCKED]] == [("r2", "p1"), ("r1", "p1")]
    assert found[BLOCKED][1]["gone"] is False
    # The text's digest, never the text: the event is chained for good, retention erases words.
    assert "text" not in found[BLOCKED][1] and len(found[BLOCKED][1]["text_digest"]) == 64


def quote(uri: str) -> DetachedQuote:
    """A quote of p1 detached by its postgate."""
    return DetachedQuote(post_id="p1", quote_uri=uri, record_uri="at://pg", record_cid="c",
                         recorded_at=at(1))


def test_detached_quotes_are_replaced_by_each_complete_read(session: Session) -> None:
    """New quotes in, reattached ones out (a second detachment is then new again)."""
    account = StoredAccount(session, "bsky", "bluesky")
    first = account.run(at(0), {})
    quotes.replace_detached(session, account.id, first, [quote("q1"), quote("q2")], at(0))
    assert quotes.known_detached(session, account.id) == {("p1", "q1"), ("p1", "q2")}
    second = account.run(at(24), {})
    quotes.replace_detached(session, account.id, second, [quote("q2"), quote("q3")], at(24))
    assert quotes.known_detached(session, account.id) == {("p1", "q2"), ("p1", "q3")}


def test_the_last_complete_read_of_the_postgates(session: Session) -> None:
    """Only runs whose postgates were read whole count (runs.quotes_complete)."""
    account = StoredAccount(session, "bsky", "bluesky")
    first = account.run(at(0), {})
    second = account.run(at(24), {})
    assert quotes.previous_quotes_read_at(session, account.id, second) is None
    session.get(Run, first).quotes_complete = True
    session.flush()
    assert quotes.previous_quotes_read_at(session, account.id, second) == at(0)
    assert quotes.previous_quotes_read_at(session, account.id, first) is None


def test_a_quotes_author_and_text_are_kept_beside_it_and_erased_by_retention(
        session: Session) -> None:
    """The quoting post's words live with the stored quote, not in the chained event: retention
    erases them past `comment_text_days` like comments' text (docs/architecture.md §9)."""
    account = StoredAccount(session, "bsky", "bluesky")
    first = account.run(at(0), {})
    said = DetachedQuote(post_id="p1", quote_uri="q1", record_uri="at://pg", record_cid="c",
                         recorded_at=at(1), quote_author="baran.bsky.social",
                         quote_text="Şu açıklamaya bakın")
    quotes.replace_detached(session, account.id, first, [said], at(0))
    assert quotes.quote_read(session, account.id, "p1", "q1") == (
        "baran.bsky.social", "Şu açıklamaya bakın")
    purge(session, comment_text_days=30, now=at(24 * 31))
    assert quotes.quote_read(session, account.id, "p1", "q1") == (None, None)
    assert quotes.known_detached(session, account.id) == {("p1", "q1")}  # the state stays
