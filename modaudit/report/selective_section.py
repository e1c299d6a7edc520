"""The weekly report's selective-moderation section: the numbers, and in plain words what they mean.

The section covers comments written in the last REPORT_WEEKS ISO weeks up to the report's week
(one week is usually too few comments to judge). It names the groups moderated significantly more
often than the rest, the groups too small to judge, and says what a disparity is not: proof.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from analysis.selective import (
    MODERATION_ACTORS,
    MODERATION_KINDS,
    MODERATION_OBSERVABLE,
    AccountSummary,
    GroupResult,
    comment_frame,
    summarise_accounts,
)
from modaudit.report import i18n
from modaudit.report.periods import IsoWeek
from modaudit.report.subjects import words_for
from modaudit.store.comment_features import account_platforms, classified_comments, unclassified_counts

REPORT_WEEKS = 4

_LANGUAGES = {
    "tr": {"tr": "Türkçe", "ku": "Kürtçe", "ar": "Arapça", "en": "İngilizce", "fa": "Farsça",
           "az": "Azerice", "de": "Almanca", "fr": "Fransızca", "ru": "Rusça", "und": "dili belirsiz"},
    "en": {"tr": "in Turkish", "ku": "in Kurdish", "ar": "in Arabic", "en": "in English",
           "fa": "in Persian", "az": "in Azerbaijani", "de": "in German", "fr": "in French",
           "ru": "in Russian", "und": "of undetermined language"},
}
_TOPICS = {
    "tr": {"criticism": "kurumu eleştiren", "politics": "siyasi parti ya da siyasetçi anan",
           "religion": "dinî ifade içeren", "ethnicity": "etnik gruplara değinen",
           "disability": "engellilikle ilgili", "health": "sağlıkla ilgili"},
    "en": {"criticism": "criticising the institution", "politics": "mentioning parties or politicians",
           "religion": "with religious references", "ethnicity": "referring to ethnic groups",
           "disability": "about disability", "health": "about health"},
}
TEXTS = {
    "tr": {
        "title": "Seçici moderasyon: dile ve konuya göre",
        "intro": "{start} – {end} arasında yazılan yorumlar. Her dil ve konu grubunun gizlenme ya "
                 "da silinme oranı, aynı hesabın diğer tüm yorumlarınınkiyle karşılaştırıldı.",
        "account": "{account}: {n} {comments}, {m} tanesi gizlendi ya da silindi ({rate}).",
        "account_unobservable": "{account}: {n} {comments}.",
        "unclassified": "{k} {comments_of} metni, içeriği sınıflandırılmadan silinmişti; "
                        "sayılmadı.",
        "not_observable": "Bu platformda gizleme ve kurumun silmesi gözlemlenemiyor; yalnızca "
                          "engellenen kullanıcıların yorumları karşılaştırıldı.",
        "none_flagged": "Hiçbir grup diğer yorumlardan anlamlı ölçüde daha sık gizlenmedi ya da "
                        "silinmedi.",
        "moderated": "{group} yorumlar {ratio} kat daha sık gizlendi ya da silindi: {rate} "
                     "(diğerlerinde {rest}); %{level} güven aralığı {low}–{high}; düzeltilmiş "
                     "p = {p}; n = {n}.",
        "author_blocked": "{group} yorumların {rate} kadarı sonradan engellenen kullanıcılara "
                          "ait (diğerlerinde {rest}); düzeltilmiş p = {p}; n = {n}.",
        "too_few": "Karar vermek için çok az yorum olan gruplar (en az {min} gerekir): {groups}.",
        "group_col": "Grup", "measure_col": "Ölçüt", "rate_col": "Oran", "rest_col": "Diğerleri",
        "ratio_col": "Kat", "ci_col": "Güven aralığı", "p_col": "Düzeltilmiş p",
        "measure_moderated": "gizlendi/silindi", "measure_author_blocked": "yazarı engellendi",
        "caveats_title": "Bu sayılar ne anlama gelir, ne anlama gelmez",
        "caveats": (
            "Bir farklılık incelenmesi gereken bir işarettir; kasıt ya da ayrımcılık kanıtı "
            "değildir. Bir grubun yorumları başka nedenlerle (hakaret, spam, yasa dışı içerik) "
            "daha sık gizlenmiş olabilir: işaretlenen grupların yorumlarına tek tek bakınız.",
            "Gizlenen ya da silinen (sonradan yeniden gösterilse bile) her yorum moderasyona "
            "uğramış sayılır; yazarın kendi sildiği yanıtlar sayılmaz.",
            "Gruplar yalnızca yorumun içeriğinden çıkarılır (otomatik dil tespiti ve sözcük "
            "listeleri) ve yanılabilir; yorum yazanlar hakkında hiçbir özellik çıkarılmaz ya da "
            "saklanmaz. Yalnızca toplam sayılar raporlanır.",
            "Birçok grup birlikte sınandığından p değerleri Benjamini–Hochberg yöntemiyle "
            "düzeltildi; bir grup, düzeltilmiş p {alpha} altında ve oranı diğerlerinden yüksekse "
            "işaretlenir. Engellemelerde birim yine yorumdur; aynı kişinin yorumları bağımsız "
            "olmadığından p değeri engellenen kişilerin yer değiştirildiği bir permütasyon "
            "testinden gelir.",
        ),
    },
    "en": {
        "title": "Selective moderation: by language and topic",
        "intro": "Comments written {start} – {end}. For each language and topic group, the rate at "
                 "which comments were hidden or deleted is compared with all other comments on the "
                 "same account.",
        "account": "{account}: {n} {comments}, {m} hidden or deleted ({rate}).",
        "account_unobservable": "{account}: {n} {comments}.",
        "unclassified": "{k} {comments_of} had their text erased before their content was "
                        "classified; they are not counted.",
        "not_observable": "Hiding and deletion by the institution cannot be observed on this "
                          "platform; only the comments of blocked users are compared.",
        "none_flagged": "No group was hidden or deleted significantly more often than other comments.",
        "moderated": "Comments {group} were hidden or deleted {ratio} times as often: {rate} "
                     "(others {rest}); {level}% confidence interval {low}–{high}; adjusted p = {p}; "
                     "n = {n}.",
        "author_blocked": "{rate} of comments {group} were written by users blocked later (others "
                          "{rest}); adjusted p = {p}; n = {n}.",
        "too_few": "Too few comments to judge (at least {min} needed): {groups}.",
        "group_col": "Group", "measure_col": "Measure", "rate_col": "Rate", "rest_col": "Others",
        "ratio_col": "Ratio", "ci_col": "Confidence interval", "p_col": "Adjusted p",
        "measure_moderated": "hidden/deleted", "measure_author_blocked": "author blocked",
        "caveats_title": "What these numbers mean, and what they do not",
        "caveats": (
            "A disparity is a reason to review, not proof of intent or discrimination. A group's "
            "comments may be hidden more often for other reasons (insults, spam, illegal content): "
            "look at the flagged group's comments one by one.",
            "A comment counts as moderated if it was hidden or deleted, even if it was shown again "
            "later; replies deleted by their own authors do not count.",
            "Groups come only from a comment's content (automatic language identification and word "
            "lists) and can be wrong; nothing about the people who comment is inferred or stored. "
            "Only totals are reported.",
            "Many groups are tested together, so p-values are adjusted (Benjamini–Hochberg); a group "
            "is flagged when its adjusted p is below {alpha} and its rate is above the others'. For "
            "blocks the unit is still the comment; one person's comments are not independent, so "
            "that p-value comes from a permutation test over who was blocked.",
        ),
    },
}


@dataclass(frozen=True)
class SelectiveSection:
    """The selective-moderation results behind one weekly report."""

    since: datetime
    until: datetime
    alpha: float
    min_group_size: int
    accounts: list[AccountSummary]


@dataclass(frozen=True)
class FlagLine:
    """One flagged group, ready to print."""

    account: str
    group: str
    measure: str
    rate: str
    rest: str
    ratio: str
    interval: str
    p_adjusted: str
    n: int
    sentence: str


@dataclass(frozen=True)
class AccountView:
    """One account's paragraph: its totals, flagged groups and groups too small to judge."""

    account: str
    lines: list[str]
    flagged: list[FlagLine]
    too_few: str | None


