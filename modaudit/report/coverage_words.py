"""The collection warning in the reader's language: which account could not be audited, since
when, and the cause with who must act (the report's warning sentences, report/phrases.py)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from analysis.coverage import Blind
from modaudit import platforms
from modaudit.report import i18n
from modaudit.report.phrases import warning_sentence

_WORDS: dict[str, dict[str, str]] = {
    "tr": {
        "title_all": "Dikkat: hiçbir hesap denetlenemedi; aşağıdaki sonuçlar eksik, sıfırlar "
                     "\"sorun yok\" anlamına gelmez.",
        "title_some": "Dikkat: {n} hesap denetlenemedi. Bu hesaplar için aşağıdaki sonuçlar "
                      "eksik.",
        "never": "{account} ({platform}) hesabı hiç başarıyla denetlenemedi; bu hesapta ne "
                 "yapıldığını bilmiyoruz.",
        "since": "{account} ({platform}) hesabı {since} tarihinden beri başarıyla "
                 "denetlenemedi; o zamandan sonraki silme, gizleme ve engellemeler görülmedi.",
        "no_runs": "Yeni denetim yapılmıyor; bilgi işlem modaudit hizmetinin (modaudit serve) "
                   "çalıştığını denetlemeli.",
        "act": "Neden ve çözüm:",
    },
    "en": {
        "title_all": "Warning: no account could be audited; the results below are incomplete, "
                     "and a zero does not mean \"no problem\".",
        "title_some": "Warning: {n} account(s) could not be audited. The results below are "
                      "incomplete for them.",
        "never": "{account} ({platform}) has never been audited successfully; what was done on "
                 "it is unknown.",
        "since": "{account} ({platform}) has not been audited successfully since {since}; "
                 "deletions, hides and blocks since then were not seen.",
        "no_runs": "No audit is running; IT should check that the modaudit service "
                   "(modaudit serve) is running.",
        "act": "Cause and fix:",
    },
}


@dataclass(frozen=True)
class BlindLine:
    """One blind account in words: what is not known, and who must act."""

    account: str
    what: str
    act: str


def blind_title(blind: list[Blind], accounts: int, language: str) -> str:
    """The warning's first line: all accounts, or how many, could not be audited."""
    if len(blind) >= accounts:
        return _WORDS[language]["title_all"]
    return _WORDS[language]["title_some"].format(n=len(blind))


def blind_lines(blind: list[Blind], language: str, tz: ZoneInfo) -> list[BlindLine]:
    """Each blind account: which, since when, and what must be done (by whom)."""
    words = _WORDS[language]
    lines = []
    for item in blind:
        values = {"account": item.account,
                  "platform": platforms.display(item.platform),
                  "since": i18n.format_datetime(item.last_success, language, tz)}
        what = words["since" if item.last_success else "never"].format(**values)
        act = (warning_sentence(item.problem, 1, language, item.platform) if item.problem
               else words["no_runs"])
        lines.append(BlindLine(item.account, what, act))
    return lines


def act_label(language: str) -> str:
    """The label before what must be done."""
    return _WORDS[language]["act"]
