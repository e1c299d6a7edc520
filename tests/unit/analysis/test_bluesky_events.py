"""analysis/change_events.py for Bluesky's records, on change records built by hand (no database):
a block at its record's time, a listblock with its members, detached quotes, narrowed gates."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from analysis.change_events import (
    deletion_event,
    list_events,
    narrowed,
    quote_events,
    reply_settings_events,
)
from collectors.records import (
    DeletionCandidate,
    DetachedQuote,
    ListChange,
    LookupResult,
    ReplySettingsChange,
)
from tests.support.stored_runs import at

ACCOUNT = "did:plc:ysvbel4kq7mz2xw3n5p6rt2a"
BLOCKED = "did:plc:caglaraydin3ka4lb5mc6nd7"
POST = f"at://{ACCOUNT}/app.bsky.feed.post/3lcmq2fyzw22a"
MODLIST = f"at://{ACCOUNT}/app.bsky.graph.list/3l7xk2mabcd2s"
QUOTE = "at://did:plc:elifyilmaz5pe6qf7rg2sh3t/app.bsky.feed.post/3lckb2zq6gs2o"
BLOCK_RECORD = {"uri": f"at://{ACCOUNT}/app.bsky.graph.block/3lcn5xk2abc2d", "cid": "bafyreiblock",
                "createdAt": "2026-03-02T14:00:00.000Z", "kind": "block"}
REPLY = {"uri": f"at://{BLOCKED}/app.bsky.feed.post/3lcmr7tjqkk2b", "post": POST,
         "text_digest": "9f" * 32, "created_at": "2026-03-02T11:00:00+00:00", "gone": False}


def block(recorded_hours: float, record: dict | None = None) -> ListChange:
    """The blocked account new on the list, its block record made `recorded_hours` after T0."""
    return ListChange(BLOCKED, "caglaraydin.bsky.social", True, None,
                      recorded_at=at(recorded_hours), record=record or BLOCK_RECORD)


def test_a_block_is_at_its_records_time_with_its_evidence() -> None:
    """Source `record`, after = before = createdAt; the record, the handle and the replies seen."""
    [event] = list_events([block(12)], "blocked", at(24), at(0), {BLOCKED: [REPLY]})
    assert (event.kind, event.subject_id, event.source, event.actor) == (
        "user_blocked", BLOCKED, "record", "account")
    assert event.occurred_after == event.occurred_before == at(12)
    assert event.evidence["record_uri"] == BLOCK_RECORD["uri"]
    assert event.evidence["record_cid"] == "bafyreiblock"
    assert event.evidence["record_created_at"] == "2026-03-02T14:00:00.000Z"
    assert event.evidence["seen_on_list_at"] == at(24).isoformat()
    assert event.evidence["handle"] == "caglaraydin.bsky.social"
    assert event.evidence["replies"] == [REPLY]


def test_a_block_record_dated_after_it_was_seen_keeps_the_audits_bracket() -> None:
    """A createdAt in the future of the audit says a clock is wrong: never believed as the time."""
    [event] = list_events([block(30)], "blocked", at(24), at(0))
    assert (event.source, event.occurred_after, event.occurred_before) == ("snapshot_diff", at(0), at(24))
    assert event.evidence["record_uri"] == BLOCK_RECORD["uri"]


def test_a_listblock_names_the_list_and_its_members() -> None:
    """One user_blocked whose subject is the list's at-uri; members as read, and whether whole."""
    members = [{"did": "did:plc:trol", "handle": "gerceklerburada.bsky.social"}]
    record = {"uri": f"at://{ACCOUNT}/app.bsky.graph.listblock/3lcn6", "cid": "bafyreilb",
              "createdAt": "2026-03-02T15:00:00.000Z", "kind": "listblock", "members": members,
              "members_complete": True}
    change = ListChange(MODLIST, "Spam ve trol hesapları", True, None, recorded_at=at(13), record=record)
    [event] = list_events([change], "blocked", at(24), at(0))
    assert (event.subject_id, event.occurred_before) == (MODLIST, at(13))
    assert event.evidence["members"] == members and event.evidence["members_complete"] is True
    assert event.evidence["list_name"] == "Spam ve trol hesapları"
    assert "replies" not in event.evidence


def test_a_list_without_dates_is_bracketed_as_before() -> None:
    """X's and Facebook's lists carry no record: the two complete fetches bracket the block."""
    [event] = list_events([ListChange("123", "Ayşe", True, None)], "blocked", at(24), at(0))
    assert (event.source, event.occurred_after, event.occurred_before) == ("snapshot_diff", at(0), at(24))
    assert "record_uri" not in event.evidence


