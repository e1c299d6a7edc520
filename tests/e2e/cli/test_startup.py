"""`modaudit --help` and `--version` start without the heavy half of the project.

Run as fresh processes with `-X importtime`, which lists every module a process imported: the
portal (and argon2, whose hash the portal's auth module computes at import), pandas, matplotlib,
scipy, reportlab and SQLAlchemy must not be among them. `bench/startup.py` times the same.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("modaudit.web", "argon2", "pandas", "matplotlib", "scipy", "reportlab", "sqlalchemy",
         "modaudit.jobs", "modaudit.store", "analysis")


def _imported(*args: str) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "modaudit", *args],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    names = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:") and "|" in line}
    return done.stdout, names


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_import_none_of_the_heavy_modules(option: str) -> None:
    out, names = _imported(option)
    assert "modaudit.cli" in names and ("Commands:" in out or "version" in out)
    heavy = sorted(n for n in names if any(n == h or n.startswith(h + ".") for h in HEAVY))
    assert heavy == []


def test_a_command_imports_what_it_uses() -> None:
    # `web --help` needs the portal's command module, which imports the portal: the lazy table
    # must still hand click the real command, options and all.
    out, names = _imported("web", "serve", "--help")
    assert "--port" in out and "modaudit.web.portal.app" in names
