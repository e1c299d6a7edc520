"""The Bluesky simulator's answers, held to the atproto SDK's own lexicon-generated models.

Requests go through atproto's `Client` (no login) pointed at the simulator, and its `IdResolver`
for the PLC directory; raw answers are also parsed with `models.get_or_create(...,
strict_string_format=True)`, so DIDs, handles, at-uris, CIDs, TIDs and datetimes must be
well-formed, and every record value must parse into the model its `$type` names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from atproto import Client, IdResolver, exceptions, models
from atproto_client.models.utils import get_model_as_json, get_or_create

from modaudit.sandbox import BskyActor, Fault, Scenario, Simulator
from modaudit.sandbox.world.bluesky_ids import did_plc, split_at_uri
from tests.support.bluesky_scenarios import (
    ACCOUNT,
    BLOCKS,
    MEMBERS,
    POSTS,
    START,
    contract_scenario,
    simulating,
)

RECORD_MODELS: dict[str, Any] = {
    "app.bsky.feed.post": models.AppBskyFeedPost.Record,
    "app.bsky.graph.block": models.AppBskyGraphBlock.Record,
    "app.bsky.graph.list": models.AppBskyGraphList.Record,
    "app.bsky.graph.listitem": models.AppBskyGraphListitem.Record,
    "app.bsky.graph.listblock": models.AppBskyGraphListblock.Record,
    "app.bsky.feed.threadgate": models.AppBskyFeedThreadgate.Record,
    "app.bsky.feed.postgate": models.AppBskyFeedPostgate.Record,
}
SCENARIO, URIS = contract_scenario()


@pytest.fixture(name="sim", scope="module")
def contract_sim() -> Iterator[Simulator]:
    """The contract scenario with its clock after every action."""
    with simulating(SCENARIO, SCENARIO.day(9, 12)) as simulator:
        yield simulator


@pytest.fixture(name="client")
def sdk_client(sim: Simulator) -> Client:
    """atproto's own client, not logged in, aimed at the simulator's XRPC."""
    return Client(base_url=sim.base_url + "/xrpc")


def strict(data: Any, model: Any) -> Any:
    """Parse raw JSON into an SDK model with string formats checked, as a strict client would."""
    parsed = get_or_create(data, model, strict_string_format=True)
    assert isinstance(parsed, model)
    return parsed


def raw(sim: Simulator, nsid: str, **params: Any) -> httpx.Response:
    """A plain GET of an XRPC method (for error bodies and headers)."""
    return httpx.get(f"{sim.base_url}/xrpc/{nsid}", params=params)


def check_record_value(value: dict[str, Any]) -> None:
    """A record value parses into the model its `$type` names, both explicitly and by lookup, and
    `get_model_as_json` gives it back with nothing lost (the SDK adds `$type` to nested objects)."""
    model = RECORD_MODELS[value["$type"]]
    parsed = strict(value, model)
    assert isinstance(get_or_create(value, strict=False), model)  # resolved by `$type`
    assert _nested_untyped(json.loads(get_model_as_json(parsed))) == _nested_untyped(value)


def _nested_untyped(value: Any, depth: int = 0) -> Any:
    """The JSON with every `$type` below the top level removed."""
    if isinstance(value, dict):
        return {k: _nested_untyped(v, depth + 1) for k, v in value.items() if k != "$type" or depth == 0}
    if isinstance(value, list):
        return [_nested_untyped(item, depth + 1) for item in value]
    return value


# -- PLC directory and identity ---------------------------------------------------------


def test_did_document_resolves_to_the_simulator_as_pds(sim: Simulator) -> None:
    resolver = IdResolver(plc_url=sim.base_url)
    document = resolver.did.resolve(ACCOUNT.did)
    assert document is not None
    assert document.id == ACCOUNT.did
    assert document.get_pds_endpoint() == sim.base_url
    assert document.get_handle() == ACCOUNT.handle
    assert resolver.did.resolve(ACCOUNT.did.replace("did:plc:", "did:plc:zz")) is None


def test_unknown_did_is_plc_404(sim: Simulator) -> None:
    answer = httpx.get(f"{sim.base_url}/did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")
    assert answer.status_code == 404
    assert answer.json() == {"message": "DID not registered: did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"}


def test_resolve_handle_and_describe_repo(client: Client, sim: Simulator) -> None:
    resolved = client.com.atproto.identity.resolve_handle({"handle": ACCOUNT.handle})
    assert resolved.did == ACCOUNT.did
    described = client.com.atproto.repo.describe_repo({"repo": ACCOUNT.handle})
    assert described.did == ACCOUNT.did and described.handle_is_correct
    assert "app.bsky.graph.block" in described.collections
    strict(raw(sim, "com.atproto.repo.describeRepo", repo=ACCOUNT.did).json(),
           models.ComAtprotoRepoDescribeRepo.Response)  # fmt: skip
    answer = raw(sim, "com.atproto.identity.resolveHandle", handle="yok.bsky.social")
    assert answer.status_code == 400 and answer.json()["error"] == "InvalidRequest"


# -- PDS: listRecords and getRecord -------------------------------------------------------


def list_all(client: Client, collection: str, *, reverse: bool = False) -> tuple[list[Any], int]:
    """Every record of a collection by the SDK's paging; returns them and the number of pages."""
    found: list[Any] = []
    cursor, pages = None, 0
    while True:
        page = client.com.atproto.repo.list_records(
            models.ComAtprotoRepoListRecords.Params(
                repo=ACCOUNT.did, collection=collection, limit=100, cursor=cursor, reverse=reverse
            )
        )
        pages += 1
        found += page.records
        if not page.cursor:
            return found, pages
        cursor = page.cursor


