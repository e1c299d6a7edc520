"""`modaudit demo`: a simulated week of nightly audits against the built-in platform simulator."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.config import Config, load_config
from modaudit.demo import webhooks as webhook_demo
from modaudit.sandbox import Scenario, Simulator, demo_scenario
from modaudit.sandbox.scenarios.bluesky_demo import add_bluesky_demo
from modaudit.sandbox.tsa import LoopbackTsa
from modaudit.store.engine import engine_for, upgrade
from modaudit.store.finding_rows import FindingRow, list_events, list_findings

DEMO_DAYS = 9  # the audited week and one more night, which confirms its last un-events
AUDIT_TIME = timedelta(hours=23, minutes=30)  # 02:30 in Istanbul, the nightly default
DEMO_WEEK = "2026-W47"  # Monday 16 - Sunday 22 November 2026, the nights with most findings
DEMO_PORTAL = "http://127.0.0.1:8090"  # `modaudit web serve`'s default address
DEMO_WEB_SECRET_ENV = "MODAUDIT_DEMO_WEB_SECRET"
DEMO_USER = "yonetici@example.gov.tr"


def _write_config(out_dir: Path, base_url: str, pages: list, x_accounts: list,
                  database: Path, instagram_accounts: list | tuple = (),
                  tsa: LoopbackTsa | None = None, youtube_channels: list | tuple = ()) -> Path:
    lines = [
        "# Written by `modaudit demo`: the simulator's address changes on every run.",
        "[database]", f'url = "sqlite:///{database.as_posix()}"',
        "[facebook]", f'graph_base_url = "{base_url}"',
        "[x]", f'api_base_url = "{base_url}"', "rate_limit_max_wait_seconds = 5",
        # Google's API and its OAuth token endpoint, both simulated on loopback.
        "[youtube]", f'api_base_url = "{base_url}"', f'token_uri = "{base_url}/token"',
        "[collect]", "timeout_seconds = 2.0", "max_retries = 2", "backoff_seconds = 0.05",
        "# Every post every night, so the week's actions are all found within it; the default",
        "# decaying schedule's reads and latencies are measured by bench/api_cost.py.",
        f"recheck_days = {list(range(1, 31))}",
        "[report]", "nightly_alerts = false  # the demo sends no email",
    ]
    for index, page in enumerate(pages):
        lines += [
            "[[accounts]]", f'name = "demo-facebook-{index + 1}"', 'platform = "facebook"',
            f'account_id = "{page.page_id}"', f'handle = "{page.page_id}"',
            f"institution = {_toml_string(page.name)}",
            'managers = ["yonetici@example.gov.tr"]', f'page_token_env = "{_token_env(index)}"',
        ]
    for index, account in enumerate(x_accounts):
        lines += [
            "[[accounts]]", f'name = "demo-x-{index + 1}"', 'platform = "x"',
            f'account_id = "{account.user_id}"', f'handle = "{account.username}"',
            'institution = "Örnek Valiliği"', 'managers = ["yonetici@example.gov.tr"]',
        ] + [f'{key}_env = "{_x_env(index, key)}"' for key in X_KEYS]
    for index, account in enumerate(instagram_accounts):
        lines += [
            "[[accounts]]", f'name = "demo-instagram-{index + 1}"', 'platform = "instagram"',
            f'account_id = "{account.ig_user_id}"', f'handle = "{account.username}"',
            'institution = "Örnek Valiliği"', 'managers = ["yonetici@example.gov.tr"]',
            f'page_token_env = "{_token_env(index)}_INSTAGRAM"',
        ]
    for index, channel in enumerate(youtube_channels):
        # The governorate's report covers the channel too: one report, one file, as before.
        lines += [
            "[[accounts]]", f'name = "demo-youtube-{index + 1}"', 'platform = "youtube"',
            f'account_id = "{channel.channel_id}"', f'handle = "{channel.handle}"',
            'institution = "Örnek Valiliği"', 'managers = ["yonetici@example.gov.tr"]',
        ] + [f'{key}_env = "{_yt_env(index, key)}"' for key in YT_KEYS]
    lines += webhook_demo.CONFIG_LINES
    lines += ["[web]", f'base_url = "{DEMO_PORTAL}"', f'session_secret_env = "{DEMO_WEB_SECRET_ENV}"']
    if tsa is not None:  # a real RFC 3161 TSA on loopback, with a CA made for this run
        lines += ["[timestamp]", "enabled = true", f'url = "{tsa.url}"',
                  f'ca_file = "{tsa.authority.ca_file.as_posix()}"']
    path = out_dir / "modaudit.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _add_bluesky_config(config_path: Path, base_url: str, scenario: Scenario) -> None:
    """The demo's Bluesky accounts, audited from outside: a DID and a handle, and no secret (their
    blocks and gates are public records), under the demo's one institution (one weekly report).
    Appended: TOML tables may follow `[[accounts]]`."""
    lines = ["", "[bluesky]", f'appview_url = "{base_url}"', f'plc_url = "{base_url}"']
    for index, account in enumerate(scenario.bluesky_accounts):
        lines += ["[[accounts]]", f'name = "demo-bluesky-{index + 1}"', 'platform = "bluesky"',
                  f'account_id = "{account.did}"', f'handle = "{account.handle}"',
                  'institution = "Örnek Valiliği"', 'managers = ["yonetici@example.gov.tr"]']
    with config_path.open("a", encoding="utf-8") as config:
        config.write("\n".join(lines) + "\n")


def _portal_user(config: Config, config_path: Path, say: Callable[[str], None]) -> None:
    """A demo manager of every demo institution, and how to open the data in the browser."""
    institutions = sorted({account.institution for account in config.accounts})
    _, link = jobs.add_user(config, DEMO_USER, "manager", institutions)
    say("to review the demo's findings in a browser (the portal):")
    say(f"  export {DEMO_WEB_SECRET_ENV}=$(openssl rand -hex 32)")
    say(f"  modaudit --config {config_path} web serve")
    say(f"  then open {link} (once, within 48 hours) to set a password for {DEMO_USER},")
    say(f"  and sign in at {DEMO_PORTAL}/giris")


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


X_KEYS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")


def _x_env(index: int, key: str) -> str:
    return f"MODAUDIT_DEMO_X_{index + 1}_{key.upper()}"


YT_KEYS = ("client_id", "client_secret", "refresh_token")


def _yt_env(index: int, key: str) -> str:
    return f"MODAUDIT_DEMO_YOUTUBE_{index + 1}_{key.upper()}"


def _token_env(index: int) -> str:
    return f"MODAUDIT_DEMO_PAGE_TOKEN_{index + 1}"


def _fresh_database(out_dir: Path) -> Path:
    database = (out_dir / "modaudit.db").resolve()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return database


def _evidence_package(config: Config, out_dir: Path, findings: list[FindingRow],
                      say: Callable[[str], None]) -> None:
    """Export the first high-severity finding's evidence package and verify the store."""
    high = [f for f in findings if f.severity == "high"]
    if high:
        # The demo's own folder, rebuilt on every run.
        path = jobs.export(config, out_dir / "kanit-paketi", finding_id=high[0].id,
                           replace=True).path
        say(f"evidence package of finding {high[0].id}: {path} (check it with DOGRULAMA.txt)")
    result = jobs.verify(config, (out_dir / f"weekly-report-{DEMO_WEEK}.html",))
    say(f"verify: {result.checked} chained events and records, {result.anchors} time-stamp "
        f"tokens, the report's heads: {len(result.problems)} problems")


