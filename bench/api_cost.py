"""Benchmark: what a month of audits reads, on the default re-check schedule against a naive
nightly full re-crawl, and how long each moderation action took to be found.

One simulated Page and one X account (modaudit/sandbox/scenarios/api_cost.py: 5 posts a day, 40
comments each over their first 3 days plus a trickle, 200 blocked users, 2 actions a day, some on
posts older than a week). Both modes run the real collectors, store and detection against the
simulator on loopback, one audit a night at 23:30 UTC: `naive` lists every post of the window,
every comment and the lists each night (the collector without a read plan); `scheduled` reads
what `[collect] recheck_days` and the signals ask for. The accounts have a month of history when
the first audit runs, like an institution adopting the tool. Prints reads per platform
(X: resources by kind and the estimated cost at `[x]` prices; Graph: requests), the ratios,
recall and false findings, and each action's latency against the bound the report states.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.cost import prices  # noqa: E402
from analysis.recheck import worst_gap_days  # noqa: E402
from modaudit.config import Config, load_config  # noqa: E402
from modaudit.intake.scan import run_scan  # noqa: E402
from modaudit.sandbox import Simulator  # noqa: E402
from modaudit.sandbox.scenarios.api_cost import PAGE, X_ACCOUNT, CostWorld, cost_scenario  # noqa: E402
from modaudit.store.engine import engine_for, upgrade  # noqa: E402
from modaudit.store.finding_rows import list_events, list_findings  # noqa: E402
from modaudit.store.schema import Account, Run, RunRead  # noqa: E402

START = datetime(2026, 10, 1, tzinfo=UTC)
AUDIT = timedelta(hours=23, minutes=30)
LIST_ACTIONS = frozenset({"user_blocked", "user_unblocked", "user_muted", "user_unmuted"})


def write_config(path: Path, base_url: str, database: Path) -> Path:
    """The two accounts on the simulator; their secrets go into this environment."""
    os.environ["COST_PAGE_TOKEN"] = PAGE.token
    keys = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
    for key in keys:
        os.environ[f"COST_X_{key.upper()}"] = getattr(X_ACCOUNT, key)
    lines = ["[database]", f'url = "sqlite:///{database.as_posix()}"',
             "[facebook]", f'graph_base_url = "{base_url}"',
             "[x]", f'api_base_url = "{base_url}"', "rate_limit_max_wait_seconds = 5",
             "[collect]", "timeout_seconds = 10.0", "max_retries = 1", "backoff_seconds = 0.05",
             "[report]", "nightly_alerts = false",
             "[[accounts]]", 'name = "cost-facebook"', 'platform = "facebook"',
             f'account_id = "{PAGE.page_id}"', 'institution = "Örnek Büyükşehir Belediyesi"',
             'page_token_env = "COST_PAGE_TOKEN"',
             "[[accounts]]", 'name = "cost-x"', 'platform = "x"',
             f'account_id = "{X_ACCOUNT.user_id}"', 'institution = "Örnek Büyükşehir Belediyesi"',
             ] + [f'{key}_env = "COST_X_{key.upper()}"' for key in keys]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_mode(world: CostWorld, out: Path, scheduled: bool, nights: int) -> dict:
    """All nights in one mode; returns reads, detections and timings."""
    mode = "scheduled" if scheduled else "naive"
    database = out / f"{mode}.db"
    database.unlink(missing_ok=True)
    with Simulator(world.scenario) as simulator:
        config = load_config(write_config(out / f"{mode}.toml", simulator.base_url, database))
        engine = engine_for(config.database)
        upgrade(engine)
        statuses: dict[str, int] = defaultdict(int)
        started = time.perf_counter()
        for night in range(nights):
            now = START + timedelta(days=night) + AUDIT
            simulator.set_now(now)
            for account in config.accounts:
                result = run_scan(engine, config, account, "nightly", now, scheduled=scheduled)
                statuses[f"{account.platform}:{result.status}"] += 1
        seconds = time.perf_counter() - started
    figures = {"mode": mode, "seconds": seconds, "statuses": dict(statuses),
               **_reads(engine, config, nights), **_detections(engine, world)}
    engine.dispose()
    return figures


def _reads(engine, config: Config, nights: int) -> dict:
    """Requests and resources by platform and kind: all nights, and those after the first."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with Session(engine) as session:
        rows = session.execute(
            select(Account.platform, RunRead.resource_kind, Run.started_at,
                   func.sum(RunRead.requests), func.sum(RunRead.resources))
            .join(Run, Run.account_id == Account.id).join(RunRead, RunRead.run_id == Run.id)
            .group_by(Account.platform, RunRead.resource_kind, Run.started_at))
        first_audit_end = START + timedelta(days=1)
        for platform, kind, started, requests, resources in rows:
            for scope in ("all", "month") if started >= first_audit_end else ("all",):
                totals[f"{platform}:{scope}"]["requests"] += requests or 0
                totals[f"{platform}:{scope}"][kind] += resources or 0
    table = prices(config.x)
    for scope in ("all", "month"):
        x = totals[f"x:{scope}"]
        x["usd_millis"] = round(1000 * sum(x.get(kind, 0) * price for kind, price in table.items()))
    return {"reads": {key: dict(value) for key, value in totals.items()}}