def test_block_listing_pages_to_the_end(client: Client) -> None:
    records, pages = list_all(client, "app.bsky.graph.block")
    assert len(records) == BLOCKS and pages == 4  # 100 + 100 + 30, then an empty page
    rkeys = [split_at_uri(r.uri)[2] for r in records]  # type: ignore[index]
    assert rkeys == sorted(rkeys, reverse=True)  # newest TID first
    assert len({r.cid for r in records}) == BLOCKS
    for record in records:
        check_record_value(record.value.model_dump(by_alias=True, exclude_none=True))
    oldest_first, _ = list_all(client, "app.bsky.graph.block", reverse=True)
    assert [r.uri for r in oldest_first] == [r.uri for r in reversed(records)]


@pytest.mark.parametrize("collection", sorted(RECORD_MODELS))
def test_every_collection_parses_strictly(sim: Simulator, collection: str) -> None:
    cursor: str | None = None
    seen = 0
    while True:
        params = {"repo": ACCOUNT.did, "collection": collection, "limit": 100}
        answer = raw(sim, "com.atproto.repo.listRecords", **params, **({"cursor": cursor} if cursor else {}))
        assert answer.status_code == 200
        assert answer.headers["ratelimit-limit"] == "3000"
        page = strict(answer.json(), models.ComAtprotoRepoListRecords.Response)
        for record in answer.json()["records"]:
            check_record_value(record["value"])
            seen += 1
        if page.cursor is None:
            break
        cursor = page.cursor
    assert seen > 0


def test_threadgate_and_postgate_values(client: Client) -> None:
    gates, _ = list_all(client, "app.bsky.feed.threadgate")
    by_post = {g.value.post: g.value for g in gates}
    root = by_post[URIS["post0"]]
    assert root.hidden_replies == [URIS["r3"]]
    assert [rule.py_type for rule in root.allow] == [
        "app.bsky.feed.threadgate#mentionRule",
        "app.bsky.feed.threadgate#followingRule",
        "app.bsky.feed.threadgate#listRule",
    ]
    assert by_post[URIS["post1"]].allow == []  # nobody may reply
    postgates, _ = list_all(client, "app.bsky.feed.postgate")
    assert [p.value.detached_embedding_uris for p in postgates] == [[URIS["q1"]]]


