"""The portal's pages (GET): overview, findings, a finding, blocked users, health, selective.

Every handler is a plain `def`: each reads the database, so Starlette runs it in its thread pool
and a slow query never holds up another user's page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from analysis.coverage import blind_now
from analysis.rules import SEVERITY
from modaudit.clock import utcnow
from modaudit.report import i18n
from modaudit.report.blocked_words import blocked_entry, headings
from modaudit.report.data import SEVERITIES
from modaudit.report.links import platform_url
from modaudit.report.observability import unobservable
from modaudit.report.periods import last_complete_week
from modaudit.report.render import blind_context, bracket
from modaudit.report.selective_section import build_section, section_view
from modaudit.report.subjects import Subject, describe, words_for
from modaudit.report.text_safety import visible
from modaudit.store import portal_queries
from modaudit.store.attachments import attachment
from modaudit.store.collection import collection_states
from modaudit.store.finding_detail import FindingDetail, finding_detail
from modaudit.store.finding_rows import FINDING_STATUSES
from modaudit.store.permalinks import instagram_permalinks
from modaudit.web.portal import spreadsheet
from modaudit.web.portal import templating as portal
from modaudit.web.portal.auth import Viewer, require
from modaudit.web.portal.health_view import HealthLine, health_lines
from modaudit.web.portal.uploads import REVIEW_PROBLEMS, attachment_name
from modaudit.web.portal.words import DECISIONS, word

WEEKS = 12
FINDING_KINDS = tuple(sorted({*SEVERITY, "comment_deleted"}))
SENTENCES = ("comment_deleted", "comment_hidden", "user_blocked", "user_muted", "replies_restricted")
UNNAMED = ("comment_deleted", "comment_hidden", "user_blocked", "user_muted")  # say "no name"


def _config(request: Request) -> Any:
    return request.app.state.config


def _session(request: Request) -> Session:
    return Session(request.app.state.engine)


def unseen(session: Session, request: Request, viewer: Viewer,
           accounts: set[str] | None = None) -> dict[str, Any]:
    """The collection warning every page shows first (templates/blind.html): the viewer's
    accounts (or only `accounts`) not audited in 7 days or for two scheduled nights."""
    config, now = _config(request), utcnow()
    states = collection_states(session, now - timedelta(days=7), viewer.scope.institutions)
    shown = [state for state in states if accounts is None or state.account in accounts]
    blind = blind_now(shown, config.schedule.nightly_audit, config.tz, now)
    return {**blind_context(blind, len(states), config.report.language, config.tz),
            "blind_accounts": {item.account for item in blind}}


def overview(request: Request) -> Response:
    """The first page: what waits for review, by account, kind and age, and the trend."""
    viewer = require(request)
    if not viewer.reads_comments:
        return portal.render(request, "message.html", viewer=viewer, message="",
                             links=[("/saglik", "health"), ("/kullanicilar", "users")])
    config, now = _config(request), utcnow()
    monday = now.astimezone(config.tz).date()
    monday -= timedelta(days=monday.weekday())
    starts = [datetime.combine(monday - timedelta(weeks=n), time(0), tzinfo=config.tz)
              for n in range(WEEKS - 1, -1, -1)]
    with _session(request) as session:
        data = portal_queries.overview(session, viewer.scope, now, starts)
        blind = unseen(session, request, viewer)
    peak = max([count for _, count in data.weekly] + [1])
    return portal.render(request, "overview.html", viewer=viewer, o=data, peak=peak,
                         severities=SEVERITIES,
                         todo=_todo(data, blind, config.report.language, now), **blind)


def _todo(data: portal_queries.Overview, blind: dict[str, Any], language: str, now: datetime) -> list[str]:
    """The weekly e-mail's to-do lines, counted the same way (every open finding), and never
    "nothing waits" about accounts the audit could not see."""
    oldest = data.oldest
    if oldest is None:
        key = ("todo_none" if not blind["blind_lines"] else "todo_unknown" if blind["blind_all"]
               else "todo_none_seen")
        return [i18n.LABELS[language][key]]
    days = max(0, (now - oldest.detected_at).days)
    return [i18n.phrase("waiting", language, n=data.open_total),
            i18n.phrase("oldest_days" if days else "oldest_today", language, id=oldest.id,
                        kind=i18n.kind_term(oldest.kind, language, oldest.platform,
                                            oldest.subject_id),
                        account=oldest.account, days=days)]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: Request) -> portal_queries.Filters:
    params, tz = request.query_params, _config(request).tz
    since, until = _day(params.get("since")), _day(params.get("until"))
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1

    def choice(name: str, allowed: tuple[str, ...]) -> str:
        value = params.get(name, "")
        return value if value in allowed else ""

    return portal_queries.Filters(
        account=params.get("account", "")[:200], kind=choice("kind", FINDING_KINDS),
        status=choice("status", FINDING_STATUSES), severity=choice("severity", SEVERITIES),
        since=datetime.combine(since, time(0), tzinfo=tz) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(0), tzinfo=tz) if until else None,
        q=params.get("q", "")[:200], page=page)


def findings_list(request: Request) -> Response:
    """Findings, filtered and searched, one page at a time."""
    viewer = require(request, comments=True)
    filters = _filters(request)
    with _session(request) as session:
        page = portal_queries.findings_page(session, viewer.scope, filters)
        accounts = [a.name for a in portal_queries.accounts_in(session, viewer.scope)]
        blind = unseen(session, request, viewer, {filters.account} if filters.account else None)
    return portal.render(request, "findings.html", viewer=viewer, page=page, f=filters,
                         accounts=accounts, kinds=FINDING_KINDS, statuses=FINDING_STATUSES,
                         severities=SEVERITIES, **blind)


def findings_csv(request: Request) -> Response:
    """The filtered findings as a CSV file for Turkish-locale Excel."""
    viewer = require(request, comments=True)
    config = _config(request)
    with _session(request) as session:
        rows = portal_queries.all_findings(session, viewer.scope, _filters(request))
    return spreadsheet.response("bulgular.csv", spreadsheet.findings(rows, config))


def sentence(detail: FindingDetail, language: str, tz: Any) -> str:
    """What happened, in one sentence of the reader's language."""
    event = detail.event
    when = bracket(event.occurred_after, event.occurred_before,
                   bool(event.evidence.get("before_first_seen", False)), language, tz)
    if when == i18n.format_datetime(event.occurred_before, language, tz):
        when = i18n.at_time(event.occurred_before, language, tz)  # one instant: "…15:00'te"
    name = (detail.comment.author_name if detail.comment and detail.comment.author_name
            else detail.entry.user_name if detail.entry and detail.entry.user_name else None)
    # Controls shown, never acted on (the sentence is escaped as a whole); an id never as a name.
    who = visible(name or detail.finding.subject_id)
    kind, platform = detail.finding.kind, detail.account.platform
    said = i18n.kind_term(kind, language, platform, detail.finding.subject_id)
    # A platform that says the kind in its own words (a YouTube comment held for review is not
    # "hidden") gets the sentence that carries those words, not the generic verb.
    own = said != i18n.term(kind, language)
    if own:  # whose comment, which account or list, when the audit knows the name
        key = "sentence_named" if name is not None else "sentence_other"
    else:
        key = f"sentence_{kind}" if kind in SENTENCES else "sentence_other"
        if name is None and kind in UNNAMED:
            key += "_unnamed"
    return word(key, language, account=detail.account.name, who=who, when=when, kind=said)


