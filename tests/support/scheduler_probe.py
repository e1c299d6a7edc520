"""Job functions for scheduler tests: importable by reference, as the job store requires."""

from __future__ import annotations

import time
from pathlib import Path


def record(config_path: str) -> str:
    """Append the run's start and end (monotonic-free wall clock) beside the config file."""
    log = Path(config_path).parent / "probe.log"
    started = time.time()
    with log.open("a") as handle:
        handle.write(f"start {started}\n")
    return "recorded"


def slow(config_path: str) -> str:
    """A run that outlasts its interval, to exercise max_instances."""
    log = Path(config_path).parent / "probe.log"
    started = time.time()
    time.sleep(0.8)
    with log.open("a") as handle:
        handle.write(f"run {started} {time.time()}\n")
    return "slow"
