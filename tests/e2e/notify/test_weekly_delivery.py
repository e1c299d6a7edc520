"""Weekly reports and nightly alerts delivered through a real SMTP server on loopback."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.cli import cli
from modaudit.config import load_config
from modaudit.store.schema import Finding, ReportDelivery
from tests.support.mailserver import PASSWORD, USER, Inbox, Received, free_port, self_signed_cert, smtp_server
from tests.support.report_world import (
    AUDITS,
    FORMULAS,
    INSTITUTION_A,
    INSTITUTION_B,
    MANAGERS_A,
    MANAGERS_B,
    REPORT_NOW,
    SCRIPT,
    WEEK,
    World,
    audited_world,
)
from tests.support.scenarios import TROLL


@pytest.fixture
def world(report_world: World) -> World:
    """The shared audited store (tests/conftest.py): these tests only read its findings."""
    return report_world


@pytest.fixture(autouse=True)
def _fresh(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """No delivery recorded yet, and no SMTP credentials unless a test sets them."""
    for name in ("MODAUDIT_SMTP_USER", "MODAUDIT_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    if "world" in request.fixturenames:
        engine = request.getfixturevalue("world").engine()
        with Session(engine) as session, session.begin():
            session.execute(delete(ReportDelivery))
        engine.dispose()


def _deliveries(world: World) -> dict[str, ReportDelivery]:
    engine = world.engine()
    with Session(engine) as session:
        rows = {row.institution: row for row in session.scalars(select(ReportDelivery))}
        session.expunge_all()
    engine.dispose()
    return rows


def _weekly(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), "report", "weekly", "--week", WEEK,
                                      *args])
    return result.exit_code, result.output


def _check_report_email(received: Received, institution: str) -> None:
    message = received.parsed()
    # The institution, the dates and what waits; the week's last two nights were not audited
    # (tests/support/report_world.AUDITS), and the subject says so.
    assert message["Subject"].startswith(f"{institution}: 16–22 Kasım 2026 sosyal medya denetimi — ")
    assert message["Subject"].endswith("1 hesap denetlenemedi") and "W47" not in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"{institution} — Hafta {WEEK}" in text and "Veri toplama durumu" in html
    [chart] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert chart.get_content().startswith(b"\x89PNG")
    assert f'src="cid:{chart["Content-ID"].strip("<>")}"' in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"modaudit-{WEEK}.csv"
    assert attachment.get_content_type() == "text/csv" and attachment.get_param("charset") == "utf-8"
    table = attachment.get_content().lstrip("\ufeff").split("\r\n\r\n")[0]  # heads follow
    rows = list(csv.DictReader(io.StringIO(table), delimiter=";"))
    if institution == INSTITUTION_A:
        assert "İbrahim Işık" in text and "Ayşe Yılmaz" in html
        assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        texts = {row["Konu kimliği"]: row["Metin"] for row in rows}
        assert texts["2001"] == SCRIPT and texts["2003"] == "'" + FORMULAS["2003"]
        assert len(rows) == 8
    else:
        assert [row["Metin"] for row in rows] == ["Ne zaman bitecek? Ğğ"]


def test_weekly_report_is_sent_once_per_institution_and_week(world: World) -> None:
    inbox = Inbox()
    with smtp_server(inbox) as server:
        config = world.config(server.port)
        outcomes = jobs.weekly_report(load_config(config), WEEK, now=REPORT_NOW)
        assert [(o.institution, o.status) for o in outcomes] == [(INSTITUTION_A, "sent"),
                                                                 (INSTITUTION_B, "sent")]
        assert sorted(r for m in inbox.messages for r in m.rcpt_tos) == sorted(MANAGERS_A + MANAGERS_B)
        assert len({m.parsed()["Message-ID"] for m in inbox.messages}) == 2  # one email each
        _check_report_email(inbox.to(MANAGERS_A[0])[0], INSTITUTION_A)
        _check_report_email(inbox.to(MANAGERS_B[0])[0], INSTITUTION_B)

        again = jobs.weekly_report(load_config(config), WEEK, now=REPORT_NOW)
        assert {o.status for o in again} == {"already_sent"} and len(inbox.messages) == 3
        code, output = _weekly(config, "--send")
        assert code == 0 and output.count("already sent") == 2 and len(inbox.messages) == 3
        first = _deliveries(world)
        assert first[INSTITUTION_A].recipients == MANAGERS_A and first[INSTITUTION_A].failures == {}

        code, output = _weekly(config, "--send", "--force", "--institution", INSTITUTION_A)
        assert code == 0 and f"sent to {', '.join(MANAGERS_A)}" in output
    assert len(inbox.messages) == 5 and len(inbox.to(MANAGERS_B[0])) == 1
    resent = _deliveries(world)
    assert resent[INSTITUTION_A].sent_at != first[INSTITUTION_A].sent_at
    assert resent[INSTITUTION_B].sent_at == first[INSTITUTION_B].sent_at


def test_starttls_login_and_authentication_failure(world: World, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = self_signed_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # how an operator trusts a private CA
    monkeypatch.setenv("MODAUDIT_SMTP_USER", USER)
    monkeypatch.setenv("MODAUDIT_SMTP_PASSWORD", "wrong-CANARY-pw")
    inbox = Inbox()
    with smtp_server(inbox, "starttls", (cert, key)) as server:
        config = world.config(server.port, security="starttls")
        code, output = _weekly(config, "--send", "--institution", INSTITUTION_A)
        assert code == 1 and "authentication failed: 535" in output
        assert "CANARY" not in output and "Traceback" not in output
        assert len(output.strip().splitlines()) == 1 and not inbox.messages
        assert _deliveries(world) == {}

        monkeypatch.setenv("MODAUDIT_SMTP_PASSWORD", PASSWORD)
        code, output = _weekly(config, "--send", "--institution", INSTITUTION_A)
    assert code == 0, output
    assert [m.rcpt_tos for m in inbox.messages] == [[MANAGERS_A[0]], [MANAGERS_A[1]]]
    assert all(m.tls and m.authenticated for m in inbox.messages)
    _check_report_email(inbox.messages[0], INSTITUTION_A)


def test_a_refused_manager_does_not_stop_the_others(world: World) -> None:
    inbox = Inbox(refuse={MANAGERS_A[1]})
    with smtp_server(inbox) as server:
        config = world.config(server.port)
        code, output = _weekly(config, "--send", "--institution", INSTITUTION_A)
        assert code == 0 and f"not delivered to {MANAGERS_A[1]}: 550" in output
        assert [m.rcpt_tos for m in inbox.messages] == [[MANAGERS_A[0]]]
        delivery = _deliveries(world)[INSTITUTION_A]
        assert delivery.recipients == [MANAGERS_A[0]] and MANAGERS_A[1] in delivery.failures

        inbox.refuse.add(MANAGERS_B[0])
        code, output = _weekly(config, "--send", "--institution", INSTITUTION_B)
    assert code == 1 and output.startswith(f"Error: {INSTITUTION_B} {WEEK}: not delivered")
    assert INSTITUTION_B not in _deliveries(world)


def test_nightly_alert_once_per_high_finding_and_never_fails_the_audit(
        tmp_path: Path, migrated: str) -> None:
    port = free_port()  # nobody listens during the audits: alerts fail, audits do not
    with audited_world(tmp_path, migrated, port, extra="", audits=[AUDITS[0], AUDITS[2]]) as world:
        engine = world.engine()
        with Session(engine) as session:
            high = session.scalars(select(Finding).where(Finding.severity == "high")).all()
        assert [f.kind for f in high] == ["user_blocked"] and high[0].alerted_at is None
        inbox = Inbox()
        with smtp_server(inbox, port=port):
            # Both pages were last audited on AUDITS[2], more than two scheduled nights before.
            alert, notice = jobs.send_nightly_alerts(load_config(world.config_path), now=REPORT_NOW)
            assert alert.account == "page-0" and alert.delivered == MANAGERS_A
            assert alert.finding_ids == [high[0].id]
            assert notice.account == "page-1" and notice.finding_ids == []
            assert notice.delivered == MANAGERS_B
            # Once per finding, once per stretch without an audit.
            assert jobs.send_nightly_alerts(load_config(world.config_path), now=REPORT_NOW) == []
        with Session(engine) as session:
            assert session.get(Finding, high[0].id).alerted_at == REPORT_NOW
        engine.dispose()
    assert len(inbox.messages) == 3
    message = inbox.messages[0].parsed()
    assert message["Subject"] == f"{INSTITUTION_A}: page-0 hesabında önemi yüksek 1 yeni bulgu"
    html = message.get_body(("html",)).get_content()
    assert "&#39;; DROP TABLE users; --" in html and TROLL.user_id in html
    text = message.get_body(("plain",)).get_content()
    assert TROLL.name in text
    # Before the finding, the alert says the page is not being audited, since when and who acts.
    assert html.index('role="alert"') < html.index(TROLL.user_id)
    assert text.index("page-0 (Facebook) hesabı 19 Kasım 2026 02:30 tarihinden beri") < \
        text.index(TROLL.name)
    notice_message = inbox.messages[2].parsed()
    assert notice_message["Subject"] == f"{INSTITUTION_B}: 1 hesap denetlenemiyor"
    notice_text = notice_message.get_body(("plain",)).get_content()
    assert "page-1 (Facebook) hesabı 19 Kasım 2026 02:30 tarihinden beri" in notice_text
    assert "modaudit hizmetinin (modaudit serve) çalıştığını" in notice_text