def subject_of(detail: FindingDetail, language: str, tz: Any) -> Subject:
    """What the finding is about, in its kind's words: the comment, the user or the post."""
    finding, comment, post = detail.finding, detail.comment, detail.post
    quote_author, quote_text = detail.quote
    name = (comment.author_name if comment else detail.entry.user_name if detail.entry
            else quote_author)
    return describe(finding.kind, finding.subject_id, name=name,
                    text=comment.message if comment else quote_text, post_id=finding.post_id,
                    evidence=detail.event.evidence, language=language, tz=tz,
                    post_text=post.message if post else None,
                    published_at=post.created_at if post else None,
                    platform=detail.account.platform)


@dataclass(frozen=True)
class ReviewDraft:
    """What a manager typed into a review the portal refused: shown again, never lost."""

    decision: str = ""
    note: str = ""
    filename: str = ""  # a browser never refills a file input: she is told to choose it again


def finding_page(request: Request) -> Response:
    """One finding: sentence, comment and author, bracket, link, timeline, chain, reviews."""
    viewer = require(request, comments=True)
    return finding_response(request, viewer, request.path_params["fid"],
                            error=_error_key(request))


def finding_response(request: Request, viewer: Viewer, fid: int, *, error: str = "",
                     draft: ReviewDraft | None = None, status: int = 200) -> Response:
    """The finding's page; after a refused review, with `error` beside its field and `draft`."""
    config = _config(request)
    with _session(request) as session:
        detail = finding_detail(session, viewer.scope, fid)
        if detail is None:
            raise HTTPException(404)
        blind = unseen(session, request, viewer, {detail.account.name})
        where = (detail.account.name, detail.finding.post_id or "")
        permalink = instagram_permalinks(session, [where]).get(where)
        session.expunge_all()
    link = platform_url(detail.account.platform, detail.finding.kind,
                        subject_id=detail.finding.subject_id, post_id=detail.finding.post_id,
                        handle=detail.account.handle, permalink=permalink)
    language = config.report.language
    return portal.render(
        request, "finding.html", status=status, viewer=viewer, d=detail, link=link,
        sentence=sentence(detail, language, config.tz), decisions=DECISIONS,
        subject=subject_of(detail, language, config.tz),
        limits=_limits(detail.account.platform, language),
        limits_title=i18n.LABELS[language]["unobservable"],
        max_mb=config.web.max_attachment_mb, saved=request.query_params.get("kaydedildi") == "1",
        error=error, draft=draft or ReviewDraft(), technical=_technical(detail),
        timeline=timeline_lines(detail, language), **blind)


