"""A finding's evidence for people: labelled in words, times local and readable, no JSON.

Ids, digests and delivery numbers stay in the store and `findings --format json`; the report's
"Teknik ayrıntılar" shows what a manager can weigh: when it was seen, how it was confirmed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from modaudit.report import i18n
from modaudit.report.phrases import EVIDENCE_LABELS, VALUE_WORDS
from modaudit.report.subjects import reply_setting
from modaudit.store.finding_rows import FindingRow

_WORD_KEYS = frozenset({"confirmed_by", "verb"})
# Said with the post it is about (report/subjects.py), in the words the PDF uses.
_SAID_WITH_THE_SUBJECT = frozenset({"reply_settings"})


def evidence_lines(row: FindingRow, language: str, tz: ZoneInfo) -> list[tuple[str, str]]:
    """A finding's evidence as (label, value) lines: who acted, how we know, what was seen when."""
    labels = i18n.LABELS[language]
    lines = [(labels["actor"], i18n.actor_term(row.actor, language, row.platform)),
             (labels["source"], i18n.term(row.source, language))]
    for key, label in EVIDENCE_LABELS[language].items():
        value = row.evidence.get(key)
        if value in (None, "", {}, []) or key in _SAID_WITH_THE_SUBJECT:
            continue
        shown = _value(key, value, language, tz, row.platform)
        if shown:
            lines.append((label, shown))
    return lines


def _moment(value: Any, language: str, tz: ZoneInfo) -> str | None:
    """An ISO 8601 text or a Unix timestamp (webhooks' `created_time`) as a local time."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return i18n.format_datetime(datetime.fromtimestamp(value, UTC), language, tz)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return i18n.format_datetime(moment, language, tz)
    return None


def _word(value: str, language: str) -> str:
    return VALUE_WORDS[language].get(value) or i18n.term(value, language)


def _lookup(answer: dict[str, Any], language: str) -> str:
    words = VALUE_WORDS[language]
    # Graph's "does not exist" is an error; YouTube's is a lookup by id listing nothing.
    if "error" in answer or answer.get("items") == []:
        return words["gone"]
    hidden = answer.get("is_hidden", answer.get("hidden"))
    if isinstance(hidden, bool):
        return f"{words['present']} ({i18n.term('hidden' if hidden else 'visible', language)})"
    return words["present"]


def _value(key: str, value: Any, language: str, tz: ZoneInfo,
           platform: str | None = None) -> str | None:
    if key == "lookup" and isinstance(value, dict):
        return _lookup(value, language)
    if key == "sightings" and isinstance(value, list):
        seen = [f"{_word(str(s.get('source', '')), language)}, {_moment(s.get('seen_at'), language, tz)}"
                for s in value if isinstance(s, dict)]
        return "; ".join(seen) or None
    if key == "lookups" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if key == "previously" and isinstance(value, str):  # a post's earlier reply setting
        return reply_setting(value, language, platform) or i18n.term(value, language)
    if key in _WORD_KEYS and isinstance(value, str):
        return _word(value, language)
    return _moment(value, language, tz)
