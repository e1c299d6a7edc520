"""Shared fixtures: every store test runs on SQLite and on PostgreSQL, each in a schema of its own."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from modaudit.store.engine import make_engine, upgrade, upgrade_sql

E2E = Path(__file__).parent / "e2e"
# Output piped from the commands is 160 columns wide unless COLUMNS says otherwise; test workers
# (pytest-xdist) may inherit a terminal's COLUMNS, so tests see the piped width everywhere.
os.environ.pop("COLUMNS", None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e starts a server, a subprocess or a worker: mark it `e2e`."""
    for item in items:
        if E2E in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)

# The local server most developer machines (and CI) have; unreachable → skipped unless required.
POSTGRES_URL = os.environ.get("MODAUDIT_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("MODAUDIT_REQUIRE_POSTGRES") == "1"


def _postgres_or_skip() -> str:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("MODAUDIT_REQUIRE_POSTGRES=1 but MODAUDIT_TEST_POSTGRES_URL is not set")
        pytest.skip("set MODAUDIT_TEST_POSTGRES_URL to run the PostgreSQL tests")
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL with an empty schema, dropped afterwards."""
    with scratch_database(request.param, tmp_path) as url:
        yield url


@contextmanager
def scratch_database(kind: str, directory: Path) -> Iterator[str]:
    """An empty SQLite file in `directory` or PostgreSQL schema (`kind`), dropped afterwards.

    `db_url` for function-scoped tests; module-scoped fixtures call it directly.
    """
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'modaudit.db'}"
        return
    base = _postgres_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def report_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Two institutions audited over two weeks (tests/report_world.py), once per database.

    Shared by the report and delivery tests, which must not change its findings.
    """
    from tests.support.report_world import module_world

    with module_world(request.param, tmp_path_factory.mktemp("report-world")) as world:
        yield world


@functools.cache
def _sqlite_template() -> Path:
    """A SQLite file migrated to head once per test process; tests get copies of it."""
    path = Path(tempfile.mkdtemp(prefix="modaudit-template-")) / "modaudit.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@functools.cache
def _postgres_ddl() -> str:
    """The migrations' SQL for PostgreSQL (Alembic offline mode), rendered once per process."""
    return upgrade_sql(POSTGRES_URL).replace("BEGIN;", "").replace("COMMIT;", "")


def migrate_quickly(url: str) -> None:
    """Bring an empty scratch database to head as the migrations would, without re-running them.

    SQLite: a copy of a migrated file; PostgreSQL: the migrations' own SQL, replayed in the
    scratch schema. tests/unit/store/test_db.py runs the migrations themselves on both.
    """
    if url.startswith("sqlite:///"):
        shutil.copyfile(_sqlite_template(), url.removeprefix("sqlite:///"))
        return
    engine = make_engine(url)
    connection = engine.raw_connection()
    try:
        connection.cursor().execute(_postgres_ddl())
        connection.commit()
    finally:
        connection.close()
        engine.dispose()


@pytest.fixture
def migrated(db_url: str) -> str:
    """A database URL whose schema is at head."""
    migrate_quickly(db_url)
    return db_url


ConfigWriter = Callable[..., Path]


@pytest.fixture
def write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ConfigWriter:
    """Write a modaudit.toml for Facebook pages served by a simulator; tokens go into the env."""

    def write(db_url: str, base_url: str, pages: list, *, extra: str = "",
              timeout: float = 2.0, name: str = "modaudit.toml", x_accounts: tuple = (),
              x_oauth2: bool = False, instagram_accounts: tuple = (),
              nightly: bool = True) -> Path:
        # `nightly`: every post re-listed every night of its first 30 days, as before the
        # decaying schedule, for tests of detection rather than of the schedule.
        schedule = (f"recheck_days = {list(range(1, 31))}"
                    if nightly and "recheck_days" not in extra else "")
        lines = [
            "[database]", f'url = "{db_url}"',
            "[facebook]", f'graph_base_url = "{base_url}"',
            "[x]", f'api_base_url = "{base_url}"', "rate_limit_max_wait_seconds = 2",
            "[collect]", f"timeout_seconds = {timeout}", "max_retries = 2", "backoff_seconds = 0.01",
            schedule, extra,
        ]
        for index, page in enumerate(pages):
            env = f"TEST_PAGE_TOKEN_{index}"
            monkeypatch.setenv(env, page.token)
            lines += ["[[accounts]]", f'name = "page-{index}"', 'platform = "facebook"',
                      f'account_id = "{page.page_id}"', 'institution = "Test Valiliği"',
                      f'page_token_env = "{env}"']
        for index, account in enumerate(x_accounts):
            lines += ["[[accounts]]", f'name = "x-{index}"', 'platform = "x"',
                      f'account_id = "{account.user_id}"', 'institution = "Test Valiliği"']
            keys = ["bearer_token"] if x_oauth2 else ["consumer_key", "consumer_secret",
                                                      "access_token", "access_token_secret"]
            for key in keys:
                env = f"TEST_X_{index}_{key.upper()}"
                value = account.oauth2_user_token if key == "bearer_token" else getattr(account, key)
                monkeypatch.setenv(env, value)
                lines.append(f'{key}_env = "{env}"')
        for index, account in enumerate(instagram_accounts):
            env = f"TEST_IG_TOKEN_{index}"
            monkeypatch.setenv(env, account.token)
            lines += ["[[accounts]]", f'name = "ig-{index}"', 'platform = "instagram"',
                      f'account_id = "{account.ig_user_id}"', f'handle = "{account.username}"',
                      'institution = "Test Valiliği"', f'page_token_env = "{env}"']
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write