def timeline_lines(detail: FindingDetail, language: str) -> list[tuple[Any, str]]:
    """The finding's timeline in words: each event's kind and the comment in the words of the
    account's platform (a Bluesky reply hidden, a moderation list blocked)."""
    platform, subject_id = detail.account.platform, detail.finding.subject_id
    comment = words_for(language, platform, subject_id)["comment"]
    lines = []
    for item in detail.timeline:
        if item.what == "event":
            said = i18n.kind_term(item.detail or "", language, platform, subject_id)
        else:
            said = i18n.term(item.detail, language)
        lines.append((item.at, word(item.what, language, detail=said, comment=comment)))
    return lines


def _limits(platform: str, language: str) -> list[str]:
    """What the account's platform does not let the audit observe (its descriptor's sentences),
    so that a finding is read beside what could not be seen."""
    try:
        return unobservable(platform, language)
    except ValueError:
        return []


def _error_key(request: Request) -> str:
    """The review form's problem named in `?hata=`, if it is one the form can have; else ""."""
    value = request.query_params.get("hata", "")
    return value if value in REVIEW_PROBLEMS else ""


def _technical(detail: FindingDetail) -> str:
    """The event as recorded: the platform's answers, sources, the chain's hashes."""
    event = detail.event
    shown = {"event_id": event.id, "kind": event.kind, "source": event.source, "actor": event.actor,
             "subject_id": event.subject_id, "post_id": event.post_id, "run_id": event.run_id,
             "occurred_after": event.occurred_after, "occurred_before": event.occurred_before,
             "detected_at": event.detected_at, "evidence": event.evidence,
             "text_digest": event.text_digest, "prev_hash": event.prev_hash, "hash": event.hash,
             "related_events": [{"id": e.id, "kind": e.kind, "source": e.source,
                                 "detected_at": e.detected_at} for e in detail.related]}
    return visible(json.dumps(shown, ensure_ascii=False, indent=2, default=str))


def attachment_download(request: Request) -> Response:
    """An attachment's bytes, as a download (never rendered inline)."""
    viewer = require(request, comments=True)
    with _session(request) as session:
        item = attachment(session, request.path_params["aid"])
        if item is None or finding_detail(session, viewer.scope, item.finding_id) is None:
            raise HTTPException(404)
        # Named by the server from the type its bytes were checked to be, never the uploader's
        # name: a PNG uploaded as "x.hta" downloads as "ek-<digest>.png".
        name = attachment_name(item.sha256, item.content_type)
        return Response(item.content, media_type=item.content_type, headers={
            "content-disposition": f'attachment; filename="{name}"'})


def blocked(request: Request) -> Response:
    """Users blocked now, since when as far as the audits know."""
    viewer = require(request, comments=True)
    with _session(request) as session:
        rows = portal_queries.blocked_now(session, viewer.scope)
        blind = unseen(session, request, viewer)
    language = _config(request).report.language
    # Each entry in its platform's words: a Bluesky account or moderation list is no "user".
    entries = [(row, blocked_entry(row.user_id, row.user_name, row.platform, language))
               for row in rows]
    return portal.render(request, "blocked.html", viewer=viewer, entries=entries,
                         B=headings([entry for _, entry in entries], language), **blind)


def blocked_csv(request: Request) -> Response:
    """The blocked users as CSV."""
    viewer = require(request, comments=True)
    with _session(request) as session:
        rows = portal_queries.blocked_now(session, viewer.scope)
    return spreadsheet.response("engellenenler.csv", spreadsheet.blocked(rows, _config(request)))


def _health_lines(request: Request, viewer: Viewer) -> tuple[list[HealthLine], dict[str, Any]]:
    """The health rows in words, and the collection warning the page opens with."""
    with _session(request) as session:
        rows = portal_queries.health(session, viewer.scope, utcnow() - timedelta(days=7))
        blind = unseen(session, request, viewer)
    return health_lines(rows, blind["blind_accounts"], _config(request).report.language), blind


def health(request: Request) -> Response:
    """Collection health per account over the last week, in the report's sentences."""
    viewer = require(request)
    rows, blind = _health_lines(request, viewer)
    return portal.render(request, "health.html", viewer=viewer, rows=rows, **blind)


def health_csv(request: Request) -> Response:
    """Collection health as CSV."""
    viewer = require(request)
    rows, _ = _health_lines(request, viewer)
    return spreadsheet.response("veri-toplama.csv", spreadsheet.health(rows, _config(request)))


def selective(request: Request) -> Response:
    """The weekly report's selective-moderation section, for the last complete week."""
    viewer = require(request, comments=True)
    config = _config(request)
    with _session(request) as session:
        names = [a.name for a in portal_queries.accounts_in(session, viewer.scope)]
        section = build_section(session, names, last_complete_week(utcnow(), config.tz), config.tz,
                                min_group_size=config.selective.min_group_size,
                                alpha=config.selective.alpha)
    view = section_view(section, config.report.language, config.tz)
    return portal.render(request, "selective.html", viewer=viewer, sel=view)
