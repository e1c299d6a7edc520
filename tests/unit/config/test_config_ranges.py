"""Configuration bounds: every number has a declared range, URLs and variable names are checked."""

from __future__ import annotations

import dataclasses
import importlib.util
import tomllib
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner

from modaudit.cli import cli
from modaudit.config import _PLATFORM_SECTIONS, _SECTIONS, ConfigError, load_config, parse_config
from modaudit.config_rules import RANGES, value_problem

EXAMPLE = Path(__file__).parents[3] / "config.example.toml"
FORMS = "use sqlite:///path or postgresql+psycopg://user@host/db"
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


def _numeric_fields() -> list[tuple[str, dataclasses.Field, type]]:
    found = []
    for section, cls in {**_SECTIONS, **_PLATFORM_SECTIONS}.items():
        hints = typing.get_type_hints(cls)
        found += [(f"{section}.{f.name}", f, hints[f.name]) for f in dataclasses.fields(cls)
                  if hints[f.name] in (int, float)]
    return found


def _error(section: str, line: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(f"[{section}]\n{line}\n"))
    return str(caught.value)


def test_every_number_has_a_range_that_holds_its_default() -> None:
    fields = _numeric_fields()
    assert {key for key, _, _ in fields} == set(RANGES)
    for key, f, _ in fields:
        assert value_problem(key, f.name, f.default) is None, key


def test_example_documents_every_key() -> None:
    example = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    for section, cls in {**_SECTIONS, **_PLATFORM_SECTIONS}.items():
        keys = {"from" if f.name == "from_" else f.name for f in dataclasses.fields(cls)}
        assert keys <= set(example[section]), f"[{section}] lacks {sorted(keys - set(example[section]))}"


@pytest.mark.parametrize(("section", "line", "message"), [
    ("collect", "timeout_seconds = inf",
     "collect.timeout_seconds: must be a finite number between 0.1 and 600, got inf"),
    ("collect", "timeout_seconds = nan", "collect.timeout_seconds: must be a finite number between"),
    ("collect", "timeout_seconds = -inf", "collect.timeout_seconds: must be a finite number between"),
    ("collect", "max_retries = -1", "collect.max_retries: must be between 0 and 20, got -1"),
    ("collect", "backoff_seconds = -2",
     "collect.backoff_seconds: must be a finite number between 0 and 60, got -2.0"),
    ("x", "rate_limit_max_wait_seconds = -1",
     "x.rate_limit_max_wait_seconds: must be a finite number between 0 and 900, got -1.0"),
    ("smtp", "port = 70000", "smtp.port: must be greater than 0 and at most 65535, got 70000"),
    ("collect", "window_days = 10000000",
     "collect.window_days: must be greater than 0 and at most 36500, got 10000000"),
    ("retention", "comment_text_days = 36501", "retention.comment_text_days: must be greater than 0"),
    ("collect", "max_lookups_per_run = 0",
     "collect.max_lookups_per_run: must be between 1 and 100000, got 0"),
    ("database", "lock_timeout_seconds = 0",
     "database.lock_timeout_seconds: must be a finite number between 0.1 and 3600, got 0.0"),
    ("database", "statement_timeout_seconds = 1e9",
     "database.statement_timeout_seconds: must be a finite number between 1 and 86400"),
    ("executor", "concurrency = 1000", "executor.concurrency: must be greater than 0 and at most 64"),
    ("executor", "night_wait_seconds = nan", "executor.night_wait_seconds: must be a finite number"),
    ("selective", "alpha = 0.9", "selective.alpha: must be a finite number greater than 0 and at most 0.5"),
])
def test_number_out_of_range_names_key_and_range(section: str, line: str, message: str) -> None:
    assert _error(section, line).startswith(message)


@pytest.mark.parametrize(("section", "line"), [
    ("collect", "timeout_seconds = 0.1"), ("collect", "timeout_seconds = 600"),
    ("collect", "max_retries = 0"), ("collect", "max_retries = 20"), ("smtp", "port = 65535"),
    ("collect", "window_days = 36500"), ("collect", "backoff_seconds = 0"),
    ("x", "rate_limit_max_wait_seconds = 0"), ("executor", "night_wait_seconds = 0"),
    ("collect", "max_lookups_per_run = 100000"), ("database", "statement_timeout_seconds = 86400"),
])
def test_range_bounds_are_accepted(section: str, line: str) -> None:
    parse_config(tomllib.loads(f"[{section}]\n{line}\n"))


def test_new_keys_have_defaults() -> None:
    config = parse_config({})
    assert config.collect.max_lookups_per_run == 200
    assert config.database.lock_timeout_seconds == 30.0
    assert config.database.statement_timeout_seconds == 600.0


