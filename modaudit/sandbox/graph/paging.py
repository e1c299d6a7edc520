"""Graph listing pages: cursors, `next`/`previous` links, and the paging quirks of the real API.

Cursor paging follows https://developers.facebook.com/docs/graph-api/results: `paging.cursors`
{before, after}, absolute `next`/`previous` links, `next` absent on the last page. The quirks
(repeat_cursor, empty_pages, blank_since, repeat_page, overlap_pages) reproduce what real listings
do to clients.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from modaudit.sandbox.api import ApiRequest
from modaudit.sandbox.faults import DRIFT_KINDS, Fault
from modaudit.sandbox.graph.errors import GraphError, param_error
from modaudit.sandbox.graph.quirks import Quirks

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
PAGING_TOKEN = "__paging_token"

_CURSOR_PREFIX = "offset:"
_TOKEN_PREFIX = "paging:"
# Position parameters of the request that a link for another page must not carry over.
_POSITION_PARAMS = ("access_token", "after", "before", PAGING_TOKEN)


@dataclass(frozen=True)
class Row:
    """One listed item with what paging needs: the object's id and its time (for `until`)."""

    item: dict[str, Any]
    object_id: str
    at: datetime


def encode_cursor(offset: int) -> str:
    """An opaque paging cursor for a listing offset."""
    raw = f"{_CURSOR_PREFIX}{offset}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The listing offset in a cursor; raises GraphError (code 100) if it is not one of ours."""
    return _decode(cursor, _CURSOR_PREFIX, f"(#100) Invalid cursor: {cursor}")


def encode_paging_token(offset: int) -> str:
    """An opaque `__paging_token` for time-based next links ("enc_..." like the real ones)."""
    raw = f"{_TOKEN_PREFIX}{offset}".encode()
    return "enc_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_paging_token(token: str) -> int:
    """The listing offset in a `__paging_token`; code 100 if it is not one of ours."""
    message = f"(#100) Invalid {PAGING_TOKEN}: {token}"
    if not token.startswith("enc_"):
        raise param_error(message)
    return _decode(token[len("enc_") :], _TOKEN_PREFIX, message)