def test_get_record_and_record_not_found(client: Client, sim: Simulator) -> None:
    blocks, _ = list_all(client, "app.bsky.graph.block")
    did, collection, rkey = split_at_uri(blocks[0].uri)  # type: ignore[misc]
    found = client.com.atproto.repo.get_record({"repo": did, "collection": collection, "rkey": rkey})
    assert found.cid == blocks[0].cid
    strict(raw(sim, "com.atproto.repo.getRecord", repo=did, collection=collection, rkey=rkey).json(),
           models.ComAtprotoRepoGetRecord.Response)  # fmt: skip
    deleted = split_at_uri(URIS["r5"])
    assert deleted is not None
    with pytest.raises(exceptions.BadRequestError) as caught:
        client.com.atproto.repo.get_record(
            {"repo": deleted[0], "collection": deleted[1], "rkey": deleted[2]}
        )
    assert caught.value.response is not None
    assert caught.value.response.content.error == "RecordNotFound"


def test_cid_changes_when_a_record_changes(sim: Simulator) -> None:
    before, after = SCENARIO.state_at(SCENARIO.day(7, 10, 30)), SCENARIO.state_at(SCENARIO.day(7, 11, 30))
    gate_before = before.bluesky.gate_of(URIS["post0"])
    gate_after = after.bluesky.gate_of(URIS["post0"])
    assert gate_before is not None and gate_after is not None
    assert gate_before.uri == gate_after.uri and gate_before.cid != gate_after.cid


# -- AppView -------------------------------------------------------------------------------


def test_author_feed_pages_and_filters(client: Client, sim: Simulator) -> None:
    cursor, seen = None, []
    while True:
        page = client.app.bsky.feed.get_author_feed(
            models.AppBskyFeedGetAuthorFeed.Params(actor=ACCOUNT.did, limit=50, cursor=cursor)
        )
        seen += [item.post.uri for item in page.feed]
        if not page.cursor:
            break
        cursor = page.cursor
    assert len(seen) == len(set(seen)) == POSTS + 1  # the account's own reply r2a included
    answer = raw(sim, "app.bsky.feed.getAuthorFeed", actor=ACCOUNT.handle, limit=100)
    strict(answer.json(), models.AppBskyFeedGetAuthorFeed.Response)
    no_replies = client.app.bsky.feed.get_author_feed(
        {"actor": ACCOUNT.did, "limit": 100, "filter": "posts_no_replies"}
    )
    assert all(item.reply is None for item in no_replies.feed)
    replies = [i for i in client.app.bsky.feed.get_author_feed({"actor": ACCOUNT.did}).feed if i.reply]
    assert [i.post.uri for i in replies] == [URIS["r2a"]]
    assert replies[0].reply.parent.py_type == "app.bsky.feed.defs#postView"  # type: ignore[union-attr]


def test_post_thread_shapes(client: Client, sim: Simulator) -> None:
    answer = raw(sim, "app.bsky.feed.getPostThread", uri=URIS["post0"])
    parsed = strict(answer.json(), models.AppBskyFeedGetPostThread.Response)
    thread = client.app.bsky.feed.get_post_thread({"uri": URIS["post0"], "depth": 6}).thread
    assert isinstance(thread, models.AppBskyFeedDefs.ThreadViewPost)
    kinds = {_uri_of(reply): reply.py_type for reply in thread.replies or []}
    assert kinds[URIS["r1"]] == "app.bsky.feed.defs#threadViewPost"
    assert kinds[URIS["r2"]] == "app.bsky.feed.defs#notFoundPost"  # live, but not shown
    assert kinds[URIS["r4"]] == "app.bsky.feed.defs#blockedPost"
    assert URIS["r5"] not in kinds  # deleted by its author
    assert kinds[URIS["r3"]] == "app.bsky.feed.defs#threadViewPost"  # hidden replies are still served
    assert parsed.threadgate is not None
    assert parsed.threadgate.record.hidden_replies == [URIS["r3"]]  # the record, typed by its $type
    assert [view.uri for view in parsed.threadgate.lists or []] == [URIS["list"]]
    assert thread.post.threadgate is not None


def _uri_of(node: Any) -> str:
    """The at-uri of a thread node: a threadViewPost's post, or a stand-in's own uri."""
    return str(node.uri if hasattr(node, "uri") else node.post.uri)


