"""The house's layers hold: imports only go down, and each SDK is imported in one file.

docs/architecture.md §4 names the layers; this reads every product module's imports (top level
and inside functions) and fails on one that goes up.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("collectors", "analysis", "modaudit")
# Higher imports lower, never the reverse; equal ranks may import each other (no cycle: the
# import-cycle check covers that). config is read by every layer.
RANKS = {
    "modaudit.config": 0, "modaudit.config_rules": 0, "modaudit.config_sections": 0,
    "modaudit.clock": 0, "modaudit.platforms": 0,
    "collectors.records": 1, "collectors": 2,
    # Side by side: analysis decides, the store answers; neither imports the other (tested below).
    "modaudit.store": 3, "analysis": 3,
    "modaudit.report": 4, "modaudit.evidence": 4,
    "modaudit.intake": 5, "modaudit.notify": 5, "modaudit.fleet": 5,
    "modaudit.jobs": 6,
    "modaudit.web": 7, "modaudit.demo": 7, "scheduler": 7,
    "modaudit.cli": 8, "modaudit.__main__": 9,
    "modaudit.sandbox": 1,  # the simulator: below everything that may use it (the demo)
}


def _rank(module: str) -> int | None:
    best = None
    for prefix, rank in RANKS.items():
        if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > len(best[0])):
            best = (prefix, rank)
    return best[1] if best else None


def _modules() -> dict[str, Path]:
    found = {"scheduler": ROOT / "scheduler.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_imports_only_go_down() -> None:
    """No module imports a layer above its own."""
    modules = _modules()
    upward = []
    for module, path in modules.items():
        own = _rank(module)
        for imported in _imports(path):
            target = _rank(imported)
            if own is not None and target is not None and target > own and imported in modules:
                upward.append(f"{module} (rank {own}) imports {imported} (rank {target})")
    assert upward == []


def test_each_sdk_is_imported_in_one_file() -> None:
    """tweepy only in collectors/x.py, facebook-sdk only in collectors/facebook.py, Google's
    clients (googleapiclient, google-auth and its httplib2 adapter) only in
    collectors/youtube/client.py, the AT Protocol SDK (`atproto`, `atproto_client`, `atproto_core`,
    `atproto_identity`, …) only in collectors/bluesky/client.py, `websockets` only in
    collectors/bluesky/stream.py (and the simulator's Jetstream, which serves it)."""
    users: dict[str, set[str]] = {"tweepy": set(), "facebook": set(), "googleapiclient": set(),
                                  "google": set(), "google_auth_httplib2": set(), "httplib2": set(),
                                  "atproto": set(), "websockets": set()}
    for module, path in _modules().items():
        for imported in _imports(path):
            root = imported.split(".")[0]
            root = "atproto" if root.startswith("atproto") else root
            if root in users:
                users[root].add(module)
    youtube = {"collectors.youtube.client"}
    assert users == {"tweepy": {"collectors.x"}, "facebook": {"collectors.facebook"},
                     "googleapiclient": youtube, "google": youtube, "google_auth_httplib2": youtube,
                     "httplib2": youtube, "atproto": {"collectors.bluesky.client"},
                     "websockets": {"collectors.bluesky.stream", "modaudit.sandbox.bluesky.jetstream"}}


def test_only_the_demo_imports_the_simulator() -> None:
    """The simulator is never reached from the product's own paths, only from `modaudit demo`."""
    importers = {module for module, path in _modules().items()
                 if not module.startswith("modaudit.sandbox")
                 and any(i.startswith("modaudit.sandbox") for i in _imports(path))}
    assert importers <= {"modaudit.demo.run", "modaudit.demo.webhooks"}


NOT_FOR_ANALYSIS = ("modaudit.store", "sqlalchemy", "modaudit.intake", "modaudit.notify",
                    "modaudit.web", "modaudit.cli", "modaudit.jobs", "modaudit.fleet",
                    "modaudit.report", "modaudit.evidence", "modaudit.clock")


def _importers_of(importer_prefix: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for module, path in _modules().items():
        if module == importer_prefix or module.startswith(importer_prefix + "."):
            bad = sorted(i for i in _imports(path)
                         if any(i == f or i.startswith(f + ".") for f in forbidden))
            if bad:
                found[module] = bad
    return found


def test_analysis_is_pure() -> None:
    """analysis/ decides from records: it reads no database, no clock and no layer above it."""
    assert _importers_of("analysis", NOT_FOR_ANALYSIS) == {}


def test_the_store_does_not_decide() -> None:
    """The store answers queries and writes what analysis decided; it never imports analysis."""
    assert _importers_of("modaudit.store", ("analysis",)) == {}


# What the shell may take from SQLAlchemy: engines and sessions to hold a transaction, URLs and
# errors to act on; never a statement builder, a table or a query of its own.
SHELL_SQLALCHEMY = ("sqlalchemy.Engine", "sqlalchemy.make_url", "sqlalchemy.orm.Session",
                    "sqlalchemy.exc")
QUERY_CALLS = frozenset({"execute", "scalar", "scalars", "exec_driver_sql"})


def _queries_outside_the_store(path: Path, rows_allowed: bool) -> list[str]:
    found = [i for i in _imports(path)
             if (not rows_allowed and i.startswith(("modaudit.store.schema", "modaudit.store.sql")))
             or (i.startswith("sqlalchemy.") and i != "sqlalchemy.orm"
                 and not any(i == a or i.startswith(a + ".") for a in SHELL_SQLALCHEMY))]
    found += [f"line {node.lineno}: .{node.func.attr}()"
              for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in QUERY_CALLS]
    return sorted(found)


# intake/ and fleet/ take records from the store; the faces above them (notify, web, report,
# evidence, the verbs) may read the rows store functions return (their classes as types).
@pytest.mark.parametrize(("layer", "rows_allowed"), [
    ("modaudit.intake", False), ("modaudit.fleet", False), ("modaudit.notify", True),
    ("modaudit.web", True), ("modaudit.report", True), ("modaudit.evidence", True),
    ("modaudit.jobs", True)])
def test_the_shell_asks_the_store(layer: str, rows_allowed: bool) -> None:
    """The layers above the store hold transactions but write no SQL: every query is a store
    function (docs/architecture.md §4)."""
    offenders = {module: found for module, path in _modules().items()
                 if (module == layer or module.startswith(layer + "."))
                 and (found := _queries_outside_the_store(path, rows_allowed))}
    assert offenders == {}


DECISION_TESTS = ("test_change_events.py", "test_rules.py", "test_merge.py", "test_features.py")


@pytest.mark.parametrize("name", DECISION_TESTS)
def test_the_decisions_are_tested_without_a_database(name: str) -> None:
    """Detection, rules, merge and features are tested on records alone: their unit tests import
    no store and no SQLAlchemy, and neither ask for a migrated database nor open a session."""
    path = ROOT / "tests" / "unit" / "analysis" / name
    store_side = [i for i in _imports(path) if i.split(".")[0] == "sqlalchemy"
                  or i.startswith(("modaudit.store", "modaudit.intake"))
                  or i.endswith((".open_session", ".StoredAccount"))]
    assert store_side == []
    assert "migrated" not in path.read_text(encoding="utf-8")
