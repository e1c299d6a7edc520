"""Meta webhook bodies that are valid JSON but not valid UTF-8 (lone surrogates), parsed."""

from __future__ import annotations

import hashlib
import json

from collectors.meta_webhook import parse_delivery
from modaudit.store.chain import text_digest


def body(value: dict) -> bytes:
    """A one-change Page delivery, serialised as Meta does (ASCII, `\\uXXXX` escapes)."""
    return json.dumps({"object": "page", "entry": [{"id": "900100", "time": 1_795_000_000,
                       "changes": [{"field": "feed", "value": value}]}]}).encode()


def test_a_lone_surrogate_becomes_u_fffd_except_in_the_message() -> None:
    value = {"item": "comment", "verb": "hide", "comment_id": "1_2\ud83d", "post_id": "900100_1",
             "from": {"id": "5002\udc00", "name": "Ay\ud83d"}, "message": "Selam \ud83d"}
    raw = body(value)
    assert b"\\ud83d" in raw and raw.isascii()
    (change,) = parse_delivery(raw).changes
    assert (change.comment_id, change.from_id) == ("1_2\ufffd", "5002\ufffd")
    assert change.raw["from"]["name"] == "Ay\ufffd"
    assert change.message == "Selam \ud83d"  # as received: its digest covers exactly that


def test_a_whole_emoji_and_ordinary_text_are_untouched() -> None:
    value = {"item": "comment", "verb": "hide", "comment_id": "1_2", "message": "Selam 😀 çığ"}
    raw = body(value)
    assert b"\\ud83d\\ude00" in raw  # a surrogate pair, escaped: one character once parsed
    (change,) = parse_delivery(raw).changes
    assert change.message == "Selam 😀 çığ" and change.comment_id == "1_2"


def test_the_digest_of_a_lone_surrogate_is_of_its_code_points_as_received() -> None:
    assert text_digest("Selam 😀") == hashlib.sha256("Selam 😀".encode()).hexdigest()  # unchanged
    assert text_digest("Selam \ud83d") == hashlib.sha256(b"Selam \xed\xa0\xbd").hexdigest()
    assert text_digest("Selam \ud83d") != text_digest("Selam \ufffd")
