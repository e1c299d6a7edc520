"""`modaudit users ...` in-process (click's runner): links, roles, institutions, disable."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from modaudit.cli import cli
from modaudit.store.engine import make_engine
from modaudit.store.schema import ChainRecord

LINK = re.compile(r"https://modaudit\.example/parola/[\w-]{40,}")


def _config(tmp_path: Path, db_url: str) -> str:
    path = tmp_path / "modaudit.toml"
    path.write_text("\n".join([
        "[database]", f'url = "{db_url}"', "[web]", 'base_url = "https://modaudit.example"',
        "[[accounts]]", 'name = "valilik"', 'platform = "facebook"', 'account_id = "1"',
        'institution = "Örnek Valiliği"', 'page_token_env = "UNUSED_TOKEN"']) + "\n", encoding="utf-8")
    return str(path)


def test_users_add_list_reset_disable(tmp_path: Path, migrated: str) -> None:
    config, runner = _config(tmp_path, migrated), CliRunner()

    def run(*args: str):
        return runner.invoke(cli, ["--config", config, "users", *args])

    added = run("add", "Mudur@Valilik.Example", "--role", "manager", "--institution", "Örnek Valiliği")
    assert added.exit_code == 0, added.output
    first = LINK.search(added.output).group(0)
    assert "48 hours" in added.output
    unknown = run("add", "x@valilik.example", "--role", "manager", "--institution", "Başka")
    assert unknown.exit_code == 1 and "no configured account has institution 'Başka'" in unknown.output
    assert run("add", "mudur@valilik.example", "--role", "auditor").exit_code == 1  # duplicate
    assert run("add", "d@valilik.example", "--role", "auditor").exit_code == 0
    listed = run("list").output
    assert "mudur@valilik.example" in listed and "Örnek Valiliği" in listed and "(all)" in listed
    again = run("reset", "mudur@valilik.example")
    assert again.exit_code == 0 and LINK.search(again.output).group(0) != first
    assert "the current password no longer works and every open session has ended" in again.output
    kept = run("reset", "mudur@valilik.example", "--keep-password")
    assert kept.exit_code == 0 and "the current password still works until this link is used" \
        in kept.output and "earlier links no longer work" in kept.output
    assert run("disable", "mudur@valilik.example").exit_code == 0
    assert run("reset", "mudur@valilik.example").exit_code == 1  # disabled: no new link
    assert run("reset", "nobody@valilik.example").output.strip().endswith("no user nobody@valilik.example")
    # Each change is a chained record on the account's chain, even before its first audit.
    engine = make_engine(migrated)
    with Session(engine) as session:
        payloads = session.scalars(select(ChainRecord.payload).where(
            ChainRecord.kind == "user_changed").order_by(ChainRecord.seq)).all()
    engine.dispose()
    assert [(p["user"].split("@")[0], p["action"], p["password_ended"]) for p in payloads] == [
        ("mudur", "added", False), ("d", "added", False), ("mudur", "reset", True),
        ("mudur", "reset", False), ("mudur", "disabled", False)]
    assert {p["by"] for p in payloads} == {"command line"}


def test_web_serve_names_the_missing_session_secret(tmp_path: Path, migrated: str, monkeypatch) -> None:
    monkeypatch.delenv("MODAUDIT_WEB_SESSION_SECRET", raising=False)
    monkeypatch.delenv("MODAUDIT_WEB_SESSION_SECRET_FILE", raising=False)
    result = CliRunner().invoke(cli, ["--config", _config(tmp_path, migrated), "web", "serve"])
    assert result.exit_code == 2
    assert "MODAUDIT_WEB_SESSION_SECRET is not set (named by web.session_secret_env)" in result.output
