"""Benchmark: how long `modaudit --version` and `modaudit --help` take to start, against the floor
of starting Python and importing click (`python -c "import click"`).

Each command runs N times as a fresh process (the installed console script, or `python -m
modaudit` without one); prints the best and the median wall time of each:
    startup: click floor best X s median Y s; --version best ... ; --help best ...
Exits 1 if the median of `--version` or `--help` reaches the target (0.5 s), unless --no-target.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 0.5


def _command() -> list[str]:
    """The `modaudit` beside this interpreter (the venv's console script), else `python -m`."""
    script = Path(sys.executable).with_name("modaudit")
    if script.exists():
        return [str(script)]
    found = shutil.which("modaudit")
    return [found] if found else [sys.executable, "-m", "modaudit"]


def _times(argv: list[str], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    """Time the three commands; exit 1 if a median misses the target (unless --no-target)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11, help="processes started per command")
    parser.add_argument("--no-target", action="store_true", help="report only, never exit 1")
    args = parser.parse_args()
    modaudit = _command()
    runs = {
        "click floor": [sys.executable, "-c", "import click"],
        "--version": [*modaudit, "--version"],
        "--help": [*modaudit, "--help"],
    }
    _times(runs["--help"], 1)  # one run to warm the file cache, not counted
    results = {name: _times(argv, args.rounds) for name, argv in runs.items()}
    print("startup: " + "; ".join(
        f"{name} best {min(times):.3f} s median {statistics.median(times):.3f} s"
        for name, times in results.items()) + f" ({args.rounds} runs each)")
    missed = [name for name in ("--version", "--help")
              if statistics.median(results[name]) >= TARGET_SECONDS]
    if missed and not args.no_target:
        print(f"startup: {', '.join(missed)} missed the {TARGET_SECONDS} s target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
