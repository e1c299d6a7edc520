"""`modaudit demo`: a simulated week of nightly audits against the built-in platform simulator."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from rich.console import Console
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.config import load_config
from modaudit.db import make_engine, upgrade

DEMO_DAYS = 8
AUDIT_TIME = timedelta(hours=23, minutes=30)  # 02:30 in Istanbul, the nightly default


def _write_config(out_dir: Path, base_url: str, pages: list, database: Path) -> Path:
    lines = [
        "# Written by `modaudit demo`: the simulator's address changes on every run.",
        "[database]", f'url = "sqlite:///{database.as_posix()}"',
        "[facebook]", f'graph_base_url = "{base_url}"',
        "[collect]", "timeout_seconds = 2.0", "max_retries = 2", "backoff_seconds = 0.05",
    ]
    for index, page in enumerate(pages):
        lines += [
            "[[accounts]]", f'name = "demo-facebook-{index + 1}"', 'platform = "facebook"',
            f'account_id = "{page.page_id}"', f'handle = "{page.page_id}"',
            f"institution = {_toml_string(page.name)}",
            'managers = ["yonetici@example.gov.tr"]', f'page_token_env = "{_token_env(index)}"',
        ]
    path = out_dir / "modaudit.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _token_env(index: int) -> str:
    return f"MODAUDIT_DEMO_PAGE_TOKEN_{index + 1}"


def _fresh_database(out_dir: Path) -> Path:
    database = (out_dir / "modaudit.db").resolve()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return database


def run_demo(out_dir: Path, console: Console) -> bool:
    """Run the demo; print findings and the comparison with ground truth. True if all matched."""
    from analysis.queries import list_events, list_findings
    from modaudit.cli import print_findings_table
    from sandbox import Simulator, demo_scenario

    out_dir.mkdir(parents=True, exist_ok=True)
    database = _fresh_database(out_dir)
    scenario = demo_scenario()
    with Simulator(scenario) as simulator:
        config_path = _write_config(out_dir, simulator.base_url, scenario.pages, database)
        for index, page in enumerate(scenario.pages):
            os.environ[_token_env(index)] = page.token
        config = load_config(config_path)
        engine = make_engine(config.database.url)
        upgrade(engine)
        console.print(f"simulator on {simulator.base_url}; database {database}", markup=False)
        last_audit: datetime = scenario.start
        for day in range(DEMO_DAYS):
            last_audit = scenario.start + timedelta(days=day) + AUDIT_TIME
            simulator.set_now(last_audit)
            for result in jobs.audit_all(config_path, "nightly", now=last_audit):
                warnings = ", ".join(sorted({w.code for w in result.warnings})) or "-"
                local = last_audit.astimezone(config.tz).strftime("%a %d %b %H:%M")
                console.print(
                    f"night {day} ({local}): {result.account} {result.status:<7} "
                    f"{result.api_calls:>3} calls, {result.events} events, "
                    f"{result.findings_opened} new findings, warnings: {warnings}", markup=False)
    with Session(engine) as session:
        findings = list_findings(session)
        events = list_events(session)
    engine.dispose()
    print_findings_table(findings, config, console.print)
    truth = {(action.kind, action.subject_id) for action in scenario.ground_truth(until=last_audit)}
    recorded = {(event.kind, event.subject_id) for event in events}
    detected = len(truth & recorded)
    false_findings = sum(1 for f in findings if (f.kind, f.subject_id) not in truth)
    console.print(f"detected {detected} of {len(truth)} moderation actions, "
                  f"{false_findings} false findings", markup=False)
    return detected == len(truth) and false_findings == 0