def detached(recorded_hours: float | None = 20) -> DetachedQuote:
    """The account's postgate detaching Elif's quote from its post."""
    return DetachedQuote(post_id=POST, quote_uri=QUOTE,
                         record_uri=f"at://{ACCOUNT}/app.bsky.feed.postgate/3lcmq2fyzw22a",
                         record_cid="bafyreipg", quote_author="elifyilmaz.example.tr",
                         quote_text="Şu açıklamaya bakın",
                         recorded_at=None if recorded_hours is None else at(recorded_hours))


def test_a_newly_detached_quote_is_an_event_with_the_quoting_post() -> None:
    """Subject the quote, post the account's post; the author in the evidence, the text only as
    its digest (the store's detached quote keeps it, where retention erases it)."""
    [event] = quote_events([detached()], set(), at(24), at(0))
    assert (event.kind, event.subject_id, event.post_id, event.actor, event.source) == (
        "quote_detached", QUOTE, POST, "account", "record")
    assert (event.occurred_after, event.occurred_before) == (at(20), at(24))
    assert event.evidence["quote_author"] == "elifyilmaz.example.tr"
    assert "quote_text" not in event.evidence
    assert event.text_digest == hashlib.sha256("Şu açıklamaya bakın".encode()).hexdigest()
    assert event.evidence["record_uri"].endswith("app.bsky.feed.postgate/3lcmq2fyzw22a")
    assert event.evidence["record_cid"] == "bafyreipg"
    assert event.evidence["before_first_seen"] is False


def test_a_postgate_older_than_the_last_read_bounds_nothing_more() -> None:
    """A postgate keeps its first createdAt when it detaches more: the last read bounds it then."""
    [event] = quote_events([detached(-30)], set(), at(24), at(0))
    assert (event.occurred_after, event.occurred_before) == (at(0), at(24))


def test_a_quote_already_known_detached_is_no_event() -> None:
    """The store kept it from the last complete read: nothing new."""
    assert quote_events([detached()], {(POST, QUOTE)}, at(48), at(24)) == []


def test_the_first_read_says_the_quote_was_detached_before_it() -> None:
    """No read before: the record's time alone bounds it, and the evidence says so."""
    [event] = quote_events([detached(None)], set(), at(24), None)
    assert (event.occurred_after, event.occurred_before) == (None, at(24))
    assert event.evidence["before_first_seen"] is True


def gate(previous: str, current: str) -> ReplySettingsChange:
    """A post whose thread gate was `previous` and is now `current`."""
    return ReplySettingsChange(run_id=3, seen_at=at(48), post_pk=1, post_id=POST, previous=previous,
                               current=current, created_at=at(-24), previous_seen_at=at(24))


def test_rule_sets_narrow_when_a_rule_goes() -> None:
    """Someone who could reply no longer can: a rule removed, or nobody at all."""
    assert narrowed("following,mention", "mention")
    assert narrowed("mention", "nobody")
    assert narrowed("following", "mention")
    assert not narrowed("mention", "following,mention")
    assert not narrowed("nobody", "list")
    assert not narrowed("following", "unknown")  # a rule without words is never guessed at


def test_a_narrowed_thread_gate_is_a_restriction_on_bluesky_only() -> None:
    """Bluesky's gates are rule sets; X's reply settings swapped are not compared that way."""
    [event] = reply_settings_events([gate("following,mention", "mention")], set(), "bluesky")
    assert (event.kind, event.occurred_after, event.occurred_before) == (
        "replies_restricted", at(24), at(48))
    assert event.evidence["previously"] == "following,mention"
    assert reply_settings_events([gate("mention", "following,mention")], set(), "bluesky") == []
    assert reply_settings_events([gate("following", "mentionedUsers")], set(), "x") == []


def test_a_reply_gone_on_bluesky_was_deleted_by_its_author() -> None:
    """getRecord answered RecordNotFound: only the author can delete a reply (never a finding)."""
    candidate = DeletionCandidate(
        comment_pk=1, comment_id=REPLY["uri"], post_pk=1, post_id=POST, first_seen_at=at(0),
        last_seen_at=at(0), missing_since=at(24), present_at=None, lookups=0, is_hidden=False,
        last_complete_run_id=1, last_complete_at=at(0), text_digest="d")
    answer = LookupResult(status="gone", answer={"error": "RecordNotFound"})
    event = deletion_event(candidate, answer, "bluesky", at(24) + timedelta(minutes=1))
    assert event is not None
    assert (event.kind, event.actor, event.source) == ("reply_deleted_by_author", "author", "lookup")
