"""Meta webhooks: check a delivery's signature on the raw bytes, then parse Page `feed` changes.

Meta signs each POST body with the app secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`.
The signature is checked in constant time before the body is parsed at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from typing import Any

from collectors.records import CollectorError, Delivery, FeedChange

SIGNATURE_PREFIX = "sha256="


class MalformedDelivery(CollectorError):
    """A signed delivery whose body is not the JSON shape Meta sends."""


def body_digest(body: bytes) -> str:
    """SHA-256 of a raw body (hex): what makes two deliveries the same."""
    return hashlib.sha256(body).hexdigest()


def verify_signature(body: bytes, header: str | None, app_secret: str) -> bool:
    """True if `header` is `sha256=<64 hex>` matching `body`'s HMAC-SHA256 (constant time); else False."""
    # Total on purpose: the header is attacker-controlled (any latin-1 text, as Starlette decodes
    # it), and compare_digest raises TypeError on non-ASCII str. Only HTTP's optional whitespace
    # around the value is tolerated (uvicorn's httptools parser leaves trailing whitespace in);
    # anything else that is not exactly 64 ASCII hex digits is refused (a character test:
    # int(x, 16) and str.isdigit accept "_", "0x" or other scripts' digits).
    value = header.strip(" \t") if isinstance(header, str) else ""
    digest = value[len(SIGNATURE_PREFIX):]
    if (not value.startswith(SIGNATURE_PREFIX) or len(digest) != 64
            or not all(char in "0123456789abcdefABCDEF" for char in digest)):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), digest.lower().encode("ascii"))


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value > 100_000_000_000:  # milliseconds, as some Meta objects send
        value = value / 1000
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


# A lone surrogate can only arrive as a \u escape (raw surrogate bytes are not UTF-8 at all).
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _well_formed(value: Any) -> Any:
    """`value` with each lone surrogate in its strings (valid JSON, not valid UTF-8) as U+FFFD.

    A `message` stays as received: only its digest is stored, and it covers what Meta sent.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, dict):
        return {_well_formed(key): item if key == "message" else _well_formed(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_well_formed(item) for item in value]
    return value


def parse_delivery(body: bytes) -> Delivery:
    """The delivery's entries and feed changes; MalformedDelivery if it is not Meta's shape.

    Strings with half a surrogate pair (half an emoji: valid JSON, not valid UTF-8) are kept with
    U+FFFD in its place, except a change's `message` (see `_well_formed`).
    """
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedDelivery(f"not JSON: {exc}") from None
    if SURROGATE_ESCAPE.search(body):
        document = _well_formed(document)
    if not isinstance(document, dict) or not isinstance(document.get("entry"), list):
        raise MalformedDelivery("not a webhook delivery: no `entry` array")
    entry_ids: list[str] = []
    changes: list[FeedChange] = []
    for index, entry in enumerate(document["entry"]):
        page_id = _text(entry.get("id")) if isinstance(entry, dict) else None
        if page_id is None:
            raise MalformedDelivery(f"entry {index} has no id")
        entry_ids.append(page_id)
        entry_time = _epoch(entry.get("time"))
        entry_changes = entry.get("changes") or []
        if not isinstance(entry_changes, list):
            raise MalformedDelivery(f"entry {index}: `changes` is not an array")
        for change in entry_changes:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict) or change.get("field") != "feed":
                continue  # other fields (and malformed changes) carry nothing audited here
            # The entry's `time` is when the change happened; a feed value's `created_time` may be
            # the comment's own creation time, so it is only the fallback (and kept as evidence).
            occurred = entry_time or _epoch(value.get("created_time"))
            if occurred is None:
                raise MalformedDelivery(f"entry {index}: a feed change has no time")
            sender = value.get("from") if isinstance(value.get("from"), dict) else {}
            changes.append(FeedChange(
                page_id=page_id, item=str(value.get("item") or ""), verb=str(value.get("verb") or ""),
                comment_id=_text(value.get("comment_id")), post_id=_text(value.get("post_id")),
                parent_id=_text(value.get("parent_id")), from_id=_text(sender.get("id")),
                message=_text(value.get("message")), occurred_at=occurred, raw=value,
            ))
    return Delivery(object=str(document.get("object") or ""), entry_ids=entry_ids, changes=changes)
