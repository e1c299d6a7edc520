"""The Bluesky module the router dispatches to: PLC (`/did:plc:…`), PDS and AppView (`/xrpc/<nsid>`).

One simulator plays all three roles, so a DID document's `#atproto_pds` endpoint is the simulator's
own base url. Fault routes are `/xrpc/<nsid>`, with `/<collection>` added for listRecords and
getRecord, so a fault can aim at the block listing alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from modaudit.sandbox.api import ApiRequest, ApiResponse
from modaudit.sandbox.bluesky import appview, pds
from modaudit.sandbox.bluesky.xrpc import LATER_PAGE, XrpcError, fault_answer, headers
from modaudit.sandbox.faults import Fault
from modaudit.sandbox.world.bluesky import BskyState
from modaudit.sandbox.world.scenario import PlatformState

_DID = re.compile(r"^/(did:(?:plc|web):[A-Za-z0-9._:%-]+)$")
_XRPC = re.compile(r"^/xrpc/([A-Za-z0-9.-]+)$")
Handler = Callable[[BskyState, ApiRequest], pds.Answer]
HANDLERS: dict[str, Handler] = {
    "com.atproto.repo.listRecords": pds.list_records,
    "com.atproto.repo.getRecord": pds.get_record,
    "com.atproto.repo.describeRepo": pds.describe_repo,
    "com.atproto.identity.resolveHandle": pds.resolve_handle,
    "app.bsky.actor.getProfile": appview.get_profile,
    "app.bsky.actor.getProfiles": appview.get_profiles,
    "app.bsky.feed.getAuthorFeed": appview.get_author_feed,
    "app.bsky.feed.getPostThread": appview.get_post_thread,
    "app.bsky.graph.getList": appview.get_list,
}
LISTINGS = ("com.atproto.repo.listRecords", "app.bsky.feed.getAuthorFeed", "app.bsky.graph.getList")


class BlueskyApi:
    """PLC directory, PDS and public AppView subsets, read-only and without authentication."""

    name = "bluesky"

    def parse(self, method: str, path: str, query: Mapping[str, str], base_url: str) -> ApiRequest | None:
        """Claim `/xrpc/<nsid>` and `/did:plc:…` (the PLC directory's document path)."""
        did = _DID.match(path)
        if did is not None:
            return ApiRequest(method, path, "/plc", "plc", dict(query), base_url)
        xrpc = _XRPC.match(path)
        if xrpc is None:
            return None
        route = path
        if xrpc.group(1) in ("com.atproto.repo.listRecords", "com.atproto.repo.getRecord"):
            route = f"{path}/{query.get('collection', '')}"
        return ApiRequest(method, path, route, "xrpc", dict(query), base_url)

    def handle(self, state: PlatformState, request: ApiRequest) -> ApiResponse:
        """Answer from the Bluesky state; every refusal is an XRPC-shaped error."""
        bluesky = state.bluesky
        if request.version == "plc":
            return _did_document(bluesky, request)
        nsid = request.path[len("/xrpc/") :]
        handler = HANDLERS.get(nsid)
        try:
            if handler is None:
                raise XrpcError(501, "MethodNotImplemented", "Method Not Implemented")
            if request.method != "GET":
                raise XrpcError(400, "InvalidRequest", "Incorrect HTTP method (POST) expected GET")
            body, applied = handler(bluesky, request)
        except XrpcError as error:
            return error.response()
        return ApiResponse(200, body, headers(), _omitted(bluesky, request), applied)

    def fault_response(self, fault: Fault, state: PlatformState, request: ApiRequest) -> ApiResponse | None:
        """The XRPC answer to "http500" or "xrpc_rate_limit" (None for other platforms' kinds)."""
        return fault_answer(fault)

    def listing_offset(self, request: ApiRequest) -> int | None:
        """0 for a listing's first page; a page asked with a cursor counts as past any cut."""
        nsid = request.path[len("/xrpc/") :] if request.version == "xrpc" else ""
        if nsid not in LISTINGS:
            return None
        return LATER_PAGE if request.query.get("cursor") else 0


def _omitted(state: BskyState, request: ApiRequest) -> frozenset[str]:
    """The live records an "omit" fault kept out of a listRecords answer."""
    if not request.omit_ids or not request.path.endswith("com.atproto.repo.listRecords"):
        return frozenset()
    return frozenset(uri for uri in request.omit_ids if uri in state.records)


def _did_document(state: BskyState, request: ApiRequest) -> ApiResponse:
    """GET {plc}/{did}: the DID document, or PLC's 404 for a DID it does not hold."""
    did = request.path[1:]
    actor = state.actors.get(did)
    if actor is None:
        return ApiResponse(
            404, {"message": f"DID not registered: {did}"}, {"content-type": "application/json"}
        )
    document = pds.did_document(actor, request.base_url)
    return ApiResponse(200, document, {"content-type": "application/did+ld+json; charset=utf-8"})
