"""What the router and the per-platform API modules (Graph, X API v2) exchange."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from modaudit.sandbox.faults import Fault
from modaudit.sandbox.world.scenario import PlatformState


@dataclass(frozen=True)
class ApiRequest:
    """One parsed request, as an API module sees it."""

    method: str
    path: str  # as received, without the query string
    route: str  # what faults match: Graph "/123_456/comments" (no version), X "/2/users/1/muting"
    version: str
    query: Mapping[str, str]  # first value of each parameter, access_token included
    base_url: str  # "http://127.0.0.1:PORT", for absolute paging links
    omit_ids: frozenset[str] = frozenset()  # fault: leave these items out of listings
    listing_end: int | None = None  # fault: listings stop (with a next link) at this offset
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    target: str = ""  # the request-target as received (path and raw query), for OAuth 1.0a
    shape: tuple[Fault, ...] = ()  # quirk faults (faults.SHAPE_KINDS) to apply to the answer


@dataclass(frozen=True)
class ApiResponse:
    """A JSON answer; `dropped_ids` reports which `omit_ids` a listing actually left out."""

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    dropped_ids: frozenset[str] = frozenset()
    applied: tuple[Fault, ...] = ()  # the quirk faults of `request.shape` this answer applied


class Api(Protocol):
    """A platform API the simulator serves; the router asks each in turn to `parse` a path."""

    name: str

    def parse(
        self, method: str, path: str, query: Mapping[str, str], base_url: str
    ) -> ApiRequest | None:
        """An ApiRequest if this API serves `path`, else None."""
        ...

    def handle(self, state: PlatformState, request: ApiRequest) -> ApiResponse:
        """Answer a request from the platform state."""
        ...

    def fault_response(
        self, fault: Fault, state: PlatformState, request: ApiRequest
    ) -> ApiResponse | None:
        """The error this API gives for an error-kind fault, or None if it has no such error."""
        ...

    def listing_offset(self, request: ApiRequest) -> int | None:
        """The starting offset if the request asks for a page of a listing, else None."""
        ...
