"""Config errors that say how to fix: did-you-mean, accounts by name, secrets in the file, paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from modaudit.cli import cli
from modaudit.config import ConfigError, load_config, parse_config

BASE = """
[database]
url = "sqlite:///data/x.db"
[[accounts]]
name = "valilik-facebook"
platform = "facebook"
account_id = "123"
institution = "Örnek Valiliği"
page_token_env = "VALILIK_TOKEN"
"""
TOKEN = "EAAG" + "Zk3xQ9" * 35


def _load(tmp_path: Path, body: str):
    path = tmp_path / "modaudit.toml"
    path.write_text(body, encoding="utf-8")
    return load_config(path)


def test_mistyped_key_and_section_get_did_you_mean(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"collect\.windw_days: unknown key; did you mean 'window_days'\?"):
        _load(tmp_path, BASE + "[collect]\nwindw_days = 3\n")
    with pytest.raises(ConfigError, match=r"colect: unknown section; did you mean 'collect'\?"):
        _load(tmp_path, BASE + "[colect]\nwindow_days = 3\n")


def test_mistyped_account_name_gets_did_you_mean(tmp_path: Path) -> None:
    config = _load(tmp_path, BASE)
    with pytest.raises(ConfigError, match=r"no account named 'valilik-facebok' .*did you mean "
                                          r"'valilik-facebook'\?"):
        config.account("valilik-facebok")


def test_account_errors_name_the_account_not_its_index(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, BASE.replace('platform = "facebook"', 'platform = "facebok"'))
    message = str(caught.value)
    assert message.startswith("account 'valilik-facebook' platform: must be one of")
    assert "did you mean 'facebook'?" in message and "accounts[0]" not in message


def test_token_in_the_file_says_secrets_go_in_env_and_is_never_echoed(tmp_path: Path) -> None:
    body = BASE.replace('page_token_env = "VALILIK_TOKEN"', f'page_token = "{TOKEN}"')
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, body)
    message = str(caught.value)
    assert "account 'valilik-facebook' page_token: unknown key" in message
    assert "secrets never go in the file" in message and "page_token_env" in message
    assert "Zk3xQ9" not in message


def test_token_typed_as_a_choice_or_an_account_name_is_never_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, BASE + f'[report]\nlanguage = "{TOKEN}"\n')
    assert "Zk3xQ9" not in str(caught.value) and "characters (not shown" in str(caught.value)
    config = _load(tmp_path, BASE)
    with pytest.raises(ConfigError) as caught:
        config.account(TOKEN)
    assert "Zk3xQ9" not in str(caught.value)


def test_token_in_an_env_key_is_not_a_variable_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, BASE.replace('"VALILIK_TOKEN"', f'"{TOKEN}"'))
    assert "page_token_env: is not a variable name" in str(caught.value)
    assert "Zk3xQ9" not in str(caught.value)


def test_relative_sqlite_path_resolves_beside_the_config_file(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    config = _load(tmp_path, BASE)
    assert config.database.url == f"sqlite:///{(tmp_path / 'data' / 'x.db').resolve()}"
    absolute = parse_config({"database": {"url": "sqlite:////var/lib/m.db"}}, tmp_path / "c.toml")
    assert absolute.database.url == "sqlite:////var/lib/m.db"


def test_url_without_a_dialect_names_database_url_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "modaudit.toml"
    path.write_text(BASE.replace("sqlite:///data/x.db", "modaudit.db"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "accounts"])
    assert result.exit_code == 2
    assert "database.url:" in result.output and "sqlite:///path" in result.output
