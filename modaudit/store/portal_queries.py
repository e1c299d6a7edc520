"""What the portal's lists and overview read, always within the user's institutions.

`Scope.institutions` None means every institution (auditors, operators); a manager's scope is
their institutions, and nothing outside it is ever selected (the pages answer 404 for it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from modaudit.store.quotes import quote_join
from modaudit.store.schema import (
    Account,
    Comment,
    Event,
    Finding,
    ListEntry,
    Post,
    Run,
)
from modaudit.store.schema_bluesky import DetachedQuote
from modaudit.store.search import fold

PAGE_SIZE = 50
AGE_BUCKETS = (7, 30)  # days: under a week, under a month, older


@dataclass(frozen=True)
class Scope:
    """Which institutions a user may see (None: all)."""

    institutions: tuple[str, ...] | None

    def where(self, query: Select[Any]) -> Select[Any]:
        """`query` (joined with Account) limited to this scope."""
        if self.institutions is None:
            return query
        return query.where(Account.institution.in_(self.institutions))


@dataclass(frozen=True)
class Filters:
    """The findings list's filters, as given in the query string."""

    account: str = ""
    kind: str = ""
    status: str = ""
    severity: str = ""
    since: datetime | None = None
    until: datetime | None = None
    q: str = ""
    page: int = 1

    @property
    def since_day(self) -> str:
        """The first day shown (ISO), or ""."""
        return self.since.date().isoformat() if self.since else ""

    @property
    def until_day(self) -> str:
        """The last day shown (ISO; `until` is the midnight after it), or ""."""
        return (self.until - timedelta(days=1)).date().isoformat() if self.until else ""

    def query_string(self, **changes: object) -> str:
        """These filters as a query string, with `changes` (e.g. another page)."""
        values = {"account": self.account, "kind": self.kind, "status": self.status,
                  "severity": self.severity, "q": self.q, "page": self.page,
                  "since": self.since_day, "until": self.until_day}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


def _comment_join() -> Any:
    return and_(Comment.account_id == Finding.account_id, Comment.platform_id == Finding.subject_id,
                Finding.kind.like("comment%"))


def _entry_join() -> Any:
    list_name = case((Finding.kind.like("user_block%"), "blocked"), else_="muted")
    return and_(ListEntry.account_id == Finding.account_id, ListEntry.user_id == Finding.subject_id,
                ListEntry.list_name == list_name, Finding.kind.like("user%"))


def _post_join() -> Any:
    # A restriction of replies is about a post: its subject id is the post's id.
    return and_(Post.account_id == Finding.account_id, Post.platform_id == Finding.subject_id,
                Finding.kind.like("replies%"))


def _filtered(query: Select[Any], scope: Scope, filters: Filters) -> Select[Any]:
    query = scope.where(query)
    for column, value in ((Account.name, filters.account), (Finding.kind, filters.kind),
                          (Finding.status, filters.status), (Finding.severity, filters.severity)):
        if value:
            query = query.where(column == value)
    if filters.since:
        query = query.where(Finding.detected_at >= filters.since)
    if filters.until:
        query = query.where(Finding.detected_at < filters.until)
    needle = fold(filters.q.strip())
    if needle:
        query = query.where(Finding.search_fold.contains(needle, autoescape=True))
    return query


@dataclass(frozen=True)
class ListRow:
    """One line of the findings list."""

    id: int
    account: str
    institution: str
    kind: str
    severity: str
    status: str
    detected_at: datetime
    occurred_after: datetime | None
    occurred_before: datetime
    subject_id: str
    subject_name: str | None
    text: str | None
    post_id: str | None
    evidence: dict[str, Any]
    post_text: str | None  # the post a restriction of replies is about, as stored
    published_at: datetime | None
    platform: str = ""  # the account's: whose words say the kind and the subject


@dataclass(frozen=True)
class Page:
    """One page of findings and how many match."""

    rows: list[ListRow]
    total: int
    page: int
    pages: int


