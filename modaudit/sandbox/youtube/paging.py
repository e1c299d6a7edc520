"""Page tokens of the simulated YouTube listings, with the paging quirks of faults.SHAPE_KINDS."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from modaudit.sandbox.api import ApiRequest
from modaudit.sandbox.faults import DRIFT_KINDS, Fault
from modaudit.sandbox.youtube.errors import bad_request

T = TypeVar("T")
_PREFIX = "sim:"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: its items, the next token (None at the end), the quirks applied."""

    items: list[T]
    next_token: str | None
    applied: tuple[Fault, ...] = ()


def encode_token(offset: int) -> str:
    """An opaque page token for a listing offset."""
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode().rstrip("=")


def decode_token(token: str) -> int:
    """The offset a page token stands for; raises the 400 YouTube gives a bad token."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(_PREFIX) or not text[len(_PREFIX):].isdigit():
        raise bad_request("The request specifies an invalid page token.", "invalidPageToken")
    return int(text[len(_PREFIX):])


def offset_of(request: ApiRequest) -> int:
    """The listing offset a request asks for (0 without a pageToken)."""
    token = request.query.get("pageToken", "")
    return decode_token(token) if token else 0


def page(request: ApiRequest, items: Sequence[T], size: int) -> Page[T]:
    """The page a request asks for, honouring a cutoff (`listing_end`) and paging quirks."""
    token = request.query.get("pageToken", "")
    offset = offset_of(request)
    applied: list[Fault] = []
    start = offset
    for fault in request.shape:
        if fault.kind in DRIFT_KINDS and token and offset >= fault.after_items:
            start = fault.drifted(offset, size)
            applied.append(fault)
            break
    end = start + size
    if request.listing_end is not None:
        end = min(end, max(request.listing_end, start))
    chunk = list(items[start:end])
    next_token = encode_token(end) if end < len(items) else None
    for fault in request.shape:
        if fault.kind == "repeat_cursor" and token and next_token and offset >= fault.after_items:
            next_token = token  # the platform hands back the token it was asked with
            applied.append(fault)
            break
    return Page(chunk, next_token, tuple(applied))