@dataclass(frozen=True)
class SectionView:
    """The section in the reader's language."""

    T: dict[str, object]
    intro: str
    accounts: list[AccountView]
    caveats: list[str]


def summarise(session: Session, accounts: Sequence[str] | None, since: datetime | None,
              until: datetime | None, *, min_group_size: int, alpha: float) -> list[AccountSummary]:
    """Each account's results for comments created in [since, until) (read-only)."""
    rows = classified_comments(session, accounts, since, until, moderation_kinds=MODERATION_KINDS,
                               moderation_actors=MODERATION_ACTORS)
    return summarise_accounts(comment_frame(rows), unclassified_counts(session, accounts, since, until),
                              account_platforms(session), accounts, min_group_size=min_group_size,
                              alpha=alpha)


def build_section(session: Session, names: list[str], week: IsoWeek, tz: ZoneInfo, *,
                  min_group_size: int, alpha: float) -> SelectiveSection:
    """Results for comments written in the REPORT_WEEKS weeks ending with `week` (read-only)."""
    first = week
    for _ in range(REPORT_WEEKS - 1):
        first = first.previous()
    since, until = first.bounds(tz)[0], week.bounds(tz)[1]
    accounts = summarise(session, names, since, until, min_group_size=min_group_size, alpha=alpha)
    return SelectiveSection(since, until, alpha, min_group_size, accounts)