def _rows_query() -> Select[Any]:
    return (select(Finding.id, Account.name, Account.institution, Finding.kind, Finding.severity,
                   Finding.status, Finding.detected_at, Event.occurred_after, Event.occurred_before,
                   Finding.subject_id,
                   func.coalesce(Comment.author_name, ListEntry.user_name, DetachedQuote.quote_author),
                   func.coalesce(Comment.message, DetachedQuote.quote_text), Finding.post_id,
                   Event.evidence, Post.message, Post.created_at,
                   Account.platform)
            .select_from(Finding)
            .join(Event, Event.id == Finding.event_id)
            .join(Account, Account.id == Finding.account_id)
            .outerjoin(Comment, _comment_join())
            .outerjoin(ListEntry, _entry_join())
            .outerjoin(Post, _post_join())
            .outerjoin(DetachedQuote, quote_join(Finding)))


def findings_page(session: Session, scope: Scope, filters: Filters,
                  page_size: int = PAGE_SIZE) -> Page:
    """One page of the findings matching `filters`, newest first."""
    count = select(func.count()).select_from(Finding).join(Account, Account.id == Finding.account_id)
    total = session.scalar(_filtered(count, scope, filters)) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(1, filters.page), pages)
    # The page's ids first, over findings alone (a deep page skips rows without joining them),
    # then those rows with what they are about.
    ids = (_filtered(select(Finding.id).join(Account, Account.id == Finding.account_id), scope, filters)
           .order_by(Finding.id.desc()).limit(page_size).offset((page - 1) * page_size))
    rows = session.execute(_rows_query().where(Finding.id.in_(ids.scalar_subquery()))
                           .order_by(Finding.id.desc())).all()
    return Page([ListRow(*row) for row in rows], total, page, pages)


def all_findings(session: Session, scope: Scope, filters: Filters) -> list[ListRow]:
    """Every finding matching `filters` (the CSV download), newest first."""
    query = _filtered(_rows_query(), scope, filters).order_by(Finding.id.desc())
    return [ListRow(*row) for row in session.execute(query)]


def accounts_in(session: Session, scope: Scope) -> list[Account]:
    """The accounts a user may see, by name."""
    return list(session.scalars(scope.where(select(Account).order_by(Account.name))))


@dataclass(frozen=True)
class Oldest:
    """The open finding that has waited longest."""

    id: int
    kind: str
    account: str
    detected_at: datetime
    platform: str | None = None  # the account's, and the finding's subject: its kind in its words
    subject_id: str = ""


@dataclass
class Overview:
    """The first page: what waits for review (as the weekly e-mail counts it: every open
    finding), where, how old, and the last weeks' trend."""

    open_total: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    oldest: Oldest | None = None
    by_account: list[tuple[str, int]] = field(default_factory=list)
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_age: list[int] = field(default_factory=list)  # per AGE_BUCKETS slot, then older
    weekly: list[tuple[datetime, int]] = field(default_factory=list)  # week start, new findings


def overview(session: Session, scope: Scope, now: datetime, week_starts: list[datetime]) -> Overview:
    """Open findings by severity, account, kind and age; new findings per week from `week_starts` on."""
    base = select(Finding).join(Account, Account.id == Finding.account_id)
    opened = scope.where(base).where(Finding.status == "open").subquery()
    result = Overview()
    result.by_severity = {severity: count for severity, count in session.execute(
        select(opened.c.severity, func.count()).group_by(opened.c.severity))}
    result.open_total = sum(result.by_severity.values())
    oldest = session.execute(scope.where(
        select(Finding.id, Finding.kind, Account.name, Finding.detected_at, Account.platform,
               Finding.subject_id)
        .join(Account, Account.id == Finding.account_id))
        .where(Finding.status == "open").order_by(Finding.detected_at, Finding.id).limit(1)).first()
    result.oldest = Oldest(*oldest) if oldest else None
    result.by_account = [tuple(r) for r in session.execute(
        scope.where(select(Account.name, func.count()).join(Finding, Finding.account_id == Account.id))
        .where(Finding.status == "open").group_by(Account.name).order_by(func.count().desc()))]
    result.by_kind = [tuple(r) for r in session.execute(
        select(opened.c.kind, func.count()).group_by(opened.c.kind).order_by(func.count().desc()))]
    edges = [now - timedelta(days=days) for days in AGE_BUCKETS]
    result.by_age = list(session.execute(select(
        func.count().filter(opened.c.detected_at >= edges[0]),
        func.count().filter(opened.c.detected_at < edges[0], opened.c.detected_at >= edges[1]),
        func.count().filter(opened.c.detected_at < edges[1]))).one())
    bounds = [*week_starts, now]
    counts = session.execute(select(*(
        func.count().filter(Finding.detected_at >= start, Finding.detected_at < end)
        for start, end in pairwise(bounds)))
        .select_from(Finding).join(Account, Account.id == Finding.account_id)
        .where(*([Account.institution.in_(scope.institutions)] if scope.institutions is not None
                 else []))).one()
    result.weekly = list(zip(week_starts, counts, strict=True))
    return result