def run_demo(out_dir: Path, say: Callable[[str], None],
             show_findings: Callable[[list[FindingRow], Config], None]) -> bool:
    """Run the demo, saying what happens (`say`, one line at a time) and showing the findings.

    True if what was detected matches the scenario's ground truth, with no false finding.
    """
    out_dir = out_dir.resolve()  # the config written there names files by absolute path
    # Owner-only, as the database in it (commenters' personal data, if only simulated here).
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    database = _fresh_database(out_dir)
    scenario = demo_scenario()
    add_bluesky_demo(scenario)
    tsa = LoopbackTsa(out_dir / "tsa").start()  # the demo's Time-Stamp Authority, to the end
    with Simulator(scenario) as simulator:
        config_path = _write_config(out_dir, simulator.base_url, scenario.pages,
                                    scenario.x_accounts, database, scenario.instagram_accounts,
                                    tsa, scenario.youtube_channels)
        _add_bluesky_config(config_path, simulator.base_url, scenario)
        for index, account in enumerate(scenario.instagram_accounts):
            os.environ[f"{_token_env(index)}_INSTAGRAM"] = account.token
        webhook_demo.set_demo_secrets()
        for index, page in enumerate(scenario.pages):
            os.environ[_token_env(index)] = page.token
        for index, account in enumerate(scenario.x_accounts):
            for key in X_KEYS:
                os.environ[_x_env(index, key)] = getattr(account, key)
        for index, channel in enumerate(scenario.youtube_channels):
            for key in YT_KEYS:
                os.environ[_yt_env(index, key)] = getattr(channel, key)
        config = load_config(config_path)
        engine = engine_for(config.database)
        upgrade(engine)
        say(f"simulator on {simulator.base_url}; database {database}")
        webhooks = webhook_demo.DemoWebhooks(engine, config, scenario)
        say(f"Meta webhook receiver on {webhooks.start()}")
        last_audit: datetime = scenario.start
        for day in range(DEMO_DAYS):
            previous, last_audit = last_audit, scenario.start + timedelta(days=day) + AUDIT_TIME
            sent, received = webhooks.deliver(previous, last_audit)
            say(f"night {day}: {sent} Meta webhook deliveries from the Page, "
                          f"{received.events} events")
            simulator.set_now(last_audit)
            for result in jobs.audit_all(config, "nightly", now=last_audit):
                warnings = ", ".join(sorted({w.code for w in result.warnings})) or "-"
                local = last_audit.astimezone(config.tz).strftime("%a %d %b %H:%M")
                say(
                    f"night {day} ({local}): {result.account} {result.status:<7} "
                    f"{result.api_calls:>3} calls, {result.events} events, "
                    f"{result.findings_opened} new findings, warnings: {warnings}")
            stamped = [o for o in jobs.anchor(config, now=last_audit) if o.status == "stamped"]
            say(f"night {day}: {len(stamped)} chain heads time-stamped by the TSA on {tsa.url}")
        webhooks.stop()
    with Session(engine) as session:
        findings = list_findings(session)
        events = list_events(session)
    engine.dispose()
    show_findings(findings, config)
    # The audited week's report for the managers, as files (nothing is sent).
    try:
        for outcome in jobs.weekly_report(config, DEMO_WEEK, send=False,
                                          out=str(out_dir / f"weekly-report-{DEMO_WEEK}.html"),
                                          now=last_audit + timedelta(hours=6)):
            say(f"weekly report {outcome.period} ({outcome.new_findings} new findings): "
                f"{outcome.files[0]}")
        _evidence_package(config, out_dir, findings, say)
    finally:
        tsa.stop()
    _portal_user(config, config_path, say)
    truth = {(action.kind, action.subject_id) for action in scenario.ground_truth(until=last_audit)}
    recorded = {(event.kind, event.subject_id) for event in events}
    detected = len(truth & recorded)
    false_findings = sum(1 for f in findings if (f.kind, f.subject_id) not in truth)
    say(f"detected {detected} of {len(truth)} moderation actions, "
                  f"{false_findings} false findings")
    return detected == len(truth) and false_findings == 0
