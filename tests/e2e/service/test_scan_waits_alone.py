"""While a scan waits on the platform, nobody waits on the scan (issue 21, first acceptance point).

The simulator answers one lookup slowly, well inside `[collect] timeout_seconds`. Meanwhile a
review through `jobs.review` (what `modaudit review` runs), a signed webhook delivery to the
receiver and a manager's review through the portal over HTTP each finish within 2 s, on SQLite
and on PostgreSQL, and the scan, once answered, still records the deletion it looked up.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.config import load_config
from modaudit.intake.scan import RunResult
from modaudit.sandbox import Fault, Simulator
from modaudit.sandbox.meta_webhooks import post_delivery, sign
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_events
from modaudit.store.schema import Finding, FindingReview, WebhookDelivery
from modaudit.web.receiver import build_app, serve_in_thread
from tests.support.portal import PASSWORD, add_user, portal_server
from tests.support.scenarios import audit_night, night, small_scenario
from tests.support.webhook_world import APP_SECRET, VERIFY_TOKEN, WEBHOOK_KEYS, change

SLOW_LOOKUP_SECONDS = 8.0  # the platform's answer to one lookup; the timeout is 30 s
WITHIN = 2.0  # what a person waiting on a review, or Meta on its delivery, may be kept waiting


def _timed(action: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    value = action()
    return value, time.monotonic() - started


def _csrf(page: str) -> str:
    found = re.search(r'name="csrftoken" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


@pytest.mark.slow
def test_reviews_and_webhooks_go_through_while_a_lookup_hangs(
        migrated: str, write_config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_META_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("TEST_META_VERIFY_TOKEN", VERIFY_TOKEN)
    scenario = small_scenario()
    scenario.hide(scenario.day(1), "1003")  # two findings for the two reviews
    scenario.hide(scenario.day(1), "1005")
    scenario.delete(scenario.day(2, 9), "1006")  # tonight's candidate, looked up by id
    with Simulator(scenario) as simulator:
        config_path = write_config(migrated, simulator.base_url, scenario.pages, timeout=30.0,
                                   extra=WEBHOOK_KEYS)
        config = load_config(config_path)
        assert audit_night(config_path, simulator, scenario, 0).status == "ok"
        assert audit_night(config_path, simulator, scenario, 1).events == 2
        engine = make_engine(migrated)
        with Session(engine) as session:
            finding_ids = {f.subject_id: f.id for f in session.scalars(select(Finding))}
        add_user(migrated, "yonetici@example.gov.tr", "manager", ["Test Valiliği"])

        with serve_in_thread(build_app(engine, config)) as receiver_url, \
                portal_server(config) as portal_url, \
                httpx.Client(base_url=portal_url, timeout=10) as portal:
            signed_in = portal.post("/giris", data={
                "csrftoken": _csrf(portal.get("/giris").text),
                "email": "yonetici@example.gov.tr", "password": PASSWORD})
            assert signed_in.status_code == 303, signed_in.text[:300]
            form_token = _csrf(portal.get(f"/bulgu/{finding_ids['1005']}").text)

            simulator.timeout_sleep = SLOW_LOOKUP_SECONDS
            simulator.add_fault(Fault("timeout", path="1006", times=1))
            simulator.set_now(night(scenario, 2))
            simulator.request_log.clear()
            scanned: list[RunResult] = []
            scan = threading.Thread(target=lambda: scanned.append(jobs.scan_account(
                config, "page-0", "nightly", now=night(scenario, 2))))
            started = time.monotonic()
            scan.start()
            deadline = started + 20
            while not any(path.endswith("/1006") for _, path, _ in list(simulator.request_log)):
                assert time.monotonic() < deadline and scan.is_alive(), "the lookup never came"
                time.sleep(0.02)

            # (a) `modaudit review`'s write, while the scan waits on the platform.
            review, review_seconds = _timed(lambda: jobs.review(
                config, finding_ids["1003"], "dismissed", "yersiz şikâyet", "operator"))
            # (b) a signed delivery to the receiver, answered once committed.
            body = change("1002")
            status, webhook_seconds = _timed(lambda: post_delivery(
                f"{receiver_url}/webhooks/meta", body, sign(body, APP_SECRET)))
            # (c) a manager's review through the portal's form.
            answer, portal_seconds = _timed(lambda: portal.post(
                f"/bulgu/{finding_ids['1005']}/inceleme",
                files={"csrftoken": (None, form_token), "status": (None, "justified"),
                       "note": (None, "mahkeme kararı")}))
            assert scan.is_alive(), "the scan was not waiting on its lookup any more"
            processed_while_waiting = _webhook_event_within(engine, "1002", WITHIN)
            still_waiting = scan.is_alive()
            scan.join(60)
            scan_seconds = time.monotonic() - started

        assert review.new_status == "dismissed" and review_seconds < WITHIN, review_seconds
        assert status == 200 and webhook_seconds < WITHIN, webhook_seconds
        assert answer.status_code == 303 and "kaydedildi=1" in answer.headers["location"], \
            answer.headers.get("location")
        assert portal_seconds < WITHIN, portal_seconds
        assert processed_while_waiting and still_waiting  # the delivery became an event meanwhile

        assert scan_seconds >= SLOW_LOOKUP_SECONDS  # the scan really waited on the platform
        assert [r.status for r in scanned] == ["ok"], scanned
        with Session(engine) as session:
            kinds = [(e.kind, e.subject_id, e.source) for e in list_events(session)]
            reviews = {(r.finding_id, r.new_status) for r in session.scalars(select(FindingReview))}
            stored = session.scalars(select(WebhookDelivery.status)).all()
        assert ("comment_deleted", "1006", "lookup") in kinds
        assert ("comment_hidden", "1002", "webhook") in kinds
        assert reviews == {(finding_ids["1003"], "dismissed"), (finding_ids["1005"], "justified")}
        assert stored == ["processed"]
        engine.dispose()


def _webhook_event_within(engine: Any, comment_id: str, seconds: float) -> bool:
    """Whether the delivery about `comment_id` became an event within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with Session(engine) as session:
            if any(e.subject_id == comment_id and e.source == "webhook"
                   for e in list_events(session)):
                return True
        time.sleep(0.05)
    return False
