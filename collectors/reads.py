"""Counting what a collector reads: requests and resources per endpoint (X bills resources).

The counting session (`collectors/http.AuditSession`) hands every answer to a `ReadMeter`. X's
pay-per-use pricing bills each resource a request returns, by type (posts, users), and a resource
read twice in one UTC day once: the meter counts distinct ids per kind. Graph is not billed but
rate-limited per call, so for Graph the figure that matters is requests. YouTube spends quota
units per call (`spend`): its endpoints are API methods (`youtube.commentThreads.list`), kind "units".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

_ID_SEGMENT = re.compile(r"^(?:\d+|\d+_\d+|me)$")
_VERSION = re.compile(r"^v\d+(?:\.\d+)?$")
OWNED_ENDPOINTS = frozenset({"/2/users/me"})  # the account reading itself: X's "owned read"


def endpoint_of(url: str) -> str:
    """A URL's path with ids as `:id` and Graph's version left out: `/2/users/:id/tweets`."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if parts and _VERSION.match(parts[0]):
        parts = parts[1:]
    head = parts[:1] if parts[:1] == ["2"] else []  # X's API version stays: /2/...
    named = [p if p == "me" or not _ID_SEGMENT.match(p) else ":id" for p in parts[len(head):]]
    return "/" + "/".join(head + named)


def _x_resources(endpoint: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, id) of every resource an X answer returned."""
    data = body.get("data")
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    if endpoint in OWNED_ENDPOINTS:
        kind = "owned"
    elif "/blocking" in endpoint or "/muting" in endpoint or endpoint.startswith("/2/users"):
        kind = "post" if endpoint.endswith("/tweets") else "user"
    else:
        kind = "post"
    found = [(kind, str(item.get("id"))) for item in items if isinstance(item, dict)]
    includes = body.get("includes") if isinstance(body.get("includes"), dict) else {}
    for name, kind_of in (("users", "user"), ("tweets", "post")):
        extra = includes.get(name) if isinstance(includes.get(name), list) else []
        found += [(kind_of, str(item.get("id"))) for item in extra if isinstance(item, dict)]
    return found


def _graph_items(body: dict[str, Any]) -> int:
    data = body.get("data")
    return len(data) if isinstance(data, list) else 1


BLUESKY_ITEMS = ("records", "feed", "items", "profiles")  # the list each Bluesky listing answers


def _bluesky_items(body: dict[str, Any]) -> int:
    for name in BLUESKY_ITEMS:
        if isinstance(body.get(name), list):
            return len(body[name])
    return 1


@dataclass
class ReadMeter:
    """Requests and distinct resources per (endpoint, kind) for one run of one account."""

    platform: str  # "x" bills resources; "graph" and "bluesky" count requests; "youtube" units
    requests: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seen: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    items: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def record(self, url: str, body: Any) -> None:
        """Count one answer (its JSON body, or None if it was not JSON)."""
        endpoint = endpoint_of(url)
        self.requests[endpoint] += 1
        if not isinstance(body, dict):
            return
        if self.platform == "x":
            for kind, resource_id in _x_resources(endpoint, body):
                self.seen[(endpoint, kind)].add(resource_id)
        elif self.platform == "bluesky":
            self.items[(endpoint, "item")] += _bluesky_items(body)
        else:
            self.items[(endpoint, "item")] += _graph_items(body)

    def spend(self, endpoint: str, units: int) -> None:
        """Count one call of an API method that costs quota `units` (YouTube)."""
        self.requests[endpoint] += 1
        self.items[(endpoint, "units")] += units

    def rows(self) -> list[tuple[str, str, int, int]]:
        """(endpoint, kind, requests, resources), requests counted once per endpoint."""
        rows: list[tuple[str, str, int, int]] = []
        counted = {**{key: len(ids) for key, ids in self.seen.items()}, **self.items}
        endpoints_with_rows = {endpoint for endpoint, _ in counted}
        for (endpoint, kind), resources in sorted(counted.items()):
            first = min(k for e, k in counted if e == endpoint) == kind
            rows.append((endpoint, kind, self.requests[endpoint] if first else 0, resources))
        for endpoint, requests in sorted(self.requests.items()):
            if endpoint not in endpoints_with_rows:
                rows.append((endpoint, "none", requests, 0))
        return rows

    def total_requests(self) -> int:
        """Requests of the run so far."""
        return sum(self.requests.values())

    def resources(self, kind: str) -> int:
        """Distinct resources of one kind read in the run (X's billing unit)."""
        if self.platform == "x":
            return len(set().union(*(ids for (_, k), ids in self.seen.items() if k == kind)))
        return sum(n for (_, k), n in self.items.items() if k == kind)
