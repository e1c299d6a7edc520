"""Configuration: defaults, one-line errors naming the key path, secrets from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from modaudit.cli import cli
from modaudit.config import ConfigError, load_config, parse_config, secret

MINIMAL = """
[database]
url = "sqlite:///x.db"
[[accounts]]
name = "valilik-fb"
platform = "facebook"
account_id = "123"
institution = "Örnek Valiliği"
page_token_env = "VALILIK_TOKEN"
"""


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "modaudit.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_minimal_file_gets_every_default(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, MINIMAL))
    assert config.schedule.timezone == "Europe/Istanbul"
    assert config.report.language == "tr"
    assert config.facebook.graph_version == "v25.0"
    assert config.collect.window_days == 30
    assert config.smtp.from_ == "modaudit@example.gov.tr"
    assert config.account("valilik-fb").institution == "Örnek Valiliği"


def test_example_config_is_valid() -> None:
    example = Path(__file__).parents[3] / "config.example.toml"
    config = load_config(example)
    assert {a.platform for a in config.accounts} >= {"facebook"}


@pytest.mark.parametrize(("body", "message"), [
    (MINIMAL + "[collect]\nwindow_days = \"thirty\"\n", "collect.window_days: expected an integer"),
    (MINIMAL + "[collect]\nwindow_days = 0\n", "collect.window_days: must be greater than 0"),
    (MINIMAL + "[report]\nlanguage = \"de\"\n", "report.language: must be one of tr, en"),
    (MINIMAL + "[smtp]\nsecurity = \"tls\"\n", "smtp.security: must be one of none, starttls, ssl"),
    (MINIMAL + "[collect]\nwindw_days = 3\n", "collect.windw_days: unknown key"),
    (MINIMAL + "[schedule]\ntimezone = \"Mars/Olympus\"\n", "schedule.timezone: unknown time zone"),
    (MINIMAL.replace('platform = "facebook"', 'platform = "myspace"'),
     "account 'valilik-fb' platform: must be one of x, facebook, instagram"),
    (MINIMAL.replace('account_id = "123"\n', ""),
     "account 'valilik-fb' account_id: required key is missing"),
    (MINIMAL.replace('page_token_env = "VALILIK_TOKEN"\n', ""),
     "account 'valilik-fb' page_token_env: required"),
    (MINIMAL + MINIMAL.split("\n", 3)[3], "accounts[1].name: duplicate account name"),
    ("[database\nurl=1", "invalid TOML"),
])
def test_bad_file_names_the_key_path(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(_write(tmp_path, body))


def test_cli_reports_bad_config_in_one_line_with_status_2(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL + "[collect]\nwindow_days = -1\n")
    result = CliRunner().invoke(cli, ["--config", str(path), "accounts"])
    assert result.exit_code == 2
    assert "collect.window_days: must be greater than 0" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "none.toml"), "accounts"])
    assert result.exit_code == 2
    assert "configuration file not found" in result.output


def test_unknown_account_is_named(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, MINIMAL))
    with pytest.raises(ConfigError, match=r"no account named 'nope' in modaudit\.toml"):
        config.account("nope")


def test_secret_from_env_and_missing_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALILIK_TOKEN", "abc")
    assert secret("VALILIK_TOKEN", named_by="x") == "abc"
    monkeypatch.delenv("VALILIK_TOKEN")
    with pytest.raises(ConfigError, match="environment variable VALILIK_TOKEN is not set"):
        secret("VALILIK_TOKEN", named_by="accounts[0].page_token_env")


def test_secret_file_must_be_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("s3cret\n")
    monkeypatch.delenv("VALILIK_TOKEN", raising=False)
    monkeypatch.setenv("VALILIK_TOKEN_FILE", str(token_file))
    os.chmod(token_file, 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        secret("VALILIK_TOKEN", named_by="x")
    os.chmod(token_file, 0o600)
    assert secret("VALILIK_TOKEN", named_by="x") == "s3cret"


def test_x_account_needs_user_context_credentials() -> None:
    data = {"accounts": [{"name": "x", "platform": "x", "account_id": "1", "institution": "V"}]}
    with pytest.raises(ConfigError, match="account 'x': an X account needs"):
        parse_config(data)


def test_empty_account_list_is_accepted_until_required(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, '[database]\nurl = "sqlite:///x.db"\n'))
    assert config.accounts == []
    with pytest.raises(ConfigError) as caught:
        config.require_accounts()
    assert str(caught.value) == (f"accounts: no [[accounts]] configured in {tmp_path / 'modaudit.toml'}; "
                                 "add one (see config.example.toml)")
    load_config(_write(tmp_path, MINIMAL)).require_accounts()
    with pytest.raises(ConfigError, match="configured in the configuration;"):
        parse_config({}).require_accounts()


@pytest.fixture
def token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where $VALILIK_TOKEN_FILE points; the variable itself is unset."""
    monkeypatch.delenv("VALILIK_TOKEN", raising=False)
    path = tmp_path / "token"
    monkeypatch.setenv("VALILIK_TOKEN_FILE", str(path))
    return path


def test_secret_file_that_is_a_directory_says_so(token_file: Path) -> None:
    token_file.mkdir(mode=0o755)
    with pytest.raises(ConfigError, match=f"^VALILIK_TOKEN_FILE: {token_file} is a directory"):
        secret("VALILIK_TOKEN", named_by="x")
    os.chmod(token_file, 0o700)
    with pytest.raises(ConfigError, match="is a directory"):
        secret("VALILIK_TOKEN", named_by="x")


def test_secret_file_not_utf8_names_the_variable_not_the_content(token_file: Path) -> None:
    token_file.write_bytes(b"s3cret\xff\xfeEAAG")
    os.chmod(token_file, 0o600)
    with pytest.raises(ConfigError) as caught:
        secret("VALILIK_TOKEN", named_by="x")
    assert str(caught.value) == f"VALILIK_TOKEN_FILE: {token_file} is not UTF-8 text"


def test_secret_file_unreadable_is_a_config_error(token_file: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    token_file.write_text("s3cret")
    os.chmod(token_file, 0o600)

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)  # root reads any file; deny it by hand
    with pytest.raises(ConfigError, match=r"^VALILIK_TOKEN_FILE: cannot read .* \(Permission denied\)$"):
        secret("VALILIK_TOKEN", named_by="x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode-000 file")
def test_secret_file_without_read_permission(token_file: Path) -> None:
    token_file.write_text("s3cret")
    os.chmod(token_file, 0o200)
    with pytest.raises(ConfigError, match="cannot read"):
        secret("VALILIK_TOKEN", named_by="x")


def test_blank_secret_is_refused(token_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token_file.write_text(" \n\t\n")
    os.chmod(token_file, 0o600)
    with pytest.raises(ConfigError, match=f"^VALILIK_TOKEN_FILE: {token_file} is empty$"):
        secret("VALILIK_TOKEN", named_by="x")
    token_file.write_text("s3cret\n")
    monkeypatch.setenv("VALILIK_TOKEN", "")  # a blank variable still falls back to the file
    assert secret("VALILIK_TOKEN", named_by="x") == "s3cret"
    monkeypatch.delenv("VALILIK_TOKEN_FILE")
    for blank in ("", "   ", "\n"):
        monkeypatch.setenv("VALILIK_TOKEN", blank)
        with pytest.raises(ConfigError, match=r"^environment variable VALILIK_TOKEN is empty "
                                              r"\(named by accounts\[0\]\.page_token_env\)$"):
            secret("VALILIK_TOKEN", named_by="accounts[0].page_token_env")
