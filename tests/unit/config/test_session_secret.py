"""The portal's session secret must hold at least 32 random bytes; the two ways the README and
`check` give to make one always pass, and a refusal never repeats the secret."""

from __future__ import annotations

import base64
import os
import secrets

import pytest

from modaudit.config_rules import MAKE_SESSION_SECRET, session_secret_problem


def test_what_the_messages_recommend_always_passes() -> None:
    assert "secrets.token_urlsafe(48)" in MAKE_SESSION_SECRET
    assert "openssl rand -hex 32" in MAKE_SESSION_SECRET
    for _ in range(500):
        assert session_secret_problem(secrets.token_urlsafe(48)) is None
        assert session_secret_problem(secrets.token_hex(32)) is None  # openssl rand -hex 32
        assert session_secret_problem(base64.b64encode(os.urandom(32)).decode()) is None


@pytest.mark.parametrize("weak", [
    "abc", "hunter2hunter2", "test-session-secret-0123456789abcdef",  # 36 characters, ~219 bits
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a",  # 31 bytes: one short
    "a" * 500, "ab" * 200, "0123456789" * 6,  # long, not random
])
def test_weak_secrets_are_refused_without_being_repeated(weak: str) -> None:
    problem = session_secret_problem(weak)
    assert problem is not None and "at least 32 random bytes" in problem
    assert weak[:8] not in problem and MAKE_SESSION_SECRET in problem
