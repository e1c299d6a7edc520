"""`[timestamp]`: an enabled TSA needs its URL and the root its tokens are checked against."""

from __future__ import annotations

from pathlib import Path

import pytest

from modaudit.config import ConfigError, load_config, parse_config


def test_disabled_by_default() -> None:
    timestamp = parse_config({}).timestamp
    assert not timestamp.enabled and timestamp.url == "" and timestamp.timeout_seconds == 30


@pytest.mark.parametrize(("table", "message"), [
    ({"enabled": True}, "timestamp.url: required when timestamp.enabled is true"),
    ({"enabled": True, "url": "https://freetsa.org/tsr"}, "timestamp.ca_file: required"),
    ({"enabled": True, "url": "https://freetsa.org/tsr", "ca_file": "/nonexistent/ca.pem"},
     "timestamp.ca_file: /nonexistent/ca.pem is not a readable file"),
    ({"url": "ftp://tsa.example"}, "timestamp.url: must be an http:// or https:// URL"),
    ({"timeout_seconds": 0}, "timestamp.timeout_seconds: must be a finite number between 0.1 and 120"),
    ({"username_env": "TSA_USER"}, "set both username_env and password_env"),
    ({"password_env": "not a name"}, "timestamp.password_env: is not a variable name"),
    ({"enabled": "yes"}, "timestamp.enabled: expected true or false"),
])
def test_bad_values_name_the_key(table: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("+", r"\+")):
        parse_config({"timestamp": table})


def test_a_relative_ca_file_is_read_beside_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "tsa-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    path = tmp_path / "modaudit.toml"
    path.write_text('[timestamp]\nenabled = true\nurl = "https://freetsa.org/tsr"\n'
                    'ca_file = "tsa-ca.pem"\n', encoding="utf-8")
    assert load_config(path).timestamp.ca_file == str(tmp_path / "tsa-ca.pem")
