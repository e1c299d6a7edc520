"""`modaudit cost` in-process (click's runner, no server): a YouTube project's units today and
each channel's units over 30 days, beside an X account's spend."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.orm import Session

from analysis.cost import quota_day_end, quota_day_start
from modaudit.cli import cli
from modaudit.clock import utcnow
from modaudit.config import load_config
from modaudit.store import runs
from modaudit.store.engine import make_engine
from modaudit.store.reads import save_reads

# One night of a channel with 12 of its 30 videos due: the channel and its uploads page, three
# moderation statuses (published, heldForReview, likelySpam) per due video, reply pages beyond
# those inlined, the token check and lookups by id; one unit per list call.
NIGHT = [("/youtube/v3/channels", "units", 2, 2), ("/youtube/v3/playlistItems", "units", 1, 1),
         ("/youtube/v3/commentThreads", "units", 36, 36), ("/youtube/v3/comments", "units", 5, 5)]


def _config(tmp_path: Path, db_url: str) -> Path:
    def channel(name: str, letter: str, client: str) -> list[str]:
        return ["[[accounts]]", f'name = "{name}"', 'platform = "youtube"',
                f'account_id = "UC{letter * 22}"', 'institution = "Örnek Valiliği"',
                f'client_id_env = "{client}"', f'client_secret_env = "{client}_SECRET"',
                f'refresh_token_env = "{letter.upper()}_REFRESH_TOKEN"']
    path = tmp_path / "modaudit.toml"
    path.write_text("\n".join([
        "[database]", f'url = "{db_url}"', "[youtube]", "daily_quota_units = 5000",
        *channel("valilik-youtube", "a", "VALILIK_OAUTH_CLIENT"),
        *channel("il-saglik-youtube", "b", "VALILIK_OAUTH_CLIENT"),
        "[[accounts]]", 'name = "valilik-x"', 'platform = "x"', 'account_id = "42"',
        'institution = "Örnek Valiliği"', 'bearer_token_env = "UNUSED_BEARER"']) + "\n",
        encoding="utf-8")
    return path


def _seed(config_path: Path, db_url: str) -> None:
    """Last quota day's and today's nights of the first channel, today's of the second, one X run."""
    now = utcnow()
    today = quota_day_start(now) + (now - quota_day_start(now)) / 2
    yesterday = quota_day_start(now) - timedelta(hours=1)
    config = load_config(config_path)
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        ids = runs.sync_accounts(session, config.accounts, yesterday - timedelta(days=1))
        for name, started, reads in [
                ("valilik-youtube", yesterday, NIGHT), ("valilik-youtube", today, NIGHT),
                ("il-saglik-youtube", today, [("/youtube/v3/commentThreads", "units", 30, 30)]),
                ("valilik-x", today, [("/2/tweets/search/recent", "post", 2, 100)])]:
            save_reads(session, runs.start_run(session, ids[name], "nightly", started), reads)
    engine.dispose()


def test_cost_shows_units_per_channel_and_the_projects_day(tmp_path: Path, migrated: str) -> None:
    config = _config(tmp_path, migrated)
    _seed(config, migrated)
    runner = CliRunner()
    shown = runner.invoke(cli, ["--config", str(config), "cost"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    header = next(line for line in lines if "account" in line and "units" in line)
    assert header.index("users") < header.index("units") < header.index("30 d")
    assert any("valilik-youtube" in line and " 88 " in line for line in lines)  # two nights
    assert any("il-saglik-youtube" in line and " 30 " in line for line in lines)
    assert any("valilik-x" in line and "$0.50" in line for line in lines)
    resets = quota_day_end(utcnow()).astimezone(load_config(config).tz)
    assert ("YouTube project of valilik-youtube, il-saglik-youtube: 74 of 5,000 units today "
            f"(resets at midnight Pacific time, {resets:%H:%M} Europe/Istanbul)") in shown.output
    assert "YouTube is not billed" in shown.output
    as_json = runner.invoke(cli, ["--config", str(config), "cost", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    rows = {row["account"]: row for row in json.loads(as_json.output)}
    assert rows["valilik-youtube"]["units_read"] == 88
    assert rows["valilik-youtube"]["cost_usd"] is None and rows["valilik-youtube"]["requests"] == 88
    assert rows["valilik-x"]["units_read"] == 0


def test_cost_without_a_quota_billed_account_has_no_units_column(tmp_path: Path,
                                                                 migrated: str) -> None:
    config = tmp_path / "modaudit.toml"
    config.write_text("\n".join([
        "[database]", f'url = "{migrated}"', "[[accounts]]", 'name = "valilik"',
        'platform = "facebook"', 'account_id = "1"', 'institution = "Örnek Valiliği"',
        'page_token_env = "UNUSED_TOKEN"']) + "\n", encoding="utf-8")
    shown = CliRunner().invoke(cli, ["--config", str(config), "cost"])
    assert shown.exit_code == 0, shown.output
    assert "units" not in shown.output and "project of" not in shown.output
