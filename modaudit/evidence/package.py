"""What an export package holds: the findings, their reviews, and the chain proof up to an anchor.

Read-only over the store. The proof is every chain element from the first finding's event up to
the nearest time-stamp anchor covering the findings' records (or the head, when none covers them
yet), as the canonical bytes whose SHA-256 is the stored hash, with the anchors' manifests and
tokens. docs/architecture.md §3.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from modaudit.evidence import words
from modaudit.report.i18n import kind_term, term
from modaudit.report.links import platform_url
from modaudit.store import chain, exported
from modaudit.store.anchors import anchors_covering
from modaudit.store.chain import heads_of
from modaudit.store.evidence import event_fields
from modaudit.store.exported import AttachmentBytes, PostSeen
from modaudit.store.finding_rows import FindingRow, list_findings
from modaudit.store.schema import ChainRecord, Event
from modaudit.store.timestamps import TokenError, TokenTime, element_file, token_time

# The package's layout: what a reader opens, and what proves it.
PDF_NAME, JSON_NAME, GUIDE_NAME = "rapor.pdf", "bulgular.json", "DOGRULAMA.txt"
MANIFEST, MANIFEST_TOKEN = "PAKET.sha256", "PAKET.tsr"  # every file's SHA-256; its token
CA, TSA = "tsa/ca.pem", "tsa/tsa.pem"
# Attachments are packed under a name the export chooses, by their checked type, never the
# uploader's name (which may be anything: "../x", "karar.hta").
_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
               "image/gif": ".gif", "image/webp": ".webp"}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


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
    stamped_at: datetime | None  # as stored; the token's own time is `token_time`
    tsa_url: str
    token_time: TokenTime | None = None

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
    review_id: int = 0
    on_behalf_of: str | None = None

    @property
    def note_file(self) -> str:
        """Where the package keeps the note's exact text (its SHA-256 is chained)."""
        return f"incelemeler/{self.review_id}.txt"


@dataclass
class ExportFinding:
    """One finding with its review history and where its event sits in the chain."""

    row: FindingRow
    event_position: int
    event_hash: str
    text_digest: str | None
    reviews: list[ReviewEntry] = field(default_factory=list)
    record_positions: list[int] = field(default_factory=list)
    attachments: list[AttachmentBytes] = field(default_factory=list)
    post: PostSeen | None = None  # the post a restriction of replies is about, if stored
    link: str | None = None  # where it is on the platform (a convenience, never evidence)

    @property
    def subject(self) -> str:
        """What it is about: words.COMMENT, USER or POST."""
        return words.subject_of(self.row.kind)


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
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

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
                  until: datetime | None = None, scope: str = "", tz: ZoneInfo | None = None,
                  handles: Mapping[str, str] | None = None) -> ExportPackage:
    """Gather one finding, or an account's findings detected in [since, until)."""
    if finding_id is not None:
        owner = exported.finding_owner(session, finding_id)
        rows = [row for row in list_findings(session, owner) if row.id == finding_id] if owner else []
        if not rows:
            raise ExportError(f"no finding with id {finding_id}")
    else:
        rows = list_findings(session, account, since=since, until=until)
        if not rows:
            raise ExportError(f"no findings of {account} in {scope or 'that period'}")
    target = exported.account_named(session, rows[0].account)
    cited = exported.cited_events(session, [row.id for row in rows])
    by_finding: dict[int, ExportFinding] = {}
    for row in rows:
        event = cited[row.id]
        by_finding[row.id] = ExportFinding(row, event.seq, event.hash, event.text_digest)
    for seq, fid in exported.record_positions(session, target.id, list(by_finding)):
        by_finding[fid].record_positions.append(seq)
    for review in exported.reviews_of(session, list(by_finding)):
        by_finding[review.finding_id].reviews.append(ReviewEntry(
            review.old_status, review.new_status, review.note, review.reviewed_by,
            review.reviewed_at, review.id, review.on_behalf_of))
    for item in exported.attachment_files(session, by_finding):
        by_finding[item.finding_id].attachments.append(item)
    posts = exported.posts_seen(session, target.id, [f.row.subject_id for f in by_finding.values()
                                            if f.subject == words.POST])
    for found_finding in by_finding.values():
        row = found_finding.row
        found_finding.post = posts.get(row.subject_id) if found_finding.subject == words.POST else None
        found_finding.link = platform_url(target.platform, row.kind, subject_id=row.subject_id,
                                          post_id=row.post_id,
                                          handle=(handles or {}).get(target.name, ""))
    found = list(by_finding.values())
    first = min(f.event_position for f in found)
    related = max(max([f.event_position, *f.record_positions]) for f in found)
    stamped = anchors_covering(session, target.id, first)
    head = heads_of(session, [target.id])[target.id][1]
    reaching = [a for a in stamped if a.event_count >= related]
    # Up to the nearest anchor that covers every record of these findings, or the head.
    last = reaching[0].event_count if reaching else head
    elements = exported.chain_elements(session, target.id, first, last)
    files = [ChainFile(e.seq, _label(e, target.platform), _canonical(target.name, e), e.hash)
             for e in elements]
    anchors = [AnchorFile(a.event_count, a.head_hash, a.manifest, a.token or b"", a.stamped_at,
                          a.tsa_url, _token_time(a.token)) for a in stamped if a.event_count <= last]
    return ExportPackage(target.name, target.platform, target.institution, now, scope, found,
                         files, anchors, head, tz or ZoneInfo("UTC"))


