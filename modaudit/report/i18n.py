"""The report's words in Turkish and English, and dates in the reader's language (no locale needed)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from modaudit import platforms

# Quoted verbatim from İlke Kararı 2021/81 (shared/ilke-karari-2021-81.txt).
CLAUSE_2_TR = (
    "Dil, ırk, etnik köken, renk, cinsiyet, siyasi düşünce, felsefi inanç, din, mezhep, servet, "
    "medeni hâl, sağlık durumu, engellilik, yaş, kılık ve kıyafet ve benzeri nedenlere dayalı "
    "olarak ayrımcılık yapmamalı ve kullanıcıları veya yorumlarını silmemeli ya da "
    "engellememelidir."
)
MANAGERS_DUTY_TR = (
    "Yönetici kamu görevlisi, kurumsal sosyal medya hesabının etik ilkelere uygun olarak "
    "yönetilmesi amacıyla gerekli tedbirleri alır, denetim ve gözetim görevini özenle yürütür."
)
CLAUSE_2_EN = (
    "When using the institutional social media account, the public official must not "
    "discriminate on grounds such as language, race, ethnic origin, colour, sex, political "
    "opinion, philosophical belief, religion, sect, wealth, marital status, health, disability, "
    "age, dress and the like, and must not delete or block users or their comments."
)
MANAGERS_DUTY_EN = (
    "The managing official takes the measures needed for the institutional social media account "
    "to be run in line with the ethical principles, and carries out supervision with care."
)

_MONTHS = {
    "tr": ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
           "Ekim", "Kasım", "Aralık"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_DAYS = {
    "tr": ("Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_SHORT_DAYS = {
    "tr": ("Pzt", "Sal", "Çar", "Per", "Cum", "Cmt", "Paz"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}

_TERMS: dict[str, dict[str, str]] = {
    "tr": {
        # kinds
        "comment_hidden": "yorum gizlendi", "comment_unhidden": "yorum yeniden gösterildi",
        "comment_deleted": "yorum silindi", "reply_deleted_by_author": "yanıtı yazarı sildi",
        "user_blocked": "kullanıcı engellendi", "user_unblocked": "engel kaldırıldı",
        "user_muted": "kullanıcı sessize alındı", "user_unmuted": "sessize alma kaldırıldı",
        "replies_restricted": "yanıtlar kısıtlandı", "replies_reopened": "yanıtlar yeniden açıldı",
        "quote_detached": "alıntı ayrıldı",
        # severities
        "high": "yüksek", "medium": "orta", "low": "düşük", "review": "belirsiz",
        # statuses
        "open": "açık", "justified": "gerekçeli", "confirmed": "ihlal teyit edildi",
        "dismissed": "yersiz", "closed": "kapandı",
        # actors and sources
        "account": "kurumun hesabı", "author": "yorumun yazarı", "platform": "platform",
        "unknown": "bilinmiyor",
        "snapshot_diff": "iki denetimin karşılaştırması", "lookup": "platforma yapılan sorgu",
        "webhook": "platformun anlık bildirimi", "archive": "arşiv", "hidden": "gizli",
        "record": "hesabın herkese açık kaydı",
        "visible": "görünür",
        # lists (the portal's timeline)
        "blocked": "engellenenler listesinde", "muted": "sessize alınanlar listesinde",
    },
    "en": {
        "comment_hidden": "comment hidden", "comment_unhidden": "comment unhidden",
        "comment_deleted": "comment deleted", "reply_deleted_by_author": "reply deleted by its author",
        "user_blocked": "user blocked", "user_unblocked": "user unblocked",
        "user_muted": "user muted", "user_unmuted": "user unmuted",
        "replies_restricted": "replies restricted", "replies_reopened": "replies reopened",
        "quote_detached": "quote detached",
        "high": "high", "medium": "medium", "low": "low", "review": "to review",
        "open": "open", "justified": "justified", "confirmed": "confirmed breach",
        "dismissed": "dismissed", "closed": "closed",
        "account": "the account", "author": "the author", "platform": "the platform",
        "unknown": "unknown",
        "snapshot_diff": "comparison of two audits", "lookup": "lookup by id",
        "webhook": "webhook notification", "archive": "archive", "hidden": "hidden",
        "record": "the account's public record",
        "visible": "visible", "blocked": "on the block list", "muted": "on the mute list",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "tr": {
        "title": "modaudit haftalık raporu", "alert_title": "modaudit uyarısı",
        "week": "Hafta", "institution": "Kurum", "accounts": "Hesaplar",
        "rule": "Denetlenen kural",
        "rule_source": "Kamu Görevlileri Etik Kurulu, İlke Kararı 2021/81 (20.09.2021), "
                       "Sosyal Medya Etik İlkeleri — Kurumsal sosyal medya hesabının kullanımı, (2)",
        "duty_source": "Yöneticilerin Sorumluluğu, (1)",
        "summary": "Özet", "new_this_week": "Bu hafta yeni bulgu", "previous_week": "Önceki hafta",
        "open_now": "Açık bulgu", "blocked_now": "Engellenmiş kullanıcı",
        "reviews_week": "Bu hafta yapılan inceleme",
        "chart": "Günlere göre yeni bulgular", "chart_alt": "Günlere ve önem derecesine göre yeni bulgular",
        "by_kind": "Türe göre yeni bulgular", "by_account": "Hesaba göre yeni bulgular",
        "kind": "Tür", "account": "Hesap", "this_week": "Bu hafta", "count": "Sayı",
        "new_findings": "Bu haftanın bulguları", "open_findings": "Açık bulgular ve kanıtları",
        "open_note": "Rapor hazırlandığında açık olan bulgular (hangi hafta tespit edilmiş olursa "
                     "olsun).",
        "subject": "Konu", "when": "Ne zaman", "severity": "Önem",
        "status": "Durum", "reviewed_by": "İnceleyen", "note": "Not", "none": "Yok.",
        "blocked": "Şu an engellenmiş kullanıcılar", "blocked_since": "Engellendiği zaman",
        "duration": "Süre", "finding": "Bulgu",
        "reviews": "Bu hafta yapılan incelemeler", "change": "Değişiklik", "reviewed_at": "Tarih",
        "health": "Veri toplama durumu", "runs": "Denetimler", "ok": "tam", "partial": "eksik",
        "failed": "başarısız", "api_calls": "platforma istek", "last_success": "Son başarılı denetim",
        "warnings": "Uyarılar", "never": "hiç", "no_runs": "Bu hafta hiç denetim yapılmadı.",
        "scan_unfinished": "Son denetimi bu rapor hazırlanırken henüz bitmemişti; en son verileri "
                           "bu rapora girmedi.",
        "unobservable": "Gözlemlenemeyenler",
        "actor": "İşlemi yapan", "source": "Kaynak", "evidence": "Kanıt",
        "how_to_review": "Bir bulguyu incelemek için sunucuda şu komutu kullanın:",
        "how_to_review_portal": "Bir bulguyu incelemek için numarasına tıklayıp portalda açın ya "
                                "da sunucuda şu komutu kullanın:",
        "review_command": 'modaudit review NO --status gerekçeli|"ihlal teyit edildi"|yersiz '
                          '--note "…" --by "…"',
        "generated": "Rapor oluşturma zamanı",
        "csv_note": "Bu haftanın bulguları ekteki CSV dosyasındadır.",
        "alert_intro": "Son denetimde önemi yüksek yeni bulgular var:",
        "not_proof": "Bulgu olmaması, kuralın çiğnenmediğinin kanıtı değildir; aşağıdaki "
                     "sınırlamalara bakınız.",
        "todo": "Yapılacaklar", "todo_none": "İnceleme bekleyen bulgu yok.",
        "todo_none_seen": "Denetlenebilen hesaplarda inceleme bekleyen bulgu yok; denetlenemeyen "
                          "hesaplar için yukarıdaki uyarıya bakın.",
        "todo_unknown": "Hesaplar denetlenemediği için inceleme bekleyen bulgu olup olmadığı "
                        "bilinmiyor.",
        "todo_how": "Her bulguyu inceleyip gerekçeli, ihlal teyit edildi ya da yersiz olarak "
                    "işaretleyin (komut raporun sonunda).",
        "todo_how_portal": "Her bulgunun numarasına tıklayıp portalda gerekçeli, ihlal teyit "
                           "edildi ya da yersiz olarak işaretleyin.",
        "legend": "Önem dereceleri", "details": "Teknik ayrıntılar", "open_link": "Platformda aç",
        "no_name": "adı bilinmiyor", "health_ok": "Sorun kaydedilmedi.",
        "detected": "Tespit edildi", "findings_by_severity": "önem derecesine göre",
    },
    "en": {
        "title": "modaudit weekly report", "alert_title": "modaudit alert",
        "week": "Week", "institution": "Institution", "accounts": "Accounts",
        "rule": "The rule audited",
        "rule_source": "Public Officials Ethics Board, Decision 2021/81 (20.09.2021), Social Media "
                       "Ethics Principles — Using the institutional social media account, (2)",
        "duty_source": "Responsibility of managers, (1)",
        "summary": "Summary", "new_this_week": "New findings this week",
        "previous_week": "Week before", "open_now": "Open findings",
        "blocked_now": "Users currently blocked", "reviews_week": "Reviews this week",
        "chart": "New findings per day", "chart_alt": "New findings per day and severity",
        "by_kind": "New findings by kind", "by_account": "New findings by account",
        "kind": "Kind", "account": "Account", "this_week": "This week", "count": "Count",
        "new_findings": "This week's findings", "open_findings": "Open findings and their evidence",
        "open_note": "Findings open when the report was made, whichever week they were found in.",
        "subject": "Subject", "when": "When", "severity": "Severity",
        "status": "Status", "reviewed_by": "Reviewed by", "note": "Note", "none": "None.",
        "blocked": "Users currently blocked", "blocked_since": "Blocked",
        "duration": "For", "finding": "Finding",
        "reviews": "Reviews made this week", "change": "Change", "reviewed_at": "When",
        "health": "Collection health", "runs": "Runs", "ok": "ok", "partial": "partial",
        "failed": "failed", "api_calls": "API calls", "last_success": "Last successful run",
        "warnings": "Warnings", "never": "never", "no_runs": "No audit ran this week.",
        "scan_unfinished": "Its last scan had not finished when this report was built; its "
                           "latest data are missing from this report.",
        "unobservable": "Not observable",
        "actor": "Actor", "source": "Source", "evidence": "Evidence",
        "how_to_review": "To review a finding:",
        "how_to_review_portal": "To review a finding, click its number (the portal), or:",
        "review_command": 'modaudit review ID --status justified|confirmed|dismissed --note "…" '
                          '--by "…"',
        "generated": "Report generated",
        "csv_note": "This week's findings are in the attached CSV file.",
        "alert_intro": "The last audit found new high-severity findings:",
        "not_proof": "No finding is not proof that the rule was kept; see the limits below.",
        "todo": "To do", "todo_none": "No finding awaits review.",
        "todo_none_seen": "No finding awaits review on the accounts that could be audited; see "
                          "the warning above for the others.",
        "todo_unknown": "The accounts could not be audited, so whether any finding awaits review "
                        "is unknown.",
        "todo_how": "Review each finding and mark it justified, confirmed breach or dismissed "
                    "(the command is at the end of the report).",
        "todo_how_portal": "Click each finding's number and mark it justified, confirmed breach "
                           "or dismissed in the portal.",
        "legend": "Severities", "details": "Technical details", "open_link": "Open on the platform",
        "no_name": "name unknown", "health_ok": "No problem recorded.",
        "detected": "Detected", "findings_by_severity": "by severity",
    },
}

_PHRASES: dict[str, dict[str, str]] = {
    "tr": {"between": "{after} ile {before} arasında", "before": "{before} öncesinde",
           "first_audit": " (ilk denetimden önce)", "days_range": "{low}–{high} gün",
           "waiting": "{n} bulgu incelemenizi bekliyor",
           "oldest_days": "En eskisi {days} gündür bekliyor: #{id}, {kind} ({account}).",
           "oldest_today": "En eskisi bugün tespit edildi: #{id}, {kind} ({account}).",
           "days_min": "en az {low} gün",
           "subject_weekly": "{inst}: {dates} sosyal medya denetimi — {what}",
           "blind_count": "{n} hesap denetlenemedi",
           "subject_alert": "{inst}: {account} hesabında önemi yüksek {n} yeni bulgu",
           "subject_blind": "{inst}: {n} hesap denetlenemiyor"},
    "en": {"between": "between {after} and {before}", "before": "before {before}",
           "first_audit": " (before the first audit)", "days_range": "{low}–{high} days",
           "waiting": "{n} findings await your review",
           "oldest_days": "The oldest has waited {days} days: #{id}, {kind} ({account}).",
           "oldest_today": "The oldest was detected today: #{id}, {kind} ({account}).",
           "days_min": "at least {low} days",
           "subject_weekly": "{inst}: social media audit, {dates} — {what}",
           "blind_count": "{n} account(s) could not be audited",
           "subject_alert": "{inst}: {n} new high-severity finding(s) on {account}",
           "subject_blind": "{inst}: {n} account(s) cannot be audited"},
}

def term(value: str | None, language: str) -> str:
    """A kind, severity, status, actor or source in the reader's language (unknown: as is)."""
    if value is None:
        return ""
    return _TERMS[language].get(value, value)


