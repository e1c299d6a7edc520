"""The collection-health page in the weekly report's sentences: run counts and statuses in
words, each problem with its fix (report/phrases.py), and stale data flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from modaudit import platforms
from modaudit.report.phrases import warning_sentence
from modaudit.store.portal_queries import HealthRow

_WORDS: dict[str, dict[str, str]] = {
    "tr": {"runs": "{n} denetim: {ok} tam, {partial} eksik, {failed} başarısız",
           "no_runs": "Son 7 günde hiç denetim yapılmadı.", "calls": "platforma {n} istek",
           "ok": "tam", "partial": "eksik", "failed": "başarısız", "running": "sürüyor",
           "none": "henüz yok", "never": "hiç",
           "stale": "Veriler güncel değil: son iki planlı denetimde başarılı sonuç yok.",
           "fine": "Sorun kaydedilmedi.", "yes": "evet", "no": "hayır"},
    "en": {"runs": "{n} runs: {ok} complete, {partial} partial, {failed} failed",
           "no_runs": "No audit ran in the last 7 days.", "calls": "{n} requests to the platform",
           "ok": "complete", "partial": "partial", "failed": "failed", "running": "running",
           "none": "none yet", "never": "never",
           "stale": "Not up to date: no successful result at the last two scheduled audits.",
           "fine": "No problem recorded.", "yes": "yes", "no": "no"},
}


@dataclass(frozen=True)
class HealthLine:
    """One account's collection, said in words."""

    account: str
    platform: str
    institution: str
    runs: str
    calls: str
    last_status: str
    failed: bool
    problems: list[str]  # the last run's warnings, each a sentence with its fix
    last_success: datetime | None
    stale: str  # "" when the data is up to date


def health_lines(rows: list[HealthRow], blind: set[str], language: str) -> list[HealthLine]:
    """The health rows in words; `blind`: accounts whose data is not up to date."""
    words = _WORDS[language]
    lines = []
    for row in rows:
        runs = (words["runs"].format(n=row.runs, ok=row.ok, partial=row.partial, failed=row.failed)
                if row.runs else words["no_runs"])
        problems = [warning_sentence(code, 1, language, row.platform)
                    for code in row.last_warnings if code]
        if row.last_status == "ok" and not problems:
            problems = [words["fine"]]
        lines.append(HealthLine(
            account=row.account, platform=platforms.display(row.platform),
            institution=row.institution, runs=runs, calls=words["calls"].format(n=row.api_calls),
            last_status=words.get(row.last_status or "none", row.last_status or ""),
            failed=row.last_status == "failed", problems=problems, last_success=row.last_success,
            stale=words["stale"] if row.account in blind else ""))
    return lines


def yes_no(value: bool, language: str) -> str:
    """"evet" or "hayır" (a spreadsheet cell)."""
    return _WORDS[language]["yes" if value else "no"]


def never(language: str) -> str:
    """What stands for a last success that never happened."""
    return _WORDS[language]["never"]
