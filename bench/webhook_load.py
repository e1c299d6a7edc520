"""Benchmark: the Meta webhook receiver under load, on SQLite, driven from another process.

Starts `modaudit webhook serve` (uvicorn, one process, background processing on) on a fresh SQLite
file, then sends distinct, correctly signed Page `feed` deliveries over keep-alive loopback
connections from this process for a bounded time. Each delivery is answered only once it is
committed. Once the load stops the receiver keeps running until every acknowledged delivery is
processed (or --drain-timeout passes): the backlog left then, its drain rate, and the time from the
end of the load until the last acknowledged delivery was processed are reported, and the stored
rows and events are counted against the 200s (each delivery is a distinct hide: one event each).
Prints two lines:
    webhook_load: N deliveries/s, p50 X ms, p99 Y ms (SQLite, signature checked, stored durably)
    webhook_drain: B pending when the load stopped, drained at R deliveries/s, last processed T s after
and, on stderr, the counts and the receiver's CPU time for the drain (deliveries per CPU second).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import Engine, func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from modaudit.store.engine import make_engine, upgrade  # noqa: E402
from modaudit.store.schema import Event, WebhookDelivery  # noqa: E402

PAGE_ID = "104857600000001"
APP_SECRET = "bench-app-secret"
VERIFY_TOKEN = "bench-verify-token"
PATH = "/webhooks/meta"


def write_config(directory: Path) -> Path:
    config = directory / "modaudit.toml"
    config.write_text("\n".join([
        "[database]", f'url = "sqlite:///{(directory / "modaudit.db").as_posix()}"',
        "[meta_webhook]", 'app_secret_env = "BENCH_META_APP_SECRET"',
        'verify_token_env = "BENCH_META_VERIFY_TOKEN"',
        "[[accounts]]", 'name = "bench-page"', 'platform = "facebook"', f'account_id = "{PAGE_ID}"',
        'institution = "Örnek Valiliği"', 'page_token_env = "BENCH_PAGE_TOKEN"',
    ]) + "\n", encoding="utf-8")
    return config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_receiver(config: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BENCH_META_APP_SECRET": APP_SECRET, "BENCH_META_VERIFY_TOKEN": VERIFY_TOKEN,
           "BENCH_PAGE_TOKEN": "unused", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "modaudit", "--config", str(config), "webhook",
                                "serve", "--port", str(port)], env=env)
    url = (f"http://127.0.0.1:{port}{PATH}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}"
           "&hub.challenge=1")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the receiver did not start")


def delivery(number: int) -> bytes:
    """A distinct hide of a distinct comment."""
    at = 1_795_000_000 + number
    value = {"from": {"id": str(6_000_000 + number % 997), "name": "Ayşe Yılmaz"},
             "post_id": f"{PAGE_ID}_5001", "comment_id": f"5001_{number}", "parent_id": f"{PAGE_ID}_5001",
             "message": f"Yorum {number}: yollar hâlâ kapalı", "created_time": at, "item": "comment",
             "verb": "hide"}
    document = {"object": "page", "entry": [{"id": PAGE_ID, "time": at,
                                            "changes": [{"field": "feed", "value": value}]}]}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


async def connection_loop(port: int, deadline: float, numbers: itertools.count,
                          latencies: list[float], failures: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            body = delivery(next(numbers))
            signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
            head = (f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    f"Content-Type: application/json\r\nX-Hub-Signature-256: {signature}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            started = time.perf_counter()
            writer.write(head + body)
            await writer.drain()
            answer = await reader.readuntil(b"\r\n\r\n")
            status = int(answer.split(b" ", 2)[1])
            length = next(int(line.split(b":", 1)[1]) for line in answer.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failures.append(status)
    finally:
        writer.close()


async def drive(port: int, seconds: float, connections: int) -> tuple[list[float], list[int], float]:
    latencies: list[float] = []
    failures: list[int] = []
    numbers = itertools.count(1)
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(connection_loop(port, deadline, numbers, latencies, failures)
                           for _ in range(connections)))
    return latencies, failures, time.perf_counter() - started


def pending_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(WebhookDelivery)
                                  .where(WebhookDelivery.status == "pending")).scalar_one()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used (Linux /proc), or None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_drain(engine: Engine, timeout: float, pid: int) -> tuple[int, float | None, float | None]:
    """(deliveries pending when called, seconds until none is, the receiver's CPU seconds meanwhile).

    The seconds are None if some are still pending at `timeout`. CPU time says what the drain
    costs whatever else the machine runs (on a shared machine the wall time says how busy it is).
    """
    started, cpu_before = time.perf_counter(), cpu_seconds(pid)
    backlog = pending_count(engine)
    left = backlog
    while left and time.perf_counter() - started < timeout:
        time.sleep(0.05)
        left = pending_count(engine)
    cpu_after = cpu_seconds(pid)
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return backlog, None if left else time.perf_counter() - started, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="how long to send (default 8)")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections (16)")
    parser.add_argument("--drain-timeout", type=float, default=300.0,
                        help="how long to wait for the backlog to be processed (default 300 s)")
    parser.add_argument("--target", type=float, default=1000.0,
                        help="drain rate to reach, deliveries/s (default 1000; 0: report only)")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="webhook-load-"))
    try:
        config = write_config(directory)
        engine = make_engine(f"sqlite:///{(directory / 'modaudit.db').as_posix()}")
        upgrade(engine)
        port = free_port()
        receiver = start_receiver(config, port)
        try:
            latencies, failures, elapsed = asyncio.run(drive(port, args.seconds, args.connections))
            backlog, drained_in, drain_cpu = wait_for_drain(engine, args.drain_timeout,
                                                            receiver.pid)
        finally:
            receiver.terminate()
            receiver.wait(timeout=60)
        with engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(WebhookDelivery)).scalar()
            by_status = dict(connection.execute(
                select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)).all())
            events = connection.execute(select(func.count()).select_from(Event)).scalar()
        engine.dispose()
        accepted = len(latencies) - len(failures)
        quantiles = statistics.quantiles(latencies, n=100)
        print(f"webhook_load: {len(latencies) / elapsed:.0f} deliveries/s, "
              f"p50 {quantiles[49] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms "
              "(SQLite, signature checked, stored durably)")
        processed_during = accepted - backlog
        if drained_in is None:
            print(f"webhook_drain: {backlog} pending when the load stopped, "
                  f"{by_status.get('pending', 0)} still pending after {args.drain_timeout:.0f} s")
        elif not backlog:
            print(f"webhook_drain: 0 pending when the load stopped ({processed_during} processed "
                  "during the load)")
        else:
            rate = backlog / drained_in
            print(f"webhook_drain: {backlog} pending when the load stopped "
                  f"({processed_during} processed during the load), drained at {rate:.0f} deliveries/s; "
                  f"the last acknowledged delivery was processed {drained_in:.1f} s after the load stopped")
            if drain_cpu:
                print(f"  the drain took {drain_cpu:.1f} s of the receiver's CPU time: "
                      f"{backlog / drain_cpu:.0f} deliveries per CPU second", file=sys.stderr)
        print(f"  {accepted} accepted, {len(failures)} refused, {stored} stored "
              f"({', '.join(f'{k} {v}' for k, v in sorted(by_status.items()))}), {events} events, "
              f"{args.connections} connections, {elapsed:.1f} s", file=sys.stderr)
        if stored != accepted:
            raise SystemExit(f"{accepted} deliveries acknowledged but {stored} stored")
        if drained_in is None or by_status.get("processed", 0) != accepted or events != accepted:
            raise SystemExit(f"{accepted} deliveries acknowledged, {by_status.get('processed', 0)} "
                             f"processed, {events} events: each should be recorded exactly once")
        if args.target and backlog and backlog / max(drained_in, 1e-9) < args.target:
            raise SystemExit(f"the backlog drained at {backlog / drained_in:.0f} deliveries/s, "
                             f"under the {args.target:.0f} target")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