def kind_term(kind: str, language: str, platform: str | None = None, subject_id: str = "") -> str:
    """A finding's kind in the words of its account's platform (a YouTube held comment, a Bluesky
    list blocked), else as `term` says it for every platform."""
    described = platforms.REGISTRY.get(platform or "")
    own = described.sentence(language, kind, subject_id) if described else None
    return own or term(kind, language)


def actor_term(actor: str | None, language: str, platform: str | None = None) -> str:
    """Who acted, in the words of the account's platform (a Bluesky or X reply's author), else as
    `term` says it for every platform."""
    described = platforms.REGISTRY.get(platform or "")
    own = described.actor(language, actor) if described and actor else None
    return own or term(actor, language)


def phrase(key: str, language: str, **values: object) -> str:
    """A sentence fragment with its blanks filled."""
    return _PHRASES[language][key].format(**values)


def format_datetime(moment: datetime | None, language: str, tz: ZoneInfo) -> str:
    """`moment` in `tz`, e.g. "17 Kasım 2026 02:30" or "17 Nov 2026 02:30"."""
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    return f"{format_date(local.date(), language, weekday=False)} {local:%H:%M}"


def format_date(day: date, language: str, weekday: bool = True) -> str:
    """A day in the reader's language."""
    month = _MONTHS[language][day.month - 1]
    if language == "tr":
        text = f"{day.day} {month} {day.year}"
        return f"{text} {_DAYS['tr'][day.weekday()]}" if weekday else text
    text = f"{day.day} {month} {day.year}"
    return f"{_SHORT_DAYS['en'][day.weekday()]} {text}" if weekday else text