@dataclass(frozen=True)
class BlockedRow:
    """A user on an account's block list now, and since when as far as the audits know."""

    account: str
    user_id: str
    user_name: str | None
    first_seen_at: datetime
    occurred_after: datetime | None
    occurred_before: datetime | None
    finding_id: int | None
    finding_status: str | None
    platform: str | None = None  # the account's: whose words the entry is said in


def blocked_now(session: Session, scope: Scope) -> list[BlockedRow]:
    """Users on a block list at the last complete fetch, longest blocked first."""
    query = (select(Account.name, ListEntry.user_id, ListEntry.user_name, ListEntry.first_seen_at,
                    Event.occurred_after, Event.occurred_before, Finding.id, Finding.status,
                    Account.platform)
             .select_from(ListEntry).join(Account, Account.id == ListEntry.account_id)
             .outerjoin(Finding, and_(Finding.account_id == ListEntry.account_id,
                                      Finding.subject_id == ListEntry.user_id,
                                      Finding.kind == "user_blocked"))
             .outerjoin(Event, Event.id == Finding.event_id)
             .where(ListEntry.list_name == "blocked", ListEntry.listed.is_(True))
             .order_by(ListEntry.first_seen_at, Account.name, ListEntry.user_id))
    return [BlockedRow(*row) for row in session.execute(scope.where(query))]


@dataclass(frozen=True)
class HealthRow:
    """One account's collection over the last week."""

    account: str
    platform: str
    institution: str
    runs: int
    ok: int
    partial: int
    failed: int
    api_calls: int
    last_success: datetime | None
    last_status: str | None
    last_warnings: list[str]


def health(session: Session, scope: Scope, since: datetime) -> list[HealthRow]:
    """Per account: runs since `since` by status, API calls, last success, last run's warnings."""
    rows = []
    for account in accounts_in(session, scope):
        stats = session.execute(select(
            func.count(), func.count().filter(Run.status == "ok"),
            func.count().filter(Run.status == "partial"), func.count().filter(Run.status == "failed"),
            func.coalesce(func.sum(Run.api_calls), 0))
            .where(Run.account_id == account.id, Run.started_at >= since)).one()
        last_ok = session.scalar(select(func.max(Run.finished_at))
                                 .where(Run.account_id == account.id, Run.status == "ok"))
        last = session.scalars(select(Run).where(Run.account_id == account.id)
                               .order_by(Run.id.desc()).limit(1)).first()
        rows.append(HealthRow(account.name, account.platform, account.institution, *stats, last_ok,
                              last.status if last else None,
                              sorted({w.get("code", "") for w in (last.warnings or [])}) if last else []))
    return rows


def finding_visible(session: Session, scope: Scope, finding_id: int) -> bool:
    """Whether finding `finding_id` exists within `scope`."""
    return session.scalar(scope.where(
        select(Finding.id).join(Account, Account.id == Finding.account_id)
        .where(Finding.id == finding_id))) is not None
