"""`modaudit check` on YouTube channels against the simulator: the owner's token passes; a token
of another channel, a revoked refresh token (`invalid_grant`), a token without youtube.force-ssl
and a wrong client secret each fail naming their fix and the variable to put it in; no line ever
shows a refresh token or a client secret."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from modaudit.cli import cli
from modaudit.sandbox import Scenario, Simulator
from modaudit.sandbox.world.youtube import READONLY_SCOPE, YTChannelSpec
from tests.conftest import migrate_quickly
from tests.support.mailserver import Inbox, smtp_server
from tests.support.scenarios import START

pytestmark = pytest.mark.e2e

OWN = YTChannelSpec(
    channel_id="UCcheckBelediyesi0000001", title="Kontrol Belediyesi", handle="@kontrolbelediyesi",
    client_id="444-check.apps.googleusercontent.com", client_secret="GOCSPX-check-CANARY-secret",
    refresh_token="1//check-refresh-CANARY-token",
)
# Another municipality's channel, whose owner's token someone pasted into this account.
NEIGHBOUR = YTChannelSpec(
    channel_id="UCkomsuBelediye000000002", title="Komşu Belediyesi", handle="@komsubelediye",
    client_id="555-komsu.apps.googleusercontent.com", client_secret="GOCSPX-komsu-CANARY-secret",
    refresh_token="1//komsu-refresh-CANARY-token",
)
REVOKED = replace(OWN, channel_id="UCiptalEdilmis0000000003", title="İptal Kanalı",
                  refresh_token="1//revoked-refresh-CANARY-token", revoked=True)
READ_ONLY = replace(OWN, channel_id="UCsadeceOkuma00000000004", title="Salt Okunur Kanal",
                    refresh_token="1//readonly-refresh-CANARY-token", scopes=(READONLY_SCOPE,))
SECRETS = [c.client_secret for c in (OWN, NEIGHBOUR)] + [
    c.refresh_token for c in (OWN, NEIGHBOUR, REVOKED, READ_ONLY)]


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[tuple[Simulator, str, int]]:
    scenario = Scenario(start=START, pages=[], youtube_channels=[OWN, NEIGHBOUR, REVOKED, READ_ONLY])
    db = f"sqlite:///{tmp_path / 'check.db'}"
    migrate_quickly(db)
    with Simulator(scenario) as sim, smtp_server(Inbox()) as server:
        sim.set_now(scenario.day(0, 12))
        yield sim, db, server.port


def _account(name: str, channel_id: str, prefix: str) -> list[str]:
    return ["[[accounts]]", f'name = "{name}"', 'platform = "youtube"',
            f'account_id = "{channel_id}"', 'institution = "Kontrol Belediyesi"',
            f'client_id_env = "{prefix}_CLIENT_ID"', f'client_secret_env = "{prefix}_CLIENT_SECRET"',
            f'refresh_token_env = "{prefix}_REFRESH_TOKEN"']


def _check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           simulator: tuple[Simulator, str, int],
           accounts: dict[str, tuple[str, YTChannelSpec, str | None]]) -> tuple[int, str,
                                                                                 dict[str, str]]:
    """Run `modaudit check` on accounts name -> (configured channel id, the channel whose
    credentials the variables hold, a client secret to put instead of that channel's)."""
    sim, db, port = simulator
    lines = ["[database]", f'url = "{db}"', "[youtube]", f'api_base_url = "{sim.base_url}"',
             f'token_uri = "{sim.base_url}/token"', "[collect]", "timeout_seconds = 3",
             "max_retries = 0", "[smtp]", 'host = "127.0.0.1"', f"port = {port}"]
    for index, (name, (channel_id, holder, secret)) in enumerate(accounts.items()):
        prefix = f"CHK_YT_{index}"
        monkeypatch.setenv(f"{prefix}_CLIENT_ID", holder.client_id)
        monkeypatch.setenv(f"{prefix}_CLIENT_SECRET", secret or holder.client_secret)
        monkeypatch.setenv(f"{prefix}_REFRESH_TOKEN", holder.refresh_token)
        lines += _account(name, channel_id, prefix)
    path = tmp_path / "modaudit.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "check"])
    assert "Traceback" not in result.output
    found = {}
    for line in result.output.splitlines():
        if line[:2] in ("✓ ", "✗ ", "· "):
            name, _, detail = line[2:].partition(": ")
            found[name] = line[0] + " " + detail
    return result.exit_code, result.output, found


def test_the_owners_token_passes(tmp_path, monkeypatch, simulator) -> None:
    code, output, lines = _check(tmp_path, monkeypatch, simulator,
                                 {"belediye-youtube": (OWN.channel_id, OWN, None)})
    assert code == 0, output
    line = lines["account belediye-youtube"]
    assert line.startswith("✓") and OWN.channel_id in line and "Kontrol Belediyesi" in line
    assert "youtube.force-ssl" in line
    assert not any(secret in output for secret in SECRETS)


def test_each_problem_names_its_fix(tmp_path, monkeypatch, simulator) -> None:
    """Wrong channel, revoked refresh token, missing scope, wrong client secret: ✗ and the fix."""
    code, output, lines = _check(tmp_path, monkeypatch, simulator, {
        "baska-kanal": (OWN.channel_id, NEIGHBOUR, None),
        "iptal": (REVOKED.channel_id, REVOKED, None),
        "salt-okunur": (READ_ONLY.channel_id, READ_ONLY, None),
        "yanlis-istemci": (OWN.channel_id, OWN, "GOCSPX-not-the-CANARY-secret"),
    })
    assert code == 1, output
    wrong = lines["account baska-kanal"]
    assert wrong.startswith("✗") and NEIGHBOUR.channel_id in wrong and OWN.channel_id in wrong
    assert "$CHK_YT_0_REFRESH_TOKEN" in wrong and "account_id" in wrong
    revoked = lines["account iptal"]
    assert revoked.startswith("✗") and "invalid_grant" in revoked
    assert "$CHK_YT_1_REFRESH_TOKEN" in revoked and "consent flow again" in revoked
    scope = lines["account salt-okunur"]
    assert scope.startswith("✗") and "youtube.force-ssl" in scope
    assert "consent screen" in scope and "$CHK_YT_2_REFRESH_TOKEN" in scope
    client = lines["account yanlis-istemci"]
    assert client.startswith("✗") and "$CHK_YT_3_CLIENT_ID" in client \
        and "$CHK_YT_3_CLIENT_SECRET" in client
    assert not any(secret in output for secret in SECRETS), output
    assert "GOCSPX-not-the-CANARY-secret" not in output