def format_day_range(first: date, last: date, language: str) -> str:
    """Two days as one range, the shared month and year written once: "16–22 Kasım 2026"."""
    months = _MONTHS[language]
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {months[last.month - 1]} {last.year}"
    if first.year == last.year:
        return f"{first.day} {months[first.month - 1]} – {last.day} {months[last.month - 1]} {last.year}"
    return f"{format_date(first, language, weekday=False)} – {format_date(last, language, weekday=False)}"


# Zones a Turkish reader knows as "Türkiye saati" (UTC+3 all year since 2016).
_TURKEY_ZONES = frozenset({"Europe/Istanbul", "Asia/Istanbul", "Turkey"})
_ZONE_NOTES = {
    "tr": ("Saatler Türkiye saatiyle verilmiştir.", "Saatler {zone} saat dilimine göredir."),
    "en": ("Times are Turkey time (UTC+3).", "Times are in the {zone} time zone."),
}


def zone_note(tz: ZoneInfo, language: str) -> str:
    """Which clock the times on a page read: "Türkiye saati", or the zone's name."""
    turkey, other = _ZONE_NOTES[language]
    return turkey if tz.key in _TURKEY_ZONES else other.format(zone=tz.key)


# The locative suffix after a time read aloud: by its last spoken number ("15:00" on beş → 'te,
# "02:30" otuz → 'da), vowel harmony and consonant hardening applied.
_UNITS = {1: "de", 2: "de", 3: "te", 4: "te", 5: "te", 6: "da", 7: "de", 8: "de", 9: "da"}
_TENS = {0: "da", 1: "da", 2: "de", 3: "da", 4: "ta", 5: "de"}


