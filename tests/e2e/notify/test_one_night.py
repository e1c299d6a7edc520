"""One night, whoever runs it: every account scanned, then the nightly alerts (issue 21, item 4).

`modaudit audit` (jobs.audit_all) and the service's local executor run the same night
(`fleet/night.run_night`): a ban found tonight is mailed to the account's managers right after
tonight's scans, by whichever of the two ran the night.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.config import load_config
from modaudit.fleet import LocalExecutor
from modaudit.sandbox import Simulator
from modaudit.store.engine import make_engine
from modaudit.store.schema import Finding
from tests.support.mailserver import Inbox, free_port, smtp_server
from tests.support.report_world import (
    AUDITS,
    MANAGERS_A,
    TOKEN_ENV,
    report_scenario,
    write_report_config,
)


@pytest.mark.parametrize("runner", ["audit", "executor"])
def test_a_night_scans_every_account_then_alerts_once(tmp_path: Path, migrated: str,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      runner: str) -> None:
    scenario = report_scenario()
    for index, page in enumerate(scenario.pages):
        monkeypatch.setenv(f"{TOKEN_ENV}{index}", page.token)
    inbox, port = Inbox(), free_port()
    engine = make_engine(migrated)
    with Simulator(scenario) as simulator, smtp_server(inbox, port=port):
        config = load_config(write_report_config(tmp_path / "modaudit.toml", migrated,
                                                 simulator.base_url, port))
        for moment in (AUDITS[0], AUDITS[2]):
            simulator.set_now(moment)
            if runner == "audit":
                results = jobs.audit_all(config, "nightly", now=moment)
            else:
                results = LocalExecutor(config).run(engine, now=moment).results
            assert [r.account for r in results] == ["page-0", "page-1"]
            assert all(r.status == "ok" for r in results), results
    with Session(engine) as session:
        high = session.scalars(select(Finding).where(Finding.severity == "high")).all()
    engine.dispose()
    assert [(f.kind, f.alerted_at) for f in high] == [("user_blocked", AUDITS[2])]
    assert sorted(r for m in inbox.messages for r in m.rcpt_tos) == sorted(MANAGERS_A)  # once each
