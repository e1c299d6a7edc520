"""Compose report emails and send them with smtplib, recipient by recipient.

Security is `none`, `starttls` or `ssl` ([smtp] security); certificates are always verified
(`ssl.create_default_context()`, which also honours SSL_CERT_FILE for a private CA). Credentials
come from the environment: no user variable set means no AUTH (a local relay).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from modaudit.config import ConfigError, SmtpConfig, secret

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    data: bytes
    maintype: str
    subtype: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InlineImage:
    """An image shown inside the HTML part, referenced there as `cid:<cid>`."""

    cid: str  # without angle brackets
    data: bytes
    subtype: str = "png"


@dataclass(frozen=True)
class Delivery:
    """Who accepted a message and why the others did not."""

    delivered: list[str]
    failures: dict[str, str]

    @property
    def ok(self) -> bool:
        """True if at least one recipient accepted the message."""
        return bool(self.delivered)


def new_content_id(label: str) -> str:
    """A unique Content-ID (without angle brackets) for an inline part."""
    return make_msgid(label, domain="modaudit.invalid")[1:-1]


def compose(*, subject: str, sender: str, recipients: list[str], text: str, html: str,
            now: datetime, inline: tuple[InlineImage, ...] = (),
            attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    """A multipart message: text, HTML alternative with inline images, then attachments."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("modaudit", domain=_domain(sender))
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    html_part = message.get_payload()[1]
    for image in inline:
        html_part.add_related(image.data, maintype="image", subtype=image.subtype,
                              cid=f"<{image.cid}>", disposition="inline")
    for attachment in attachments:
        message.add_attachment(attachment.data, maintype=attachment.maintype,
                               subtype=attachment.subtype, filename=attachment.filename,
                               params=attachment.params)
    # Folding a header at 78 columns can drop the space between two RFC 2047 encoded words
    # ("Valiliği — 2026" arrives as "Valiliği— 2026"); fold only past RFC 5322's 998 limit.
    message.policy = message.policy.clone(max_line_length=998)
    return message


def _domain(address: str) -> str:
    try:
        return Address(addr_spec=address).domain or "modaudit.invalid"
    except (ValueError, IndexError):
        return "modaudit.invalid"


def credentials(smtp: SmtpConfig) -> tuple[str, str] | None:
    """(user, password) from the environment, or None when the user variable is not set."""
    name = smtp.username_env
    if not (os.environ.get(name) or os.environ.get(f"{name}_FILE")):
        return None
    user = secret(name, named_by="smtp.username_env")
    password = secret(smtp.password_env, named_by="smtp.password_env")
    return user, password


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _connect(smtp: SmtpConfig, timeout: float, context: ssl.SSLContext) -> smtplib.SMTP:
    if smtp.security == "ssl":
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    try:
        if smtp.security == "starttls":
            client.ehlo()
            client.starttls(context=context)
        client.ehlo()
    except BaseException:
        client.close()
        raise
    return client


def describe_error(exc: BaseException, password: str | None = None) -> str:
    """One line saying why SMTP failed; never contains the password."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
        text = f"{code} {reply.decode('utf-8', 'replace')}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        text = f"{exc.smtp_code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            text = f"authentication failed: {text}"
    elif isinstance(exc, ssl.SSLError | ssl.CertificateError):
        text = f"TLS failed: {exc}"
    elif isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
        text = f"cannot connect: {exc.strerror or exc}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text.replace(password, "***") if password else text


def send(smtp: SmtpConfig, message: EmailMessage, recipients: list[str], *,
         timeout: float = DEFAULT_TIMEOUT, ssl_context: ssl.SSLContext | None = None) -> Delivery:
    """Send `message` to each recipient in its own transaction; one refusal never stops the others.

    `ssl_context` replaces the default (verifying) context, e.g. to trust a test certificate.
    A ConfigError (a credential missing from the environment) is raised, not recorded.
    """
    login = credentials(smtp)
    if login and smtp.security == "none" and not _is_loopback(smtp.host):
        raise ConfigError("smtp.security: 'none' would send the SMTP password in clear text to "
                          f"{smtp.host}; use starttls or ssl")
    password = login[1] if login else None
    context = ssl_context or ssl.create_default_context()
    delivered: list[str] = []
    failures: dict[str, str] = {}
    pending = list(dict.fromkeys(recipients))
    try:
        client = _connect(smtp, timeout, context)
    except (smtplib.SMTPException, OSError) as exc:
        reason = describe_error(exc, password)
        log.info("SMTP %s:%s: %s", smtp.host, smtp.port, reason)
        return Delivery([], dict.fromkeys(pending, reason))
    try:
        if login:
            client.login(*login)
        while pending:
            recipient = pending.pop(0)
            try:
                client.send_message(message, from_addr=smtp.from_, to_addrs=[recipient])
                delivered.append(recipient)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                    smtplib.SMTPSenderRefused) as exc:
                failures[recipient] = describe_error(exc, password)
                log.info("SMTP: %s not delivered: %s", recipient, failures[recipient])
                _reset(client)
    except (smtplib.SMTPException, OSError) as exc:
        # The connection or the login failed: nobody left can be reached through it.
        reason = describe_error(exc, password)
        log.info("SMTP %s:%s: %s", smtp.host, smtp.port, reason)
        failures.update(dict.fromkeys([r for r in recipients if r not in delivered
                                       and r not in failures], reason))
    finally:
        _quit(client)
    return Delivery(delivered, failures)


def smtp_problem(smtp: SmtpConfig, *, timeout: float = DEFAULT_TIMEOUT,
                 ssl_context: ssl.SSLContext | None = None) -> str | None:
    """Why the SMTP server cannot take mail (connect, EHLO, TLS, login), or None; sends no mail."""
    try:
        login = credentials(smtp)
    except ConfigError as exc:
        return str(exc)
    password = login[1] if login else None
    try:
        client = _connect(smtp, timeout, ssl_context or ssl.create_default_context())
    except (smtplib.SMTPException, OSError) as exc:
        return (f"{smtp.host}:{smtp.port}: {describe_error(exc, password)}; check [smtp] host, "
                "port and security")
    try:
        if login:
            client.login(*login)
    except (smtplib.SMTPException, OSError) as exc:
        return (f"{smtp.host}:{smtp.port}: {describe_error(exc, password)}; check the user and "
                f"password in ${smtp.username_env} and ${smtp.password_env}")
    finally:
        _quit(client)
    return None


def _reset(client: smtplib.SMTP) -> None:
    try:
        client.rset()
    except (smtplib.SMTPException, OSError):
        pass


def _quit(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
