"""What an export package holds: the findings, their reviews, and the chain proof up to an anchor.

Read-only over the store. The proof is every chain element from the first finding's event up to
the nearest time-stamp anchor covering the findings' records (or the head, when none covers them
yet), as the canonical bytes whose SHA-256 is the stored hash, with the anchors' manifests and
tokens. docs/architecture.md §3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from modaudit.store import chain
from modaudit.store.anchors import anchors_covering
from modaudit.store.chain import heads_of
from modaudit.store.evidence import event_fields
from modaudit.store.finding_rows import FindingRow, list_findings
from modaudit.store.schema import Account, ChainRecord, Event, Finding, FindingReview
from modaudit.store.timestamps import element_file


class ExportError(Exception):
    """Nothing to export (no such finding, no findings in the period)."""


@dataclass(frozen=True)
class ChainFile:
    """One chain element as exported: its position, what it is, its canonical bytes and hash."""

    position: int
    label: str
    canonical: bytes
    hash: str

    @property
    def name(self) -> str:
        """Its file name in the package (the name its anchor's manifest uses)."""
        return element_file(self.position)


@dataclass(frozen=True)
class AnchorFile:
    """A stamped anchor: the manifest time-stamped, the token, when and by whom."""

    count: int
    head_hash: str
    manifest: str
    token: bytes
    stamped_at: datetime | None
    tsa_url: str

    @property
    def stem(self) -> str:
        """`anchor-<count>`: the manifest is `.sha256`, the token `.tsr`."""
        return f"anchor-{self.count:08d}"


@dataclass(frozen=True)
class ReviewEntry:
    """One review of a finding, as recorded."""

    old_status: str
    new_status: str
    note: str
    reviewed_by: str
    reviewed_at: datetime


@dataclass
class ExportFinding:
    """One finding with its review history and where its event sits in the chain."""

    row: FindingRow
    event_position: int
    event_hash: str
    text_digest: str | None
    reviews: list[ReviewEntry] = field(default_factory=list)
    record_positions: list[int] = field(default_factory=list)


@dataclass
class ExportPackage:
    """Everything one package says about one account."""

    account: str
    platform: str
    institution: str
    generated_at: datetime
    scope: str  # e.g. "finding 12" or "2026-11-01 – 2026-11-30"
    findings: list[ExportFinding]
    files: list[ChainFile]
    anchors: list[AnchorFile]
    head_count: int

    @property
    def anchored_to(self) -> int:
        """The last position a token covers (0: none yet)."""
        return max((a.count for a in self.anchors), default=0)


def _canonical(account: str, element: Event | ChainRecord) -> bytes:
    fields: dict[str, Any] = (event_fields(element) if isinstance(element, Event) else
                              chain.record_fields(element.kind, element.payload,
                                                  element.recorded_at))
    return chain.canonical(element.prev_hash, account, fields)


def build_package(session: Session, *, now: datetime, finding_id: int | None = None,
                  account: str | None = None, since: datetime | None = None,
                  until: datetime | None = None, scope: str = "") -> ExportPackage:
    """Gather one finding, or an account's findings detected in [since, until)."""
    if finding_id is not None:
        owner = session.scalar(select(Account.name).join(Finding, Finding.account_id == Account.id)
                               .where(Finding.id == finding_id))
        rows = [row for row in list_findings(session, owner) if row.id == finding_id] if owner else []
        if not rows:
            raise ExportError(f"no finding with id {finding_id}")
    else:
        rows = list_findings(session, account, since=since, until=until)
        if not rows:
            raise ExportError(f"no findings of {account} in {scope or 'that period'}")
    target = session.scalars(select(Account).where(Account.name == rows[0].account)).one()
    event_ids = dict(session.execute(select(Finding.id, Finding.event_id)
                                     .where(Finding.id.in_([row.id for row in rows]))).all())
    cited = {e.id: e for e in session.scalars(select(Event).where(
        Event.id.in_(list(event_ids.values()))))}
    by_finding: dict[int, ExportFinding] = {}
    for row in rows:
        event = cited[event_ids[row.id]]
        by_finding[row.id] = ExportFinding(row, event.seq, event.hash, event.text_digest)
    for seq, fid in session.execute(select(ChainRecord.seq, ChainRecord.finding_id).where(
            ChainRecord.account_id == target.id, ChainRecord.finding_id.in_(list(by_finding)))
            .order_by(ChainRecord.seq)):
        by_finding[fid].record_positions.append(seq)
    for review in session.scalars(select(FindingReview).where(
            FindingReview.finding_id.in_(list(by_finding))).order_by(FindingReview.id)):
        by_finding[review.finding_id].reviews.append(ReviewEntry(
            review.old_status, review.new_status, review.note, review.reviewed_by,
            review.reviewed_at))
    found = list(by_finding.values())
    first = min(f.event_position for f in found)
    related = max(max([f.event_position, *f.record_positions]) for f in found)
    stamped = anchors_covering(session, target.id, first)
    head = heads_of(session, [target.id])[target.id][1]
    reaching = [a for a in stamped if a.event_count >= related]
    # Up to the nearest anchor that covers every record of these findings, or the head.
    last = reaching[0].event_count if reaching else head
    elements = sorted([
        *session.scalars(select(Event).where(Event.account_id == target.id,
                                             Event.seq.between(first, last))),
        *session.scalars(select(ChainRecord).where(ChainRecord.account_id == target.id,
                                                   ChainRecord.seq.between(first, last)))],
        key=lambda e: e.seq)
    files = [ChainFile(e.seq, _label(e), _canonical(target.name, e), e.hash) for e in elements]
    anchors = [AnchorFile(a.event_count, a.head_hash, a.manifest, a.token or b"", a.stamped_at,
                          a.tsa_url) for a in stamped if a.event_count <= last]
    return ExportPackage(target.name, target.platform, target.institution, now, scope, found,
                         files, anchors, head)


def _label(element: Event | ChainRecord) -> str:
    if isinstance(element, Event):
        return f"event {element.id}: {element.kind} {element.subject_id}"
    suffix = f" (finding {element.finding_id})" if element.finding_id else ""
    return f"record {element.id}: {element.kind}{suffix}"


def package_json(package: ExportPackage) -> dict[str, Any]:
    """The package's content as JSON (what the PDF says, with the hashes)."""
    return {
        "account": package.account, "platform": package.platform,
        "institution": package.institution, "generated_at": package.generated_at.isoformat(),
        "scope": package.scope, "chain_head_count": package.head_count,
        "findings": [{**f.row.as_json(), "event_position": f.event_position,
                      "event_hash": f.event_hash, "text_digest": f.text_digest,
                      "record_positions": f.record_positions,
                      "reviews": [{"old_status": r.old_status, "new_status": r.new_status,
                                   "note": r.note, "reviewed_by": r.reviewed_by,
                                   "reviewed_at": r.reviewed_at.isoformat()} for r in f.reviews]}
                     for f in package.findings],
        "chain": [{"position": c.position, "file": f"zincir/{c.name}", "hash": c.hash,
                   "what": c.label} for c in package.files],
        "anchors": [{"count": a.count, "head": a.head_hash, "manifest": f"zincir/{a.stem}.sha256",
                     "token": f"zincir/{a.stem}.tsr", "tsa": a.tsa_url,
                     "stamped_at": a.stamped_at.isoformat() if a.stamped_at else None}
                    for a in package.anchors],
    }