def group_label(group: str, language: str) -> str:
    """`language:ku` → "Kürtçe" / "in Kurdish"; `topic:criticism` → "kurumu eleştiren"."""
    kind, _, name = group.partition(":")
    names = _LANGUAGES if kind == "language" else _TOPICS
    return names[language].get(name, group)


def number(value: float | None, language: str, digits: int = 1) -> str:
    """A decimal in the reader's style (comma in Turkish); "–" when there is none."""
    if value is None:
        return "–"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "tr" else text


def percent(value: float | None, language: str) -> str:
    """A share as a percentage: "%26,4" / "26.4%"."""
    if value is None:
        return "–"
    shown = number(100 * value, language)
    return f"%{shown}" if language == "tr" else f"{shown}%"


def p_text(value: float | None, language: str) -> str:
    """A p-value: three significant digits, or "< 0,0001"."""
    if value is None:
        return "–"
    if value < 0.0001:
        return "< " + number(0.0001, language, 4)
    return number(value, language, 4)


def section_view(section: SelectiveSection, language: str, tz: ZoneInfo) -> SectionView:
    """Sentences and rows of the section in `language`."""
    texts = TEXTS[language]
    last_day = (section.until - timedelta(seconds=1)).astimezone(tz).date()
    intro = str(texts["intro"]).format(start=i18n.format_date(section.since.astimezone(tz).date(),
                                                              language, weekday=False),
                                       end=i18n.format_date(last_day, language, weekday=False))
    level = number(100 * (1 - section.alpha), language, 0)
    views = []
    for summary in section.accounts:
        lines = [_totals(summary, texts, language)]
        if summary.platform not in MODERATION_OBSERVABLE:
            lines.append(str(texts["not_observable"]))
        if summary.unclassified:
            lines.append(str(texts["unclassified"]).format(
                k=summary.unclassified, comments_of=_counted(summary, language)["comments_of"]))
        flagged = [_flag_line(result, texts, language, level) for result in summary.flagged]
        if not flagged and any(result.status == "tested" for result in summary.results):
            lines.append(str(texts["none_flagged"]))
        small = sorted({r.group: r.n for r in summary.too_few}.items())
        too_few = None
        if small:
            groups = ", ".join(f"{group_label(g, language)} (n = {n})" for g, n in small)
            too_few = str(texts["too_few"]).format(min=section.min_group_size, groups=groups)
        views.append(AccountView(summary.account, lines, flagged, too_few))
    alpha = number(section.alpha, language, 2)
    caveats = [str(text).format(alpha=alpha) for text in texts["caveats"]]  # type: ignore[attr-defined]
    return SectionView(texts, intro, views, caveats)


def _counted(summary: AccountSummary, language: str) -> dict[str, str]:
    """The account's platform's words for its comments (a Bluesky account's replies)."""
    return words_for(language, summary.platform)


def _totals(summary: AccountSummary, texts: dict[str, object], language: str) -> str:
    baseline = summary.baselines.get("moderated")
    comments = _counted(summary, language)["comments_n"]
    if summary.platform not in MODERATION_OBSERVABLE:
        return str(texts["account_unobservable"]).format(account=summary.account,
                                                         n=summary.comments, comments=comments)
    return str(texts["account"]).format(
        account=summary.account, n=summary.comments, m=baseline.moderated if baseline else 0,
        rate=percent(baseline.rate if baseline else None, language), comments=comments)


def _flag_line(result: GroupResult, texts: dict[str, object], language: str, level: str) -> FlagLine:
    label = group_label(result.group, language)
    ratio = number(result.rate_ratio, language) if result.rate_ratio is not None else "∞"
    low, high = number(result.ci_low, language), number(result.ci_high, language)
    subject = label[:1].upper() + label[1:] if language == "tr" else label  # starts the sentence
    values = {"group": subject, "ratio": ratio, "n": result.n,
              "rate": percent(result.rate, language), "rest": percent(result.rate_rest, language),
              "level": level, "low": low, "high": high, "p": p_text(result.p_adjusted, language)}
    sentence = str(texts[result.measure]).format(**values)
    interval = f"{low}–{high}" if result.ci_low is not None else "–"
    return FlagLine(result.account, label, str(texts[f"measure_{result.measure}"]), values["rate"],
                    values["rest"], ratio, interval, values["p"], result.n, sentence)
