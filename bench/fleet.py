"""Benchmark: one night of N simulated accounts on 1, 2 and 4 `modaudit worker` processes.

Every account is a Facebook Page in the simulator (two posts, three comments each) that answers
each request after `--latency` seconds, like a platform across the network. Each round gets a
fresh PostgreSQL schema (so every round is the same first collection), starts the workers (each
with `--concurrency` scans at once, default 1), then times the night: enqueueing one
`scan_account` job per account until the queue holds no open scan. Prints one line per round and:
    fleet: 1 worker A/min, 2 workers B/min, 4 workers C/min, speed-up 4/1 = S×
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from modaudit.config import load_config  # noqa: E402
from modaudit.fleet import procrastinate_queue as scan_queue  # noqa: E402
from modaudit.sandbox import PageSpec, Simulator  # noqa: E402
from modaudit.sandbox.scenarios.fleet import fleet_scenario  # noqa: E402
from modaudit.store.engine import make_engine, upgrade  # noqa: E402

START = datetime(2026, 11, 16, tzinfo=UTC)


def write_config(path: Path, url: str, base_url: str, pages: list[PageSpec]) -> None:
    """A procrastinate configuration for the pages; their tokens go into this environment."""
    lines = ["[database]", f'url = "{url}"', "[facebook]", f'graph_base_url = "{base_url}"',
             "[collect]", "window_days = 36500", "timeout_seconds = 30",
             "[report]", "nightly_alerts = false", "[executor]", 'kind = "procrastinate"']
    for n, page in enumerate(pages):
        os.environ[f"FLEET_TOKEN_{n}"] = page.token
        lines += ["[[accounts]]", f'name = "kurum-{n}"', 'platform = "facebook"',
                  f'account_id = "{page.page_id}"', f'institution = "Kurum {n // 10}"',
                  f'page_token_env = "FLEET_TOKEN_{n}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@contextmanager
def fresh_schema(base_url: str) -> Iterator[str]:
    """A new PostgreSQL schema, dropped afterwards; yields the URL that uses it."""
    schema = f"bench_fleet_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in base_url else "?"
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run_round(base_url: str, simulator: Simulator, pages: list[PageSpec], workers: int,
              concurrency: int, folder: Path) -> tuple[float, float]:
    """Seconds for one night with `workers` processes, and of it the seconds spent enqueueing."""
    with fresh_schema(base_url) as url:
        config_path = folder / f"fleet-{workers}.toml"
        write_config(config_path, url, simulator.base_url, pages)
        config = load_config(config_path)
        engine = make_engine(url)
        upgrade(engine)
        scan_queue.apply_queue_schema(config, engine)
        log = open(folder / f"workers-{workers}.log", "wb")
        processes = [subprocess.Popen(
            [sys.executable, "-m", "modaudit", "--config", str(config_path), "worker",
             "--concurrency", str(concurrency)], stdout=log, stderr=log, env=os.environ.copy())
            for _ in range(workers)]
        try:
            with engine.connect() as connection:
                while connection.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar() \
                        < workers:
                    if any(process.poll() is not None for process in processes):
                        raise SystemExit(f"a worker exited; see {log.name}")
                    time.sleep(0.1)
                    connection.commit()
            started = time.monotonic()
            scan_queue.enqueue_night(config)
            enqueued = time.monotonic() - started
            while scan_queue.open_scans(engine):
                time.sleep(0.2)
            elapsed = time.monotonic() - started
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=60)
            log.close()
        with engine.connect() as connection:
            ok = connection.execute(text("SELECT count(*) FROM runs WHERE status = 'ok'")).scalar()
        engine.dispose()
    if ok != len(pages):
        raise SystemExit(f"{workers} workers: {ok} of {len(pages)} scans succeeded; see {log.name}")
    return elapsed, enqueued


def main() -> None:
    """Run the rounds and print accounts per minute and the speed-up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per simulated request")
    parser.add_argument("--workers", default="1,2,4", help="worker processes per round")
    parser.add_argument("--concurrency", type=int, default=1, help="scans at once per worker")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "MODAUDIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    scenario = fleet_scenario(args.accounts, START)
    rates: dict[int, float] = {}
    with Simulator(scenario) as simulator, tempfile.TemporaryDirectory() as folder:
        simulator.latency = args.latency
        simulator.set_now(scenario.day(0, 23, 30))
        simulator.state()  # build the platform state once, outside the timings
        for workers in counts:
            elapsed, enqueued = run_round(args.postgres_url, simulator, scenario.pages, workers,
                                          args.concurrency, Path(folder))
            rates[workers] = args.accounts / elapsed * 60
            print(f"{workers} worker(s) × concurrency {args.concurrency}: {args.accounts} accounts "
                  f"in {elapsed:.1f} s (enqueue {enqueued:.1f} s), {rates[workers]:.0f} accounts/min",
                  flush=True)
    parts = [f"{n} worker{'s' if n > 1 else ''} {rates[n]:.0f}/min" for n in counts]
    speedup = rates[counts[-1]] / rates[counts[0]]
    print(f"fleet: {', '.join(parts)}, speed-up {counts[-1]}/{counts[0]} = {speedup:.2f}×")


if __name__ == "__main__":
    main()