def test_thread_of_a_reply_shows_its_parent_and_detached_quotes(client: Client, sim: Simulator) -> None:
    thread = client.app.bsky.feed.get_post_thread({"uri": URIS["r2a"]}).thread
    assert isinstance(thread, models.AppBskyFeedDefs.ThreadViewPost)
    assert thread.parent is not None and thread.parent.py_type == "app.bsky.feed.defs#notFoundPost"
    strict(raw(sim, "app.bsky.feed.getPostThread", uri=URIS["r2a"], parentHeight=5).json(),
           models.AppBskyFeedGetPostThread.Response)  # fmt: skip
    detached = client.app.bsky.feed.get_post_thread({"uri": URIS["q1"]}).thread
    assert detached.post.embed.record.py_type == "app.bsky.embed.record#viewDetached"  # type: ignore[union-attr]
    attached = client.app.bsky.feed.get_post_thread({"uri": URIS["q2"]}).thread
    assert attached.post.embed.record.py_type == "app.bsky.embed.record#viewRecord"  # type: ignore[union-attr]
    missing = raw(sim, "app.bsky.feed.getPostThread", uri=URIS["r5"])
    assert missing.status_code == 400 and missing.json()["error"] == "NotFound"


def test_profiles_and_list(client: Client, sim: Simulator) -> None:
    profile = client.app.bsky.actor.get_profile({"actor": ACCOUNT.handle})
    assert profile.did == ACCOUNT.did and profile.posts_count == POSTS + 1
    profiles = client.app.bsky.actor.get_profiles({"actors": [ACCOUNT.did, URIS["r1"].split("/")[2]]})
    assert len(profiles.profiles) == 2
    strict(raw(sim, "app.bsky.actor.getProfile", actor=ACCOUNT.did).json(),
           models.AppBskyActorDefs.ProfileViewDetailed)  # fmt: skip
    members, cursor = [], None
    while True:
        page = client.app.bsky.graph.get_list({"list": URIS["list"], "limit": 100, "cursor": cursor})
        members += [item.subject.did for item in page.items]
        if not page.cursor:
            break
        cursor = page.cursor
    assert len(members) == len(set(members)) == MEMBERS
    assert page.list.purpose == "app.bsky.graph.defs#modlist"
    strict(raw(sim, "app.bsky.graph.getList", list=URIS["list"]).json(), models.AppBskyGraphGetList.Response)


# -- errors and quirks ---------------------------------------------------------------------


def test_xrpc_errors(sim: Simulator) -> None:
    unknown = raw(sim, "com.atproto.repo.listRecords", repo="did:plc:aaaaaaaaaaaaaaaaaaaaaaaa",
                  collection="app.bsky.graph.block")  # fmt: skip
    assert unknown.status_code == 400 and unknown.json()["error"] == "InvalidRequest"
    too_many = raw(sim, "com.atproto.repo.listRecords", repo=ACCOUNT.did,
                   collection="app.bsky.graph.block", limit=101)  # fmt: skip
    assert too_many.status_code == 400
    assert raw(sim, "app.bsky.feed.getTimeline").status_code == 501


