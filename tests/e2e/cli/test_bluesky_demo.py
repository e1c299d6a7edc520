"""`modaudit demo` with its Bluesky account (scenarios/bluesky_demo.py): a block, an unblock, a
hidden reply, a restricted thread and a listblock found, and the last line still all of the truth."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from modaudit.demo.run import run_demo
from modaudit.sandbox.scenarios.bluesky_demo import BSKY_ACCOUNT
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_events

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_the_demo_audits_its_bluesky_account_from_outside(tmp_path: Path) -> None:
    """The account's week is found in full, blocks at their records' times, with no secret set."""
    lines: list[str] = []
    assert run_demo(tmp_path / "demo", lines.append, lambda rows, config: None), lines[-1]
    assert lines[-1].endswith(", 0 false findings")
    detected, _, rest = lines[-1].removeprefix("detected ").partition(" of ")
    assert detected == rest.split(" ", 1)[0]
    config = (tmp_path / "demo" / "modaudit.toml").read_text(encoding="utf-8")
    bluesky = config[config.index('platform = "bluesky"'):]
    assert f'account_id = "{BSKY_ACCOUNT.did}"' in bluesky and "_env" not in bluesky.split("[[")[0]
    engine = make_engine(f"sqlite:///{tmp_path / 'demo' / 'modaudit.db'}")
    with Session(engine) as session:
        events = list_events(session, "demo-bluesky-1")
    engine.dispose()
    kinds = sorted(event.kind for event in events)
    assert kinds == ["comment_hidden", "comment_hidden", "quote_detached", "replies_reopened",
                     "replies_restricted", "user_blocked", "user_blocked", "user_unblocked"]
    blocks = [event for event in events if event.kind == "user_blocked"]
    assert all(event.source == "record" and event.occurred_after == event.occurred_before
               for event in blocks)
    assert [e.subject_id.startswith("at://") for e in blocks] == [False, True]  # the list second
