"""The bench scripts still run against today's schema, at a size that takes seconds.

They are measured by hand (README "Benchmark"); this only keeps them from rotting silently, as
`bench/web_load.py` once did when events gained their chain position.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
BENCH = Path(__file__).resolve().parents[3] / "bench"


def _run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_web_load_answers_every_page_on_a_small_store() -> None:
    # Every page must answer 200 (the bench raises otherwise); times are the bench's to judge by
    # hand, not a test's on a shared machine.
    out = _run("web_load.py", "--findings", "2000", "--rounds", "3", "--no-target")
    assert all(f"web_load: {page}" in out for page in
               ("list ", "list page 500", "filtered", "search ", "search + filter"))


def test_audit_scale_finds_every_change_on_a_small_night() -> None:
    out = _run("audit_scale.py", "--accounts", "20", "--posts", "10", "--comments", "5")
    changes = out.split("changes found ")[1].split()[0:3]  # "N of N"
    assert changes[0] == changes[2], out


def test_startup_times_version_and_help() -> None:
    out = _run("startup.py", "--rounds", "1", "--no-target")
    assert all(f"{name} best" in out for name in ("click floor", "--version", "--help")), out


def test_webhook_load_records_each_acknowledged_delivery_once() -> None:
    # The bench exits 1 unless every acknowledged delivery is stored, processed and one event.
    out = _run("webhook_load.py", "--seconds", "1", "--connections", "4", "--target", "0")
    assert "webhook_load: " in out and "webhook_drain: " in out, out
