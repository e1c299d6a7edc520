"""A fortnight of simulated audits over two institutions, for report and delivery tests.

ISO week 2026-W47 in Europe/Istanbul is [2026-11-15 21:00 UTC, 2026-11-22 21:00 UTC).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.config import load_config
from modaudit.sandbox import PageSpec, Scenario, Simulator
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_findings
from modaudit.store.findings import review_finding
from tests.conftest import migrate_quickly, scratch_database
from tests.support.mailserver import free_port
from tests.support.scenarios import AYSE, IBRAHIM, PAGE, ROJDA, START, TROLL

PAGE_B = PageSpec(page_id="900200", name="Örnek Belediyesi", token="page-token-B-4c2a")
INSTITUTION_A, INSTITUTION_B = "Test Valiliği", "Örnek Belediyesi"
MANAGERS_A = ["mudur@valilik.example", "vali.yardimcisi@valilik.example"]
MANAGERS_B = ["baskan@belediye.example"]
WEEK = "2026-W47"
REPORT_NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # Monday 08:00 in Istanbul
BOUNDARY = datetime(2026, 11, 22, 21, 0, tzinfo=UTC)  # Monday 00:00 in Istanbul: already W48

SCRIPT = "Harika <script>alert(1)</script> İşçi şğü"
IMG = '"><img src=x onerror=alert(1)>'
FORMULAS = {"2003": '=HYPERLINK("http://evil.example","tıkla")', "2004": "+90 555 000 00 00",
            "2005": "-1+1 bence", "2006": "@SUM(A1:A9)"}
REVIEWER = "Ayşe Müdür"


def report_scenario() -> Scenario:
    """Page A: hides, a ban and a deletion during W47 (one hide before, one at the boundary)."""
    s = Scenario(start=START, pages=[PAGE, PAGE_B])
    before = s.day(-7)
    s.post(before, PAGE.page_id, "900100_1", "Yol çalışması duyurusu")
    s.post(before, PAGE_B.page_id, "900200_1", "Su kesintisi duyurusu")
    comments = [("2001", AYSE, SCRIPT), ("2002", ROJDA, IMG),
                *((cid, IBRAHIM, text) for cid, text in FORMULAS.items()),
                ("2007", TROLL, "Çok kötü hizmet"), ("2008", AYSE, "Teşekkürler"),
                ("2009", AYSE, "Sınırda gizlenen yorum")]
    for minutes, (comment_id, author, text) in enumerate(comments):
        s.comment(before + timedelta(hours=1, minutes=minutes), "900100_1", comment_id, author, text)
    s.comment(before + timedelta(hours=2), "900200_1", "3001", IBRAHIM, "Ne zaman bitecek? Ğğ")
    s.hide(s.day(-6), "2008")  # found at the first audit, in W46
    for comment_id in ("2001", "2002", *FORMULAS):
        s.hide(s.day(1), comment_id)
    s.ban(s.day(2), PAGE.page_id, TROLL)
    s.hide(s.day(2), "3001")
    s.delete(s.day(3), "2007", by="page")
    s.hide(s.day(6), "2009")  # found at local Monday 00:00: W48
    s.validate()
    return s


# Nightly audits at 02:30 Istanbul: W46 (Thursday), then W47 (Wednesday to Friday), then the boundary.
AUDITS = [START + timedelta(days=day, hours=23, minutes=30) for day in (-5, 1, 2, 3)] + [BOUNDARY]


def write_report_config(path: Path, db_url: str, base_url: str, smtp_port: int,
                        *, extra: str = "", security: str = "none") -> Path:
    """A config with page A in institution A (two managers) and page B in institution B."""
    lines = [
        "[database]", f'url = "{db_url}"',
        "[facebook]", f'graph_base_url = "{base_url}"',
        "[collect]", "timeout_seconds = 2.0", "max_retries = 1", "backoff_seconds = 0.01",
        f"recheck_days = {list(range(1, 31))}",  # every night: these tests are of reports
        "[smtp]", 'host = "127.0.0.1"', f"port = {smtp_port}", f'security = "{security}"',
        'from = "modaudit@valilik.example"',
        extra,
    ]
    for index, (page, institution, managers) in enumerate(
            [(PAGE, INSTITUTION_A, MANAGERS_A), (PAGE_B, INSTITUTION_B, MANAGERS_B)]):
        quoted = ", ".join(f'"{m}"' for m in managers)
        lines += ["[[accounts]]", f'name = "page-{index}"', 'platform = "facebook"',
                  f'account_id = "{page.page_id}"', f'institution = "{institution}"',
                  f"managers = [{quoted}]", f'page_token_env = "{TOKEN_ENV}{index}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


TOKEN_ENV = "TEST_REPORT_PAGE_TOKEN_"
QUIET = "[report]\nnightly_alerts = false"


@dataclass
class World:
    """A database filled by real audits of the simulator, and configs that read it."""

    directory: Path
    db_url: str
    base_url: str
    config_path: Path

    def engine(self) -> Engine:
        """A new engine on the world's database (dispose it)."""
        return make_engine(self.db_url)

    def config(self, smtp_port: int, extra: str = QUIET, name: str = "other.toml",
               security: str = "none") -> Path:
        """Another config on the same database, e.g. with other [smtp] or [report] settings."""
        return write_report_config(self.directory / name, self.db_url, self.base_url, smtp_port,
                                   extra=extra, security=security)


@contextmanager
def audited_world(directory: Path, db_url: str, smtp_port: int, *, extra: str = QUIET,
                  audits: list[datetime] | None = None) -> Iterator[World]:
    """Run the nightly job at each audit time against the simulator, then yield the world."""
    scenario = report_scenario()
    with Simulator(scenario) as simulator, pytest.MonkeyPatch.context() as env:
        for index, page in enumerate(scenario.pages):
            env.setenv(f"{TOKEN_ENV}{index}", page.token)
        config_path = write_report_config(directory / "modaudit.toml", db_url, simulator.base_url,
                                          smtp_port, extra=extra)
        for moment in AUDITS if audits is None else audits:
            simulator.set_now(moment)
            jobs.audit_all(load_config(config_path), "nightly", now=moment)
        yield World(directory, db_url, simulator.base_url, config_path)


@contextmanager
def module_world(kind: str, directory: Path) -> Iterator[World]:
    """A world with the two reviews, on a scratch database of `kind`, for a module of tests."""
    with scratch_database(kind, directory) as url:
        migrate_quickly(url)
        engine = make_engine(url)
        engine.dispose()
        with audited_world(directory, url, free_port()) as world:
            add_reviews(world)
            yield world


def add_reviews(world: World) -> None:
    """One review inside W47 (of the <script> comment's finding) and one in W46."""
    engine = world.engine()
    with Session(engine) as session, session.begin():
        rows = {row.subject_id: row.id for row in list_findings(session)}
        review_finding(session, rows["2008"], "dismissed", "Spam, önceki hafta", "Eski Müdür",
                       datetime(2026, 11, 14, 9, 0, tzinfo=UTC))
        review_finding(session, rows["2001"], "justified", "Zararlı kod içeriyor", REVIEWER,
                       datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    engine.dispose()