def page_limit(request: ApiRequest) -> int:
    """The page size asked for: default 25, at most 100."""
    raw = request.query.get("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise param_error("(#100) Param limit must be a number") from None
    if limit <= 0:
        raise param_error("(#100) Param limit must be a positive number")
    return min(limit, MAX_LIMIT)


def start_offset(request: ApiRequest) -> int:
    """Where the requested page starts (0 if its position parameters cannot be read)."""
    try:
        return _window(request)[0]
    except GraphError:
        return 0


def listing(
    request: ApiRequest, rows: list[Row], quirks: Quirks, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One page of a listing (`extra`, e.g. a summary, added to every page), quirks applied."""
    offset, limit, carried = _window(request)
    drift = _drift(quirks, offset, carried)
    if drift is not None:
        quirks.mark(drift)
        offset = drift.drifted(offset, limit)
    if request.listing_end is not None and offset < request.listing_end:
        limit = min(limit, request.listing_end - offset)  # cutoff fault: end the page at the cut
    empty = quirks.first("empty_pages")
    if empty is not None and len(rows) > empty.after_items:
        if offset >= empty.after_items:
            quirks.mark(empty)
            return {**_empty_page(request, offset), **(extra or {})}
        limit = min(limit, empty.after_items - offset)
    chunk = rows[offset : offset + limit]
    body: dict[str, Any] = {"data": [quirks.reshape(row.item, row.object_id) for row in chunk]}
    if chunk:  # Graph leaves `paging` out of an empty answer
        again = drift is not None and drift.kind == "repeat_page"
        body["paging"] = _paging(request, rows, offset, offset + len(chunk), carried, quirks, again)
    return {**body, **(extra or {})}


def _paging(
    request: ApiRequest,
    rows: list[Row],
    offset: int,
    end: int,
    carried: tuple[str, str] | None,
    quirks: Quirks,
    again: bool = False,
) -> dict[str, Any]:
    """`paging` for the page rows[offset:end]: cursors, `previous`, and `next` if more remain.

    `again`: a repeat_page answer, which hands back the cursor it was asked with.
    """
    after = encode_cursor(end)
    more = end < len(rows)
    repeat = quirks.first("repeat_cursor")
    repeated = again or (repeat is not None and carried is not None and offset >= repeat.after_items)
    if repeated:
        if repeat is not None and not again:
            quirks.mark(repeat)
        more = True  # the loop must go on: the client gets its own position back, forever
        after = carried[1] if carried and carried[0] == "after" else encode_cursor(offset)
    paging: dict[str, Any] = {"cursors": {"before": encode_cursor(offset), "after": after}}
    if offset > 0:
        paging["previous"] = _cursor_url(request, "before", encode_cursor(offset))
    if not more:
        return paging
    blank = quirks.first("blank_since")
    if blank is not None:
        quirks.mark(blank)
        token = encode_paging_token(end)
        if repeated and carried and carried[0] == PAGING_TOKEN:
            token = carried[1]
        paging["next"] = _time_url(request, rows[end - 1].at, token)
    else:
        paging["next"] = _cursor_url(request, "after", after)
    return paging


def _drift(quirks: Quirks, offset: int, carried: tuple[str, str] | None) -> Fault | None:
    """The repeat_page or overlap_pages fault that moves a page asked by cursor, if any."""
    if carried is None:
        return None  # the first page (or one asked `before`) is where it was asked
    for kind in DRIFT_KINDS:
        fault = quirks.first(kind)
        if fault is not None and offset >= fault.after_items:
            return fault
    return None


def _empty_page(request: ApiRequest, offset: int) -> dict[str, Any]:
    """empty_pages: no data, yet a fresh cursor and a next link (Graph may filter a page empty)."""
    fresh = encode_cursor(offset + 1)
    return {
        "data": [],
        "paging": {
            "cursors": {"before": encode_cursor(offset), "after": fresh},
            "next": _cursor_url(request, "after", fresh),
        },
    }


def _window(request: ApiRequest) -> tuple[int, int, tuple[str, str] | None]:
    """(offset, limit, the position parameter the request carried) for after/before/token paging."""
    limit = page_limit(request)
    after = request.query.get("after")
    if after:
        return decode_cursor(after), limit, ("after", after)
    before = request.query.get("before")
    if before:
        end = decode_cursor(before)
        start = max(0, end - limit)
        return start, end - start, None
    token = request.query.get(PAGING_TOKEN)
    if token:
        return decode_paging_token(token), limit, (PAGING_TOKEN, token)
    return 0, limit, None


def _cursor_url(request: ApiRequest, key: str, cursor: str) -> str:
    """The request's own URL with its parameters, the token and a `before`/`after` cursor."""
    dropped = _POSITION_PARAMS + (("until",) if request.query.get(PAGING_TOKEN) else ())
    params = [(k, v) for k, v in request.query.items() if k not in dropped]
    params += [("access_token", request.query.get("access_token", "")), (key, cursor)]
    return f"{request.base_url}{request.path}?{urlencode(params)}"


def _time_url(request: ApiRequest, until: datetime, token: str) -> str:
    """blank_since: a next link the way real Page post listings give it.

    `...&limit=100&until=<unix>&since&__paging_token=enc_...&access_token=...`: `since` is blank
    (the window's lower bound is lost) and `fields` is left out (the next page has default fields).
    """
    dropped = (*_POSITION_PARAMS, "fields", "since", "until")
    params = urlencode([(k, v) for k, v in request.query.items() if k not in dropped])
    tail = (
        f"until={int(until.timestamp())}&since&{PAGING_TOKEN}={quote(token)}"
        f"&access_token={quote(request.query.get('access_token', ''))}"
    )
    return f"{request.base_url}{request.path}?{params + '&' if params else ''}{tail}"


def _decode(text: str, prefix: str, message: str) -> int:
    """The offset in an opaque base64 position marker, or code 100 with `message`."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        if not raw.startswith(prefix):
            raise ValueError(raw)
        offset = int(raw[len(prefix) :])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise param_error(message) from None
    if offset < 0:
        raise param_error(message)
    return offset
