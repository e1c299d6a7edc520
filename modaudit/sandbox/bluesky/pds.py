"""The PLC directory's DID documents and the PDS's repository reads (com.atproto.repo.*, identity)."""

from __future__ import annotations

from typing import Any

from modaudit.sandbox.api import ApiRequest
from modaudit.sandbox.bluesky.xrpc import (
    XrpcError,
    bool_param,
    int_param,
    invalid,
    repeat_cursor,
    require,
)
from modaudit.sandbox.faults import Fault
from modaudit.sandbox.world.bluesky import BskyState
from modaudit.sandbox.world.bluesky_actions import BskyActor
from modaudit.sandbox.world.bluesky_ids import at_uri

Answer = tuple[dict[str, Any], tuple[Fault, ...]]  # (JSON body, quirk faults it applied)
# A fixed, well-formed secp256k1 multikey: the simulator signs nothing, the collector checks nothing.
_PUBLIC_KEY = "zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF"


def did_document(actor: BskyActor, base_url: str) -> dict[str, Any]:
    """The DID document the PLC directory serves: handle, signing key and the PDS endpoint."""
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1",
            "https://w3id.org/security/suites/secp256k1-2019/v1",
        ],
        "id": actor.did,
        "alsoKnownAs": [f"at://{actor.doc_handle or actor.handle}"],
        "verificationMethod": [
            {
                "id": f"{actor.did}#atproto",
                "type": "Multikey",
                "controller": actor.did,
                "publicKeyMultibase": _PUBLIC_KEY,
            }
        ],
        "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": base_url}],
    }


def repo_actor(state: BskyState, request: ApiRequest) -> BskyActor:
    """The repository `repo` names (a DID or a handle), or 400 as a PDS answers."""
    repo = require(request, "repo")
    actor = state.actor(repo)
    if actor is None:
        raise invalid(f"Could not find repo: {repo}")
    return actor


def list_records(state: BskyState, request: ApiRequest) -> Answer:
    """com.atproto.repo.listRecords: newest rkey first (oldest with reverse), cursor = last rkey."""
    actor = repo_actor(state, request)
    collection = require(request, "collection")
    limit = int_param(request, "limit", 50, 1, 100)
    reverse = bool_param(request, "reverse")
    cursor = request.query.get("cursor") or None
    # An "omit" fault leaves a live record out (a listing is no proof of a deletion).
    records = [r for r in state.records_of(actor.did, collection) if r.uri not in request.omit_ids]
    if not reverse:
        records.reverse()
    start = 0
    if cursor is not None:
        before = [r for r in records if (r.rkey > cursor if reverse else r.rkey < cursor)]
        start = len(records) - len(before)
        records = before
    if request.listing_end is not None:
        limit = max(1, min(limit, request.listing_end - start))
    page = records[:limit]
    # The PDS hands back the last rkey whenever a page has records: a listing ends on an empty page.
    next_cursor = page[-1].rkey if page else None
    next_cursor, applied = repeat_cursor(request, start, next_cursor)
    body: dict[str, Any] = {"records": [{"uri": r.uri, "cid": r.cid, "value": r.value} for r in page]}
    if next_cursor is not None:
        body["cursor"] = next_cursor
    return body, applied


def get_record(state: BskyState, request: ApiRequest) -> Answer:
    """com.atproto.repo.getRecord: one record, or 400 RecordNotFound once it is deleted."""
    actor = repo_actor(state, request)
    collection = require(request, "collection")
    rkey = require(request, "rkey")
    uri = at_uri(actor.did, collection, rkey)
    record = state.records.get(uri)
    if record is None or (request.query.get("cid") and request.query["cid"] != record.cid):
        raise XrpcError(400, "RecordNotFound", f"Could not locate record: {uri}")
    return {"uri": record.uri, "cid": record.cid, "value": record.value}, ()


def describe_repo(state: BskyState, request: ApiRequest) -> Answer:
    """com.atproto.repo.describeRepo: handle, DID, DID document and collections."""
    actor = repo_actor(state, request)
    return {
        "handle": actor.doc_handle or actor.handle,  # what the DID document says
        "did": actor.did,
        "didDoc": did_document(actor, request.base_url),
        "collections": state.collections_of(actor.did),
        "handleIsCorrect": actor.handle_is_correct,
    }, ()


def resolve_handle(state: BskyState, request: ApiRequest) -> Answer:
    """com.atproto.identity.resolveHandle: the DID a handle points to."""
    handle = require(request, "handle").lower()
    actor = next((a for a in state.actors.values() if a.handle == handle), None)
    if actor is None:
        raise invalid("Unable to resolve handle")
    return {"did": actor.did}, ()
