"""A store with findings, a loopback TSA and a configuration that uses it, for the evidence tests.

The account is built with the store's own writers (tests/support/stored_runs.py) and committed;
`rewrite_chain` is the attack anchors exist for: change one element, recompute every hash.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from modaudit.config import Config, load_config
from modaudit.intake.tail import record
from modaudit.sandbox.tsa import LoopbackTsa
from modaudit.store import chain, findings
from modaudit.store.attachments import NewAttachment
from modaudit.store.engine import make_engine, upgrade
from modaudit.store.evidence import event_fields
from modaudit.store.schema import Account, ChainRecord, Event, Finding, Post
from tests.support.stored_runs import StoredAccount, at, comment, new_event

ACCOUNT = "valilik"
CONFIG = """\
[database]
url = "{url}"

[timestamp]
enabled = {enabled}
url = "{tsa_url}"
ca_file = "{ca_file}"
timeout_seconds = 5

[retention]
comment_text_days = 30

[smtp]
host = "127.0.0.1"
port = {smtp_port}
username_env = "EVIDENCE_TEST_NO_SMTP_USER"

[report]
operator = "bilgi-islem@example.gov.tr"

[[accounts]]
name = "{account}"
platform = "facebook"
account_id = "{account}-id"
institution = "Test Valiliği"
page_token_env = "EVIDENCE_TEST_PAGE_TOKEN"
"""


@dataclass
class EvidenceWorld:
    """The store, the TSA and the configuration file."""

    engine: Engine
    tsa: LoopbackTsa
    config_path: Path

    @property
    def config(self) -> Config:
        """The configuration, loaded afresh."""
        return load_config(self.config_path)

    def session(self) -> Session:
        """A new session on the store."""
        return Session(self.engine)


def write_config(path: Path, url: str, tsa: LoopbackTsa, enabled: bool = True,
                 smtp_port: int = 25) -> Path:
    """The TOML configuration of the evidence tests."""
    path.write_text(CONFIG.format(url=url, enabled=str(enabled).lower(), tsa_url=tsa.url,
                                  ca_file=tsa.authority.ca_file, account=ACCOUNT,
                                  smtp_port=smtp_port),
                    encoding="utf-8")
    return path


def fill(engine: Engine) -> None:
    """One account: a run with comments, a hide, a block reviewed as confirmed, a deletion."""
    with Session(engine) as session, session.begin():
        page = StoredAccount(session, ACCOUNT)
        run_id = page.run(at(0), {"p1": [comment("c1", text="Valilik yolu kapattı, ayıp!"),
                                         comment("c2", text="Su kesintisi ne zaman bitecek?")]})
        record(session, page.id, run_id, [new_event("comment_hidden", "c1", at(0)),
                                          new_event("user_blocked", "u1", at(0), post=None)], at(0))
        run_id = page.run(at(24), {"p1": [comment("c1")]})
        # As detection records it: the deletion carries the digest of the text last seen.
        deletion = replace(new_event("comment_deleted", "c2", at(24), after=at(0)),
                           text_digest=page.comment_row("c2").text_digest)
        record(session, page.id, run_id, [deletion], at(24))
        blocked = session.scalars(select(Finding.id).where(Finding.kind == "user_blocked")).one()
        findings.review_finding(session, blocked, "confirmed", "kayıt incelendi", "Ayşe Yılmaz",
                                at(25))


def add_event(engine: Engine, subject: str, hours: float) -> None:
    """One more hide (and its finding) on the account's chain."""
    with Session(engine) as session, session.begin():
        account_id = session.scalars(select(Account.id).where(Account.name == ACCOUNT)).one()
        record(session, account_id, None, [new_event("comment_hidden", subject, at(hours))],
               at(hours))


# A post's text with an emoji DejaVu Sans draws (❤), one it lacks (🌉) and one with a skin tone.
POST_TEXT = "Köprü açılışı yarın 🌉 saat 10'da ❤ herkesi bekleriz 👍🏽"
COURT_ORDER = b"%PDF-1.4\n% 2026/1234 D.Is sayili karar (test)\n%%EOF\n"
REVIEW_NOTE = "2026/1234 D.İş sayılı karar uyarınca engellendi; karar ekte."


def add_restricted_post(engine: Engine) -> int:
    """A post p2 with its text, whose replies were restricted at one instant (at(30), as a
    webhook would date it); returns the finding's id."""
    with Session(engine) as session, session.begin():
        page = StoredAccount(session, ACCOUNT)
        run_id = page.run(at(30), {"p2": []}, reply_settings={"p2": "following"})
        session.get(Post, page.post_pk("p2")).message = POST_TEXT  # type: ignore[union-attr]
        event = replace(new_event("replies_restricted", "p2", at(30), after=at(30), post="p2"),
                        evidence={"reply_settings": "following", "previously": "everyone"})
        record(session, page.id, run_id, [event], at(30))
        return session.scalars(select(Finding.id).where(Finding.kind == "replies_restricted")).one()


def add_muted_user(engine: Engine) -> None:
    """A user u2 muted (an X-like list event; the account's platform does not matter here)."""
    with Session(engine) as session, session.begin():
        account_id = session.scalars(select(Account.id).where(Account.name == ACCOUNT)).one()
        record(session, account_id, None, [new_event("user_muted", "u2", at(32), post=None)],
               at(32))


def review_with_court_order(engine: Engine, finding_id: int) -> None:
    """A manager's review of a finding, with a court order attached (as the portal stores it)."""
    with Session(engine) as session, session.begin():
        findings.review_finding(session, finding_id, "justified", REVIEW_NOTE, "Ayşe Yılmaz",
                                at(31), on_behalf_of="Vali Yardımcısı",
                                attachments=[NewAttachment("mahkeme-karari.pdf",
                                                           "application/pdf", COURT_ORDER)])


def rewrite_chain(engine: Engine, event_id: int, evidence: dict) -> None:
    """Change one event's evidence, then recompute every hash and link after it, as an operator
    with write access could."""
    with Session(engine) as session, session.begin():
        target = session.get(Event, event_id)
        assert target is not None
        target.evidence = evidence
        elements = sorted([*session.scalars(select(Event).where(
            Event.account_id == target.account_id)), *session.scalars(select(ChainRecord).where(
                ChainRecord.account_id == target.account_id))], key=lambda e: e.seq)
        previous = chain.GENESIS
        for element in elements:
            fields = (event_fields(element) if isinstance(element, Event) else
                      chain.record_fields(element.kind, element.payload, element.recorded_at))
            element.prev_hash = previous
            element.hash = previous = chain.chain_hash(previous, ACCOUNT, fields)


@contextmanager
def evidence_world(db_url: str, directory: Path) -> Iterator[EvidenceWorld]:
    """A migrated, filled store and a running loopback TSA."""
    engine = make_engine(db_url)
    upgrade(engine)
    fill(engine)
    with LoopbackTsa(directory / "tsa") as tsa:
        try:
            yield EvidenceWorld(engine, tsa, write_config(directory / "modaudit.toml", db_url, tsa))
        finally:
            engine.dispose()
