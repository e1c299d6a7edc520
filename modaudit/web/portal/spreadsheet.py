"""The portal's lists as CSV that Turkish-locale Excel opens as columns: `;`, a BOM, Turkish heads.

Excel in a Turkish locale splits on `;` (the comma is the decimal separator) and reads UTF-8
only after a byte-order mark; cells a spreadsheet would run as formulas are neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from modaudit import platforms
from modaudit.config import Config
from modaudit.report import i18n, subjects
from modaudit.report.blocked_words import blocked_entry
from modaudit.report.render import neutralise
from modaudit.store.portal_queries import BlockedRow, ListRow
from modaudit.web.portal.health_view import HealthLine, never, yes_no


def _cell(value: Any, config: Config) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(config.tz).strftime("%d.%m.%Y %H:%M")
    return neutralise(str(value))


def table(heads: Sequence[str], rows: Iterable[Sequence[Any]], config: Config) -> bytes:
    """Rows under `heads`, `;`-separated, UTF-8 with a BOM, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(heads)
    for row in rows:
        writer.writerow([_cell(value, config) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _heads(turkish: Sequence[str], english: Sequence[str], config: Config) -> Sequence[str]:
    return turkish if config.report.language == "tr" else english


def findings(rows: list[ListRow], config: Config) -> bytes:
    """The findings list; each finding's subject in its kind's words (a comment, a user, a post)."""
    words = subjects.WORDS[config.report.language]
    heads = (*_heads(("No", "Kurum", "Hesap", "Tür", "Önem", "Durum"),
                     ("No", "Institution", "Account", "Kind", "Severity", "Status"), config),
             words["subject_head"], words["subject_id_head"], words["person_head"],
             words["text_head"],
             *_heads(("En erken", "En geç", "Tespit"), ("Earliest", "Latest", "Detected"), config),
             words["published_head"], words["setting_head"])
    return table(heads, _finding_cells(rows, config), config)


def _finding_cells(rows: list[ListRow], config: Config) -> Iterable[Sequence[Any]]:
    lang = config.report.language
    for r in rows:
        cells = subjects.describe(
            r.kind, r.subject_id, name=r.subject_name, text=r.text, post_id=r.post_id,
            evidence=r.evidence, language=lang, tz=config.tz, post_text=r.post_text,
            published_at=r.published_at, platform=r.platform).cells(lang)
        yield (r.id, r.institution, r.account, i18n.kind_term(r.kind, lang, r.platform, r.subject_id),
               i18n.term(r.severity, lang),
               i18n.term(r.status, lang), cells["subject"], cells["subject_id"], cells["person"],
               cells["text"], r.occurred_after, r.occurred_before, r.detected_at,
               cells["published_at"], cells["setting"])


def blocked(rows: list[BlockedRow], config: Config) -> bytes:
    """Who or what is blocked now, each entry in its platform's words (a user, a Bluesky account
    or moderation list) with its page on the platform."""
    heads = _heads(("Hesap", "Platform", "Engellenen", "Kimlik", "Adı", "Bağlantı", "İlk görüldü",
                    "En erken", "En geç", "Bulgu", "Durum"),
                   ("Account", "Platform", "Blocked", "Id", "Name", "Link", "First seen",
                    "Earliest", "Latest", "Finding", "Status"), config)
    return table(heads, _blocked_cells(rows, config), config)


def _blocked_cells(rows: list[BlockedRow], config: Config) -> Iterable[Sequence[Any]]:
    lang = config.report.language
    for r in rows:
        entry = blocked_entry(r.user_id, r.user_name, r.platform, lang)
        yield (r.account, platforms.display(r.platform or ""), entry.what, entry.id, entry.name,
               entry.link, r.first_seen_at, r.occurred_after, r.occurred_before, r.finding_id,
               i18n.term(r.finding_status, lang))


def health(rows: list[HealthLine], config: Config) -> bytes:
    """Collection health per account, in the page's words."""
    lang = config.report.language
    heads = _heads(("Hesap", "Platform", "Kurum", "Son 7 gün", "Platforma istek", "Son denetim",
                    "Sorunlar ve yapılması gereken", "Son başarılı denetim", "Veriler güncel"),
                   ("Account", "Platform", "Institution", "Last 7 days", "Requests",
                    "Last run", "Problems and what to do", "Last successful run", "Up to date"),
                   config)
    return table(heads, ((r.account, r.platform, r.institution, r.runs, r.calls, r.last_status,
                          " ".join(r.problems), r.last_success or never(lang),
                          yes_no(not r.stale, lang))
                         for r in rows), config)


def response(filename: str, body: bytes) -> Response:
    """A CSV download."""
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})
