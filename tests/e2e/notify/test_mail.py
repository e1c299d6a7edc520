"""modaudit.mail against a real SMTP server on loopback: plain, STARTTLS, implicit TLS, AUTH."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from modaudit.config import ConfigError, SmtpConfig
from modaudit.notify import mail
from tests.support.mailserver import PASSWORD, USER, Inbox, free_port, self_signed_cert, smtp_server, trusting

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
SUBJECT = "modaudit haftalık rapor — Örnek Valiliği — 2026-W47"
BODY = "Çağlar Aydın'ın yorumu gizlendi: İĞÜŞÖÇ ığüşöç"


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MODAUDIT_SMTP_USER", "MODAUDIT_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MODAUDIT_SMTP_USER", USER)
    monkeypatch.setenv("MODAUDIT_SMTP_PASSWORD", PASSWORD)
    yield


def _message(recipients: list[str]) -> EmailMessage:
    cid = mail.new_content_id("chart")
    return mail.compose(
        subject=SUBJECT, sender="modaudit@valilik.example", recipients=recipients, text=BODY,
        html=f'<p>{BODY}</p><img src="cid:{cid}">', now=NOW,
        inline=(mail.InlineImage(cid, b"\x89PNG\r\n\x1a\nfake"),),
        attachments=(mail.Attachment("modaudit-2026-W47.csv", "id,text\r\n1,Ğ\r\n".encode(),
                                     "text", "csv", {"charset": "utf-8"}),),
    )


def _smtp(port: int, security: str = "none", host: str = "127.0.0.1") -> SmtpConfig:
    return SmtpConfig(host=host, port=port, security=security, from_="modaudit@valilik.example")


def test_plain_delivery_survives_a_refused_recipient(inbox: Inbox) -> None:
    inbox.refuse.add("yok@valilik.example")
    recipients = ["a@valilik.example", "yok@valilik.example", "b@valilik.example"]
    with smtp_server(inbox) as server:
        delivery = mail.send(_smtp(server.port), _message(recipients), recipients)
    assert delivery.delivered == ["a@valilik.example", "b@valilik.example"]
    assert delivery.failures == {"yok@valilik.example": "550 5.1.1 mailbox unavailable"}
    assert [m.rcpt_tos for m in inbox.messages] == [["a@valilik.example"], ["b@valilik.example"]]
    received = inbox.messages[0].parsed()
    assert received["Subject"] == SUBJECT and not inbox.messages[0].authenticated
    assert received.get_body(("plain",)).get_content().strip() == BODY
    html = received.get_body(("html",))
    [image] = [part for part in received.walk() if part.get_content_type() == "image/png"]
    assert f'cid:{image["Content-ID"].strip("<>")}' in html.get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "modaudit-2026-W47.csv"
    assert attachment.get_content_type() == "text/csv" and attachment.get_param("charset") == "utf-8"


def test_starttls_with_a_trusted_self_signed_certificate_and_login(
        inbox: Inbox, cert: tuple[Path, Path], credentials: None) -> None:
    with smtp_server(inbox, "starttls", cert) as server:
        delivery = mail.send(_smtp(server.port, "starttls"), _message(["a@valilik.example"]),
                             ["a@valilik.example"], ssl_context=trusting(cert[0]))
    assert delivery.delivered == ["a@valilik.example"] and not delivery.failures
    [received] = inbox.messages
    assert received.tls and received.authenticated
    assert received.parsed()["Subject"] == SUBJECT


def test_certificates_are_verified_by_default(inbox: Inbox, cert: tuple[Path, Path]) -> None:
    with smtp_server(inbox, "starttls", cert) as server:
        delivery = mail.send(_smtp(server.port, "starttls"), _message(["a@valilik.example"]),
                             ["a@valilik.example", "b@valilik.example"])
    assert not delivery.ok and not inbox.messages
    assert set(delivery.failures) == {"a@valilik.example", "b@valilik.example"}
    assert "certificate verify failed" in delivery.failures["a@valilik.example"]


def test_implicit_tls_trusts_ssl_cert_file(inbox: Inbox, cert: tuple[Path, Path],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    with smtp_server(inbox, "ssl", cert) as server:
        delivery = mail.send(_smtp(server.port, "ssl", host="localhost"),
                             _message(["a@valilik.example"]), ["a@valilik.example"])
    assert delivery.delivered == ["a@valilik.example"] and inbox.messages[0].tls


def test_authentication_failure_reaches_nobody_and_hides_the_password(
        inbox: Inbox, cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODAUDIT_SMTP_USER", USER)
    monkeypatch.setenv("MODAUDIT_SMTP_PASSWORD", "wrong-CANARY-password")
    recipients = ["a@valilik.example", "b@valilik.example"]
    with smtp_server(inbox, "starttls", cert) as server:
        delivery = mail.send(_smtp(server.port, "starttls"), _message(recipients), recipients,
                             ssl_context=trusting(cert[0]))
    assert not delivery.ok and not inbox.messages
    reason = delivery.failures["a@valilik.example"]
    assert reason.startswith("authentication failed: 535") and "CANARY" not in reason
    assert delivery.failures["b@valilik.example"] == reason


def test_password_needed_once_a_user_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODAUDIT_SMTP_USER", USER)
    with pytest.raises(ConfigError, match="MODAUDIT_SMTP_PASSWORD is not set"):
        mail.send(_smtp(free_port()), _message(["a@x.example"]), ["a@x.example"])


def test_no_password_in_clear_text_to_a_remote_host(credentials: None) -> None:
    with pytest.raises(ConfigError, match="clear text"):
        mail.send(_smtp(25, host="mail.valilik.example"), _message(["a@x.example"]), ["a@x.example"])


def test_unreachable_server_is_a_failure_per_recipient() -> None:
    delivery = mail.send(_smtp(free_port()), _message(["a@x.example"]), ["a@x.example"], timeout=2)
    assert not delivery.ok and delivery.failures["a@x.example"].startswith("cannot connect")
