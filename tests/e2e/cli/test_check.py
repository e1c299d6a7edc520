"""`modaudit check` against the simulator: a good account, a bad token, a wrong Page id, a
missing MODERATE task, an app-only X token; and `serve` telling the operator at start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from modaudit.cli import cli
from modaudit.config import load_config
from modaudit.jobs import check_at_start
from modaudit.sandbox import Scenario, Simulator
from tests.conftest import migrate_quickly
from tests.support.graph_support import IG, NO_MODERATE, PAGE, graph_scenario
from tests.support.mailserver import Inbox, smtp_server
from tests.support.x_support import ACCOUNT as X_ACCOUNT

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Simulator, str, Inbox, int]]:
    scenario: Scenario = graph_scenario()
    scenario.x_accounts.append(X_ACCOUNT)
    db = f"sqlite:///{tmp_path / 'check.db'}"
    migrate_quickly(db)
    inbox = Inbox()
    with Simulator(scenario) as simulator, smtp_server(inbox) as server:
        simulator.set_now(scenario.day(0, 12))
        yield simulator, db, inbox, server.port


def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, world, accounts: list[str],
            env: dict[str, str]) -> Path:
    simulator, db, _, port = world
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "modaudit.toml"
    path.write_text("\n".join([
        "[database]", f'url = "{db}"', "[facebook]", f'graph_base_url = "{simulator.base_url}"',
        "[x]", f'api_base_url = "{simulator.base_url}"',
        "[collect]", "timeout_seconds = 3", "max_retries = 0",
        "[smtp]", 'host = "127.0.0.1"', f"port = {port}",
        "[report]", 'operator = "bilgi-islem@example.gov.tr"', *accounts]) + "\n", encoding="utf-8")
    return path


def _fb(name: str, page_id: str, env: str) -> str:
    return (f'[[accounts]]\nname = "{name}"\nplatform = "facebook"\naccount_id = "{page_id}"\n'
            f'institution = "Test Valiliği"\npage_token_env = "{env}"')


def _lines(path: Path) -> tuple[int, dict[str, str]]:
    result = CliRunner().invoke(cli, ["--config", str(path), "check"])
    assert "Traceback" not in result.output
    lines = {}
    for line in result.output.splitlines():
        if line[:2] in ("✓ ", "✗ ", "· "):
            name, _, detail = line[2:].partition(": ")
            lines[name] = line[0] + " " + detail
    return result.exit_code, lines


def test_good_accounts_pass_and_exit_0(tmp_path, monkeypatch, world) -> None:
    x = (f'[[accounts]]\nname = "x-hesap"\nplatform = "x"\naccount_id = "{X_ACCOUNT.user_id}"\n'
         'institution = "Test Valiliği"\nbearer_token_env = "CHK_X_TOKEN"')
    ig = (f'[[accounts]]\nname = "valilik-instagram"\nplatform = "instagram"\n'
          f'account_id = "{IG.ig_user_id}"\ninstitution = "Test Valiliği"\npage_token_env = "CHK_IG"')
    path = _config(tmp_path, monkeypatch, world,
                   [_fb("valilik-facebook", PAGE.page_id, "CHK_GOOD"), x, ig],
                   {"CHK_GOOD": PAGE.token, "CHK_X_TOKEN": X_ACCOUNT.oauth2_user_token,
                    "CHK_IG": IG.token})
    code, lines = _lines(path)
    assert code == 0, lines
    assert lines["config"].startswith("✓") and lines["database"].startswith("✓")
    assert lines["smtp"].startswith("✓") and "EHLO" in lines["smtp"]
    assert lines["account valilik-facebook"].startswith("✓")
    assert "ban list and comment ids readable" in lines["account valilik-facebook"]
    assert lines["account x-hesap"].startswith("✓") and "blocking" in lines["account x-hesap"]
    assert lines["account valilik-instagram"].startswith("✓")
    assert lines["meta_webhook"].startswith("·")


def test_bad_token_names_the_variable_and_how_to_renew(tmp_path, monkeypatch, world) -> None:
    path = _config(tmp_path, monkeypatch, world, [_fb("valilik-facebook", PAGE.page_id, "CHK_BAD")],
                   {"CHK_BAD": "EAAGexpiredtoken123"})
    code, lines = _lines(path)
    line = lines["account valilik-facebook"]
    assert code == 1 and line.startswith("✗")
    assert "Graph error 190" in line and "renew the Page token in $CHK_BAD" in line
    assert "long-lived" in line and "EAAGexpiredtoken123" not in line


def test_wrong_page_id_says_check_account_id(tmp_path, monkeypatch, world) -> None:
    path = _config(tmp_path, monkeypatch, world, [_fb("valilik-facebook", "123456", "CHK_GOOD")],
                   {"CHK_GOOD": PAGE.token})
    code, lines = _lines(path)
    line = lines["account valilik-facebook"]
    assert code == 1 and line.startswith("✗")
    assert f"is for {PAGE.page_id}" in line and "account_id" in line and "123456" in line


def test_missing_moderate_task_names_the_task(tmp_path, monkeypatch, world) -> None:
    path = _config(tmp_path, monkeypatch, world, [_fb("analiz", NO_MODERATE.page_id, "CHK_ANALYST")],
                   {"CHK_ANALYST": NO_MODERATE.token})
    code, lines = _lines(path)
    line = lines["account analiz"]
    assert code == 1 and line.startswith("✗") and "MODERATE" in line and "Page access" in line


def test_app_only_x_token_says_user_context(tmp_path, monkeypatch, world) -> None:
    x = (f'[[accounts]]\nname = "x-hesap"\nplatform = "x"\naccount_id = "{X_ACCOUNT.user_id}"\n'
         'institution = "Test Valiliği"\nbearer_token_env = "CHK_X_APP"')
    path = _config(tmp_path, monkeypatch, world, [x], {"CHK_X_APP": X_ACCOUNT.app_bearer_token})
    code, lines = _lines(path)
    line = lines["account x-hesap"]
    assert code == 1 and line.startswith("✗")
    assert "user context" in line and "app-only" in line and "bearer_token_env" in line


def test_missing_and_blank_secrets_fail(tmp_path, monkeypatch, world) -> None:
    monkeypatch.delenv("CHK_UNSET", raising=False)
    path = _config(tmp_path, monkeypatch, world,
                   [_fb("a", PAGE.page_id, "CHK_UNSET"), _fb("b", PAGE.page_id, "CHK_BLANK")],
                   {"CHK_BLANK": "   "})
    code, lines = _lines(path)
    assert code == 1
    assert lines["secret a page_token_env"].startswith("✗") and "CHK_UNSET is not set" in \
        lines["secret a page_token_env"]
    assert "CHK_BLANK is empty" in lines["secret b page_token_env"]


def test_config_error_is_a_failed_check(tmp_path) -> None:
    path = tmp_path / "modaudit.toml"
    path.write_text("[colect]\n", encoding="utf-8")
    code, lines = _lines(path)
    assert code == 1 and lines["config"].startswith("✗") and "did you mean 'collect'" in lines["config"]


def test_serve_start_tells_the_operator(tmp_path, monkeypatch, world) -> None:
    path = _config(tmp_path, monkeypatch, world, [_fb("valilik-facebook", PAGE.page_id, "CHK_BAD")],
                   {"CHK_BAD": "revoked-token-42"})
    results = check_at_start(load_config(path))
    assert any(not r.ok for r in results)
    (notice,) = world[2].to("bilgi-islem@example.gov.tr")
    body = notice.parsed().get_body(("plain",)).get_content()
    assert "renew the Page token in $CHK_BAD" in body and "revoked-token-42" not in body


@pytest.mark.slow
def test_serve_mails_the_operator_when_it_starts(tmp_path, monkeypatch, world) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    path = _config(tmp_path, monkeypatch, world, [_fb("valilik-facebook", PAGE.page_id, "CHK_BAD")],
                   {"CHK_BAD": "revoked-token-43"})
    process = subprocess.Popen([sys.executable, "-m", "modaudit", "--config", str(path), "serve"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 30
        while not world[2].to("bilgi-islem@example.gov.tr") and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    stderr = process.stderr.read().decode() if process.stderr else ""
    (notice,) = world[2].to("bilgi-islem@example.gov.tr")
    assert "başlangıç denetiminde" in notice.parsed()["Subject"]
    assert "check failed: account valilik-facebook" in stderr and "revoked-token-43" not in stderr