def _detections(engine, world: CostWorld) -> dict:
    """Recall, false findings and each action's latency (action → the run that recorded it)."""
    truth = world.scenario.ground_truth()
    with Session(engine) as session:
        events = list_events(session)
        findings = list_findings(session)
    detected: dict[tuple[str, str], datetime] = {}
    for event in events:
        key = (event.kind, event.subject_id)
        detected[key] = min(detected.get(key, event.detected_at), event.detected_at)
    truth_keys = {(t.kind, t.subject_id) for t in truth}
    latencies = {key: detected[key] - at for key, at in world.action_times.items() if key in detected}
    return {"found": len(latencies), "actions": len(world.action_times),
            "false_findings": sum(1 for f in findings if (f.kind, f.subject_id) not in truth_keys),
            "latencies": latencies}


def _latency_table(figures: dict, world: CostWorld, each: bool) -> None:
    """Per action kind and post age: how many, median and worst days from action to detection."""
    groups: dict[str, list[timedelta]] = defaultdict(list)
    for key, latency in figures["latencies"].items():
        age = "old post" if key in world.old_post_actions else (
            "list" if key[0] in LIST_ACTIONS else "young post")
        groups[f"{key[0]} ({age})"].append(latency)
        if each:
            print(f"  {figures['mode']}: {key[0]} {key[1]} at {world.action_times[key]:%m-%d %H:%M}"
                  f" found after {latency.total_seconds() / 86400:.2f} d")
    for name, values in sorted(groups.items()):
        days = sorted(v.total_seconds() / 86400 for v in values)
        print(f"  {figures['mode']}: {name}: {len(days)} actions, median {days[len(days) // 2]:.2f} d, "
              f"worst {days[-1]:.2f} d")


def main() -> int:
    """Run both modes and print the figures; exit 1 if an acceptance figure is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--each", action="store_true", help="print every action's latency")
    args = parser.parse_args()
    world = cost_scenario(START, days=args.days)
    config_days = [1, 2, 3, 5, 8, 14, 21, 30]  # the default schedule ([collect] recheck_days)
    bound = timedelta(days=worst_gap_days(config_days))
    list_bound = timedelta(days=1)
    # Night 0 is the account's first audit (everything is new in either mode); then `days`
    # nights. Old-post actions stop `bound` days before the end, so all are findable.
    nights = args.days + 1
    out = args.out or Path(tempfile.mkdtemp(prefix="api_cost_"))
    out.mkdir(parents=True, exist_ok=True)
    naive = run_mode(world, out, scheduled=False, nights=nights)
    ours = run_mode(world, out, scheduled=True, nights=nights)
    ok = True
    for scope, label in (("month", f"the {args.days} nights after the first audit"),
                         ("all", f"all {nights} nights, the first audit included")):
        n_x, o_x = naive["reads"][f"x:{scope}"], ours["reads"][f"x:{scope}"]
        n_g, o_g = naive["reads"][f"facebook:{scope}"], ours["reads"][f"facebook:{scope}"]
        n_res = sum(n_x.get(k, 0) for k in ("post", "user", "owned"))
        o_res = sum(o_x.get(k, 0) for k in ("post", "user", "owned"))
        x_ratio, g_ratio = o_res / max(n_res, 1), o_g["requests"] / max(n_g["requests"], 1)
        print(f"api_cost ({label}): X resources naive {n_res} (posts {n_x.get('post', 0)}, "
              f"users {n_x.get('user', 0)}, owned {n_x.get('owned', 0)}; ${n_x['usd_millis'] / 1000:.2f}) "
              f"vs scheduled {o_res} (posts {o_x.get('post', 0)}, users {o_x.get('user', 0)}, "
              f"owned {o_x.get('owned', 0)}; ${o_x['usd_millis'] / 1000:.2f}) = {x_ratio:.3f}x; "
              f"X requests {n_x['requests']} vs {o_x['requests']}; "
              f"Graph requests {n_g['requests']} vs {o_g['requests']} = {g_ratio:.3f}x")
        if scope == "month":
            ok &= x_ratio <= 0.2 and g_ratio <= 0.3
    for figures in (naive, ours):
        late = [(key, lat) for key, lat in figures["latencies"].items()
                if lat > (list_bound if key[0] in LIST_ACTIONS else bound)]
        worst = max(figures["latencies"].values(), default=timedelta())
        old = [figures["latencies"][k] for k in world.old_post_actions if k in figures["latencies"]]
        print(f"api_cost {figures['mode']}: found {figures['found']} of {figures['actions']} "
              f"actions (recall {figures['found'] / max(figures['actions'], 1):.2f}), "
              f"{figures['false_findings']} false findings; latency worst "
              f"{worst.total_seconds() / 86400:.2f} d, on posts older than a week worst "
              f"{max(old, default=timedelta()).total_seconds() / 86400:.2f} d; "
              f"{len(late)} beyond the stated bound (lists {list_bound.days} d, posts "
              f"{bound.days} d); runs {figures['statuses']}; {figures['seconds']:.0f} s")
        _latency_table(figures, world, args.each)
        if figures["mode"] == "scheduled":
            ok &= figures["found"] == figures["actions"] and figures["false_findings"] == 0 and not late
            for key, lat in late[:10]:
                print(f"  late: {key} {lat}")
            missing = [k for k in world.action_times if k not in figures["latencies"]]
            for key in missing[:10]:
                print(f"  missed: {key} at {world.action_times[key]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
