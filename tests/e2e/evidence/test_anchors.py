"""Anchors against a real RFC 3161 TSA on loopback (`openssl ts -reply`, a CA made here).

What the chain alone cannot show, the anchors and the reports do: a history rewritten with
every hash recomputed, the newest records deleted, a TSA down for a day and then back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select

from modaudit import jobs
from modaudit.cli import cli
from modaudit.config import load_config
from modaudit.store import anchors
from modaudit.store.schema import ChainAnchor, ChainRecord, Event
from tests.support.evidence_world import (
    EvidenceWorld,
    add_event,
    evidence_world,
    rewrite_chain,
    write_config,
)
from tests.support.mailserver import Inbox, smtp_server
from tests.support.stored_runs import at


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[EvidenceWorld]:
    with evidence_world(db_url, tmp_path) as world:
        yield world


def verify(world: EvidenceWorld, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(world.config_path), "verify", *args])
    return result.exit_code, " ".join(result.output.split())  # lines wrap at the console width


def test_an_anchor_is_a_verified_token_over_the_head(world: EvidenceWorld) -> None:
    [outcome] = jobs.anchor(world.config, now=at(30))
    assert outcome.status == "stamped" and world.tsa.requests == 1
    assert jobs.anchor(world.config, now=at(31))[0].status == "current"  # nothing new: no request
    assert world.tsa.requests == 1
    code, output = verify(world)
    assert code == 0 and "1 time-stamp token(s) valid" in output and "chain intact" in output


def test_a_rewrite_with_every_hash_recomputed_is_caught_by_the_anchor(world: EvidenceWorld) -> None:
    jobs.anchor(world.config, now=at(30))
    with world.session() as session:
        first = session.scalars(select(Event).order_by(Event.seq).limit(1)).one()
    rewrite_chain(world.engine, first.id, {"note": "nothing happened"})
    code, output = verify(world)
    assert code == 1
    assert f"event {first.id} (valilik): differs from what anchor 1 (time-stamped" in output
    assert "the history was rewritten after it" in output
    assert "contents changed" not in output  # every hash was recomputed: only the anchor knows


def test_deleting_the_newest_records_is_caught_by_the_anchor(world: EvidenceWorld) -> None:
    jobs.anchor(world.config, now=at(30))
    with world.session() as session, session.begin():
        newest = session.scalar(select(func.max(ChainRecord.seq)))
        session.execute(delete(ChainRecord).where(ChainRecord.seq == newest))  # the review's record
    code, output = verify(world)
    assert code == 1 and "its newest elements were deleted" in output


def test_a_backdated_stamped_at_fails_naming_the_token_time(world: EvidenceWorld) -> None:
    jobs.anchor(world.config, now=at(30))
    with world.session() as session:
        anchor = session.scalars(select(ChainAnchor)).one()
        stamped = anchor.stamped_at
    assert stamped is not None
    code, output = verify(world)
    assert code == 0 and f"time-stamped {stamped:%Y-%m-%d %H:%M:%S} UTC" not in output
    with world.session() as session, session.begin():
        session.get(ChainAnchor, anchor.id).stamped_at = stamped - timedelta(days=60)
    code, output = verify(world)
    assert code == 1
    assert "anchor 1 (valilik): token time differs" in output
    assert f"{stamped - timedelta(days=60):%Y-%m-%d %H:%M:%S} UTC" in output  # what the DB says
    assert f"genTime) is {stamped:%Y-%m-%d %H:%M:%S} UTC" in output  # what the token says
    assert "beyond the TSA's stated accuracy (1 s)" in output  # sandbox/tsa_ca.py: secs:1
    with world.session() as session:  # what reports print is the token's time, not the copy
        assert [head.stamped_at for head in anchors.heads(session)] == [stamped]


def test_a_forged_token_is_refused(world: EvidenceWorld) -> None:
    jobs.anchor(world.config, now=at(30))
    with world.session() as session, session.begin():
        anchor = session.scalars(select(ChainAnchor)).one()
        anchor.manifest = anchor.manifest.replace(anchor.manifest[:8], "0" * 8, 1)
    code, output = verify(world)
    assert code == 1 and "anchor 1 (valilik): token does not verify" in output


def test_the_tsa_down_for_a_day_then_back(world: EvidenceWorld) -> None:
    jobs.anchor(world.config, now=at(30))
    add_event(world.engine, "c9", 40)
    world.tsa.down = True
    [down] = jobs.anchor(world.config, now=at(48))
    assert down.status == "failed" and "HTTP 503" in (down.error or "")
    text = jobs.weekly_report(world.config, "2026-W10", send=False, now=at(49))[0].text
    assert "zaman damgası bekliyor" in text  # the report says the head waits, and it was built
    world.tsa.down = False
    [back] = jobs.anchor(world.config, now=at(72))
    assert back.status == "stamped"
    with world.session() as session:
        stamped = session.scalars(select(ChainAnchor).where(ChainAnchor.status == "stamped")
                                  .order_by(ChainAnchor.id)).all()
    # The catch-up covers everything since the last token, the attempt of the day down included.
    assert stamped[1].manifest.splitlines()[0].endswith(f"{stamped[0].event_count + 1:08d}.json")
    code, output = verify(world)
    assert code == 0 and "2 time-stamp token(s) valid" in output


def test_a_saved_report_that_disagrees_with_the_database(world: EvidenceWorld,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "rapor.html"
    jobs.weekly_report(world.config, "2026-W10", send=False, out=str(out), now=at(49))
    text_out = tmp_path / "rapor.txt"
    text_out.write_text(jobs.weekly_report(world.config, "2026-W10", send=False,
                                           now=at(49))[0].text, encoding="utf-8")
    assert "chain-head " in out.read_text(encoding="utf-8")
    assert verify(world, "--report", str(out), "--report", str(text_out))[0] == 0
    with world.session() as session, session.begin():  # the anchor goes too: only the report is left
        session.execute(delete(ChainAnchor))
    with world.session() as session:
        last = session.scalars(select(Event).order_by(Event.seq.desc()).limit(1)).one()
    rewrite_chain(world.engine, last.id, {"note": "rewritten"})
    code, output = verify(world, "--report", str(out))
    assert code == 1 and f"report {out.name}" in output and "rewritten after it" in output


def test_time_moves_on_between_attempts(world: EvidenceWorld) -> None:
    """Each attempt stores the time it was made; a stamped one the TSA's own time."""
    world.tsa.down = True
    jobs.anchor(world.config, now=at(30))
    world.tsa.down = False
    jobs.anchor(world.config, now=at(30) + timedelta(days=1))
    with world.session() as session:
        rows = session.scalars(select(ChainAnchor).order_by(ChainAnchor.id)).all()
    assert [r.status for r in rows] == ["failed", "stamped"] and rows[1].stamped_at is not None


def test_the_operator_hears_of_a_head_waiting_a_day(world: EvidenceWorld, tmp_path: Path) -> None:
    """Collection health: a TSA down for a day is told to the operator once; nothing fails."""
    inbox = Inbox()
    with smtp_server(inbox) as server:
        config = load_config(write_config(tmp_path / "smtp.toml", str(world.engine.url),
                                          world.tsa, smtp_port=server.port))
        world.tsa.down = True
        assert jobs.anchor(config, now=at(30), notify=True)[0].status == "failed"
        assert inbox.messages == []  # not yet a day
        jobs.anchor(config, now=at(55), notify=True)
        jobs.anchor(config, now=at(56), notify=True)
        [notice] = inbox.to("bilgi-islem@example.gov.tr")
        assert "zaman damgası" in notice.parsed()["Subject"]
        assert "HTTP 503" in notice.parsed().get_body(("plain",)).get_content()