def test_quirks_500_429_repeat_cursor_and_not_found_post() -> None:
    with simulating(SCENARIO, SCENARIO.day(9, 12)) as sim:
        client = Client(base_url=sim.base_url + "/xrpc")
        blocks_route = "/xrpc/com.atproto.repo.listRecords/app.bsky.graph.block"
        sim.add_fault(Fault("http500", path=blocks_route, times=1))
        with pytest.raises(exceptions.RequestException) as failed:
            list_all(client, "app.bsky.graph.block")
        assert failed.value.response is not None and failed.value.response.status_code == 500
        assert len(list_all(client, "app.bsky.graph.block")[0]) == BLOCKS  # only once

        sim.add_fault(Fault("xrpc_rate_limit", path="/xrpc/app.bsky.feed.getAuthorFeed", times=1,
                            reset_after=30))  # fmt: skip
        limited = raw(sim, "app.bsky.feed.getAuthorFeed", actor=ACCOUNT.did)
        assert limited.status_code == 429 and limited.json()["error"] == "RateLimitExceeded"
        assert limited.headers["ratelimit-remaining"] == "0"
        assert int(limited.headers["ratelimit-reset"]) > 0
        with pytest.raises(exceptions.RateLimitExceededError):
            sim.add_fault(Fault("xrpc_rate_limit", path="/xrpc/app.bsky.feed.getAuthorFeed", times=1))
            client.app.bsky.feed.get_author_feed({"actor": ACCOUNT.did})

        hidden_block = list_all(client, "app.bsky.graph.block")[0][7].uri
        sim.add_fault(Fault("omit", path=blocks_route, item_id=hidden_block, times=1))
        listed = {r.uri for r in list_all(client, "app.bsky.graph.block")[0]}
        assert hidden_block not in listed and len(listed) == BLOCKS - 1
        did, collection, rkey = split_at_uri(hidden_block)  # type: ignore[misc]
        assert client.com.atproto.repo.get_record({"repo": did, "collection": collection, "rkey": rkey})
        assert sim.fault_counts["omit"] == 1

        sim.add_fault(Fault("repeat_cursor", path="/xrpc/com.atproto.repo.listRecords/app.bsky.graph.block",
                            after_items=100))  # fmt: skip
        first = raw(sim, "com.atproto.repo.listRecords", repo=ACCOUNT.did, collection="app.bsky.graph.block",
                    limit=100).json()  # fmt: skip
        second = raw(sim, "com.atproto.repo.listRecords", repo=ACCOUNT.did, collection="app.bsky.graph.block",
                     limit=100, cursor=first["cursor"]).json()  # fmt: skip
        assert second["cursor"] == first["cursor"]

        sim.add_fault(Fault("not_found_post", path="/xrpc/app.bsky.feed.getPostThread", item_id=URIS["r1"]))
        thread = client.app.bsky.feed.get_post_thread({"uri": URIS["post0"]}).thread
        shown = {getattr(r, "uri", None): r.py_type for r in thread.replies or []}  # type: ignore[union-attr]
        assert shown[URIS["r1"]] == "app.bsky.feed.defs#notFoundPost"
        assert sim.fault_counts["not_found_post"] >= 1


def test_a_cut_listing_drops_the_connection_after_the_first_page() -> None:
    with simulating(SCENARIO, SCENARIO.day(9, 12)) as sim:
        client = Client(base_url=sim.base_url + "/xrpc")
        sim.add_fault(Fault("cutoff", path="/xrpc/com.atproto.repo.listRecords/app.bsky.graph.block",
                            after_items=60, times=1))  # fmt: skip
        first = client.com.atproto.repo.list_records(
            {"repo": ACCOUNT.did, "collection": "app.bsky.graph.block", "limit": 100}
        )
        assert len(first.records) == 60 and first.cursor
        later = {"repo": ACCOUNT.did, "collection": "app.bsky.graph.block", "limit": 100}
        later["cursor"] = first.cursor
        # atproto 0.0.73 lets httpx's RemoteProtocolError through unwrapped (not a NetworkError).
        with pytest.raises((exceptions.NetworkError, httpx.TransportError)):
            client.com.atproto.repo.list_records(later)
        assert sim.fault_counts["cutoff"] == 1


def test_handle_and_did_disagreeing() -> None:
    taken = BskyActor(did_plc("test:eski"), "eskikaymakamlik.bsky.social", "Eski Kaymakamlık",
                      doc_handle="baskabirisi.bsky.social")  # fmt: skip
    s = Scenario(start=START, pages=[], bluesky_accounts=[taken])
    s.bsky_post(s.day(0, 9), taken, "Merhaba")
    with simulating(s, s.day(1, 0)) as sim:
        client = Client(base_url=sim.base_url + "/xrpc")
        assert client.com.atproto.identity.resolve_handle({"handle": taken.handle}).did == taken.did
        document = IdResolver(plc_url=sim.base_url).did.resolve(taken.did)
        assert document is not None and document.get_handle() == "baskabirisi.bsky.social"
        described = client.com.atproto.repo.describe_repo({"repo": taken.did})
        assert described.handle_is_correct is False
        assert client.app.bsky.actor.get_profile({"actor": taken.did}).handle == "handle.invalid"
