"""`modaudit demo`: its webhook deliveries carry the simulated week's times; its report reads in words."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from modaudit.demo.run import run_demo
from modaudit.store.engine import make_engine
from modaudit.store.schema import WebhookDelivery

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_demo_deliveries_are_received_in_the_simulated_week(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    lines: list[str] = []
    monkeypatch.chdir(tmp_path)  # as the README runs it: `modaudit demo` into ./modaudit-demo/
    assert run_demo(Path("modaudit-demo"), lines.append, lambda rows, config: None)
    # Four platforms' accounts, the YouTube channel's nights among them, all found.
    assert sum("demo-youtube-1 ok" in line for line in lines) == 9, lines
    assert lines[-1] == "detected 48 of 48 moderation actions, 0 false findings"
    tmp_path = tmp_path / "modaudit-demo"
    # Commenters' personal data, even simulated: the folder and the database are the owner's only.
    assert (tmp_path.stat().st_mode & 0o777, (tmp_path / "modaudit.db").stat().st_mode & 0o777) \
        == (0o700, 0o600)
    engine = make_engine(f"sqlite:///{tmp_path / 'modaudit.db'}")
    with Session(engine) as session:
        received = list(session.scalars(select(WebhookDelivery.received_at)))
    engine.dispose()
    assert received
    # The demo's November 2026, not the day the demo was run.
    assert all(datetime(2026, 11, 9, tzinfo=UTC) <= at <= datetime(2026, 11, 30, tzinfo=UTC)
               for at in received), received
    html = (tmp_path / "weekly-report-2026-W47.html").read_text(encoding="utf-8")
    assert "Yapılacaklar" in html and "Teknik ayrıntılar" in html
    assert "delivery_id" not in html and "body_sha256" not in html and "sightings" not in html
    csv = (tmp_path / "weekly-report-2026-W47.csv").read_bytes()
    assert csv.startswith("\ufeffBulgu no;".encode())
