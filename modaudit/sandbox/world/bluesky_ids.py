"""AT Protocol identifiers for the simulated Bluesky: DIDs, TIDs (record keys), CIDs, at-uris, times."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

# The "base32-sortable" alphabet TIDs are written in (atproto spec, "Record Key" / "TID").
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
# CIDv1 prefix: version 1, codec dag-cbor (0x71), multihash sha2-256 (0x12) of 32 bytes (0x20).
_CID_PREFIX = bytes([0x01, 0x71, 0x12, 0x20])


def did_plc(seed: str) -> str:
    """A plausible, stable did:plc for a fictional account (24 base32 characters)."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return "did:plc:" + base64.b32encode(digest).decode("ascii").lower()[:24]


def micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch (Jetstream's `time_us`, a TID's timestamp)."""
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def tid(moment: datetime, clock_id: int = 0) -> str:
    """The 13-character TID for `moment`; `clock_id` (0..1023) separates keys made at one instant."""
    value = (micros(moment) << 10) | (clock_id & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 0x1F])
        value >>= 5
    return "".join(reversed(chars))


def cid_of(value: Any) -> str:
    """A CIDv1 (base32, "bafyrei…") over the record's canonical JSON; it changes when the record does."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return "b" + base64.b32encode(_CID_PREFIX + digest).decode("ascii").lower().rstrip("=")


def at_uri(did: str, collection: str, rkey: str) -> str:
    """The at-uri of a record: at://did/collection/rkey."""
    return f"at://{did}/{collection}/{rkey}"


def split_at_uri(uri: str) -> tuple[str, str, str] | None:
    """(did, collection, rkey) of a record at-uri, or None when it is not one."""
    if not uri.startswith("at://"):
        return None
    parts = uri[len("at://") :].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def iso(moment: datetime) -> str:
    """Lexicon datetime: UTC with milliseconds and a Z, as the Bluesky app writes `createdAt`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