@pytest.mark.parametrize(("section", "key", "url"), [
    ("facebook", "graph_base_url", "graph.facebook.com"),
    ("x", "api_base_url", "ftp://x"),
    ("x", "api_base_url", "http://"),
    ("x", "api_base_url", "https://api.x.com?debug=1"),
    ("facebook", "graph_base_url", "https://graph.facebook.com/#top"),
    ("facebook", "graph_base_url", "https://graph.facebook.com:99999"),
    ("facebook", "graph_base_url", "https://graph facebook.com"),
])
def test_base_url_must_be_http_with_host(section: str, key: str, url: str) -> None:
    message = _error(section, f'{key} = "{url}"')
    assert message == (f"{section}.{key}: must be an http:// or https:// URL with a host and "
                       f"no query or fragment, got {url!r}")


def test_base_url_masks_a_password() -> None:
    message = _error("x", 'api_base_url = "ftp://user:hunter2@proxy"')
    assert "hunter2" not in message and "***" in message


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "https://proxy.example/graph/",
                                 "HTTPS://graph.facebook.com", "http://[::1]:9000"])
def test_base_url_accepts_http_urls(url: str) -> None:
    assert parse_config({"facebook": {"graph_base_url": url}}).facebook.graph_base_url == url


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://user:hunter2@db.example/modaudit", f"database.url: unsupported database 'mysql'; {FORMS}"),
    ("modaudit.db", f"database.url: not a database URL SQLAlchemy can parse; {FORMS}"),
    ("postgres://u:hunter2@h/db", f"database.url: unsupported database 'postgres'; {FORMS}"),
    ("postgresql+nosuch://u@h/db", f"database.url: unknown postgresql driver 'nosuch'; {FORMS}"),
    ("postgresql+asyncpg://u@h/db",
     f"database.url: the postgresql driver 'asyncpg' is asynchronous; {FORMS}"),
    ("postgresql://u:hunter2@h:port/db", "database.url: not a database URL SQLAlchemy can parse"),
])
def test_database_url_must_be_sqlite_or_postgresql(url: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"database": {"url": url}})
    assert str(caught.value) == message or str(caught.value).startswith(message)
    assert "hunter2" not in str(caught.value)


@pytest.mark.skipif(importlib.util.find_spec("psycopg2") is not None, reason="psycopg2 is installed")
def test_database_driver_must_be_installed() -> None:
    with pytest.raises(ConfigError, match="driver 'psycopg2' is not installed"):
        parse_config({"database": {"url": "postgresql+psycopg2://u@h/db"}})


@pytest.mark.parametrize("url", ["sqlite:///modaudit.db", "sqlite:////var/lib/modaudit/m.db",
                                 "sqlite://", "postgresql+psycopg://user@host/db",
                                 "postgresql://user:pw@host:5432/db?options=-csearch_path%3Dm"])
def test_database_url_accepts_supported_forms(url: str) -> None:
    assert parse_config({"database": {"url": url}}).database.url == url


def test_cli_refuses_unsupported_database_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "modaudit.toml"
    path.write_text(MINIMAL.replace("sqlite:///x.db", "mysql://u@h/db"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "accounts"])
    assert result.exit_code == 2
    assert "database.url: unsupported database 'mysql'" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


TOKEN = "EAAG" + "Zk3xQ9" * 35  # what a pasted Facebook Page token looks like


@pytest.mark.parametrize(("body", "key"), [
    (MINIMAL.replace('"VALILIK_TOKEN"', f'"{TOKEN}"'), "account 'valilik-fb' page_token_env"),
    (MINIMAL.replace('"VALILIK_TOKEN"', '"1234567890-AbCdEf"'), "account 'valilik-fb' page_token_env"),
    (MINIMAL + '[smtp]\npassword_env = "hunter2!"\n', "smtp.password_env"),
    (MINIMAL + '[meta_webhook]\napp_secret_env = "MY SECRET"\n', "meta_webhook.app_secret_env"),
])
def test_env_key_holding_a_secret_is_refused_without_echo(tmp_path: Path, body: str,
                                                          key: str) -> None:
    path = tmp_path / "modaudit.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{key}: is not a variable name: it must name an environment variable")
    assert "characters) that holds the secret, not the secret itself; got" in message
    for secretish in (TOKEN, "Zk3xQ9", "1234567890", "hunter2", "MY SECRET"):
        assert secretish not in message


def test_env_key_shows_only_the_length() -> None:
    data = {"smtp": {"username_env": "x" * 65}}
    with pytest.raises(ConfigError, match=r"^smtp\.username_env: .* got 65 characters$"):
        parse_config(data)


@pytest.mark.parametrize("name", ["VALILIK_TOKEN", "_private", "lower_case_2", "A" * 64])
def test_env_key_accepts_variable_names(name: str) -> None:
    assert parse_config({"smtp": {"password_env": name}}).smtp.password_env == name