def at_time(moment: datetime, language: str, tz: ZoneInfo) -> str:
    """An instant for a sentence: "19 Kasım 2026 15:00'te" (Turkish needs the suffix), or as is."""
    text = format_datetime(moment, language, tz)
    if language != "tr":
        return f"at {text}" if language == "en" else text
    local = moment.astimezone(tz)
    spoken = local.minute or local.hour  # "15:00" is read "on beş", "02:30" "iki otuz"
    suffix = _UNITS[spoken % 10] if spoken % 10 else _TENS[spoken // 10]
    return f"{text}'{suffix}"


def money(amount: float, language: str, digits: int = 2) -> str:
    """US dollars as the reader writes them: "0,35 $" (decimal comma) or "$0.35"."""
    if language == "tr":
        return f"{amount:.{digits}f}".replace(".", ",") + " $"
    return f"${amount:.{digits}f}"


def count(value: int, language: str) -> str:
    """A whole number with the reader's thousands separator: "10.000" or "10,000"."""
    text = f"{value:,}"
    return text.replace(",", ".") if language == "tr" else text


def number(value: float, language: str) -> str:
    """A short decimal as the reader writes it: "0,005" or "0.005"."""
    text = f"{value:g}"
    return text.replace(".", ",") if language == "tr" else text


def short_day(day: date, language: str) -> str:
    """A chart label: "Pzt 16" / "Mon 16"."""
    return f"{_SHORT_DAYS[language][day.weekday()]} {day.day}"


# Reads, cost and detection latency (report/cost_section.py; templates weekly_cost.*).
COST_WORDS: dict[str, dict[str, str]] = {
    "tr": {
        "heading": "Okumalar ve tahmini maliyet (bu hafta)",
        "account": "Hesap", "requests": "İstek", "posts": "Okunan gönderi",
        "users": "Okunan kullanıcı", "owned": "Kendi hesabı", "cost": "Tahmini maliyet",
        "not_billed": "faturalanmaz",
        "prices": "X fiyatları (ABD doları): gönderi {post}, kullanıcı {user}, kendi hesap "
                  "okuması {owned} (X'in kullandıkça öde tablosu, {as_of} tarihli).",
        "budget_skipped": "{account}: bütçe nedeniyle {n} gönderinin yanıtları okunmadı; bu "
                          "gönderiler hakkında hiçbir sonuç çıkarılmadı.",
        "latency_youtube": "YouTube: {young} günden eski videolarda bekletilen veya kaybolan bir "
                           "yorum ya da kapatılan yorumlar en geç {gap} gün içinde bulunur; daha "
                           "yeni videolarda ertesi gece. Videonun {last}. gününden sonra yorumlar "
                           "yeniden okunmaz.",
        "units": "Kota birimi",
        "quota_skipped": "{account}: kota yetmediği için {n} videonun yorumları okunmadı; "
                         "bunlardan sonuç çıkarılmadı.",
        "quota_project": "{platform} projesi ({accounts}): bu hafta bir günde en çok {n} birim "
                         "harcandı ({day}, Pasifik saatiyle); günlük kota {quota} birim, her gün "
                         "Pasifik saatiyle gece yarısı (saat {reset}) sıfırlanır.",
        "quota_idle": "{platform} projesi ({accounts}): bu hafta kota birimi harcanmadı; günlük "
                      "kota {quota} birim.",
        "quota_shared": " Kotayı projeyi paylaşan {others} başka hesap da kullanır.",
        "latency_graph": "Facebook ve Instagram: {young} günden eski gönderilerde bir silme "
                         "genellikle ertesi gece (yorum sayısı düşer), en geç {gap} gün içinde; bir "
                         "gizleme en geç {gap} gün içinde bulunur. Daha yeni gönderilerde ve ban "
                         "listesinde ertesi gece. Gönderinin {last}. gününden sonra yorumlar "
                         "yeniden okunmaz.",
        "latency_nightly": "Her gönderi ilk {last} günü boyunca her gece yeniden okunur: bir silme, "
                           "gizleme veya yanıt kısıtlaması ertesi gece bulunur; {last}. günden sonra "
                           "yeniden okunmaz.",
        "latency_x": "X: {young} günden eski gönderilerde yanıtların kısıtlanması en geç {gap} "
                     "gün içinde bulunur; daha yeni gönderilerde ertesi gece. Engelleme ve "
                     "sessize alma listeleri {lists} günde bir okunur.",
    },
    "en": {
        "heading": "Reads and estimated cost (this week)",
        "account": "Account", "requests": "Requests", "posts": "Posts read",
        "users": "Users read", "owned": "Owned reads", "cost": "Estimated cost",
        "not_billed": "not billed",
        "prices": "X prices: post ${post}, user ${user}, owned read ${owned} (X's pay-per-use "
                  "table, as of {as_of}).",
        "budget_skipped": "{account}: because of the budget, the replies of {n} posts were not "
                          "read; nothing was inferred about them.",
        "latency_youtube": "YouTube: on videos older than {young} days a held or vanished comment, "
                           "or comments turned off, is found within {gap} days; on younger videos, "
                           "the next night. After day {last} of a video, its comments are not "
                           "read again.",
        "units": "Quota units",
        "quota_skipped": "{account}: the daily quota ran short, so the comments of {n} videos "
                         "were not read; nothing was inferred from them.",
        "quota_project": "{platform} project of {accounts}: at most {n} units spent in one day "
                         "this week ({day}, Pacific time), of a daily quota of {quota}; the quota "
                         "resets at midnight Pacific time ({reset}).",
        "quota_idle": "{platform} project of {accounts}: no units spent this week, of a daily "
                      "quota of {quota}.",
        "quota_shared": " {others} other account(s) share the project and its quota.",
        "latency_graph": "Facebook and Instagram: on posts older than {young} days a deletion is "
                         "usually found the next night (the comment count drops) and at worst "
                         "within {gap} days; a hide within {gap} days. On younger posts and on the "
                         "ban list, the next night. After day {last} of a post, its comments are "
                         "not read again.",
        "latency_nightly": "Every post is re-read every night of its first {last} days: a "
                           "deletion, hide or restriction of replies is found the next night; "
                           "after day {last} it is not read again.",
        "latency_x": "X: on posts older than {young} days a restriction of replies is found "
                     "within {gap} days; on younger posts, the next night. Block and mute lists "
                     "are read every {lists} day(s).",
    },
}