def _token_time(token: bytes | None) -> TokenTime | None:
    try:
        return token_time(token) if token else None
    except TokenError:
        return None  # verify says why; the package prints no time it cannot read


def comment_file(finding: ExportFinding) -> str | None:
    """Where the package keeps the finding's comment text (None: no text, or it was purged)."""
    row = finding.row
    if finding.subject != words.COMMENT or row.text is None or not finding.text_digest:
        return None
    return f"yorumlar/{_UNSAFE.sub('_', row.subject_id)}.txt"


def attachment_file(item: AttachmentBytes) -> str:
    """Where the package keeps an attachment: a name the export chooses, by its checked type."""
    return f"ekler/ek-{item.id}{_EXTENSIONS.get(item.content_type, '.bin')}"


def _label(element: Event | ChainRecord, platform: str) -> str:
    if isinstance(element, Event):
        kind = kind_term(element.kind, "tr", platform, element.subject_id)
        return f"olay {element.id}: {kind} ({element.subject_id})"
    return words.record_label(element.kind, element.id, element.finding_id)


def package_json(package: ExportPackage) -> dict[str, Any]:
    """The package's content as JSON (what the PDF says, with the hashes; times in ISO 8601 UTC)."""
    return {
        "account": package.account, "platform": package.platform,
        "institution": package.institution, "generated_at": package.generated_at.isoformat(),
        "scope": package.scope, "chain_head_count": package.head_count,
        "findings": [_finding_json(package, f) for f in package.findings],
        "unobservable": words.unobservable_on(package.platform),
        "chain": [{"position": c.position, "file": f"zincir/{c.name}", "hash": c.hash,
                   "what": c.label} for c in package.files],
        # A token's own time (genTime), not the database's copy of it.
        "anchors": [{"count": a.count, "head": a.head_hash, "manifest": f"zincir/{a.stem}.sha256",
                     "token": f"zincir/{a.stem}.tsr", "tsa": a.tsa_url,
                     "stamped_at": _iso(a.token_time.gen_time if a.token_time else None)}
                    for a in package.anchors],
    }


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _finding_json(package: ExportPackage, finding: ExportFinding) -> dict[str, Any]:
    row = finding.row
    return {
        **row.as_json(),
        "what": words.what_happened(package.institution, package.platform, package.account,
                                    row.kind, row.subject_id),
        "kind_words": kind_term(row.kind, "tr", package.platform, row.subject_id),
        "status_words": term(row.status, "tr"),
        "subject": _subject_json(finding, package.platform),
        "event_position": finding.event_position, "event_hash": finding.event_hash,
        "text_digest": finding.text_digest, "record_positions": finding.record_positions,
        "reviews": [{"review_id": r.review_id, "old_status": r.old_status,
                     "new_status": r.new_status, "note": r.note, "note_file": r.note_file,
                     "reviewed_by": r.reviewed_by, "on_behalf_of": r.on_behalf_of,
                     "reviewed_at": r.reviewed_at.isoformat()} for r in finding.reviews],
        "attachments": [{"file": attachment_file(a), "uploaded_as": a.filename,
                         "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
                         "review_id": a.review_id} for a in finding.attachments],
    }


def _subject_json(finding: ExportFinding, platform: str) -> dict[str, Any]:
    """What the finding is about, with only the fields that kind has; `words` is what the
    platform calls it ("video", "liste", "yanıt")."""
    row, subject = finding.row, finding.subject
    said = words.words_for("tr", platform, row.subject_id)[subject]
    if subject == words.QUOTE:
        return {"type": subject, "words": said, "id": row.subject_id,
                "author": row.subject_name or row.evidence.get("quote_author"), "text": row.text,
                "post_id": row.post_id, "link": finding.link}
    if subject == words.USER:
        return {"type": subject, "words": said, "id": row.subject_id, "name": row.subject_name,
                "link": finding.link}
    if subject == words.POST:
        post = finding.post
        return {"type": subject, "words": said, "id": row.subject_id,
                "text": post.message if post else None,
                "published_at": _iso(post.created_at if post else None),
                "reply_settings": row.evidence.get("reply_settings"),
                "previously": row.evidence.get("previously"), "link": finding.link}
    return {"type": subject, "words": said, "id": row.subject_id, "author": row.subject_name,
            "text": row.text, "text_digest": finding.text_digest,
            "text_file": comment_file(finding), "post_id": row.post_id, "link": finding.link}
