"""The weekly report's longer words: the severity legend, collection warnings as sentences with
their fix, evidence labels, and the CSV's column headers, in Turkish and English."""

from __future__ import annotations

from modaudit import platforms
from modaudit.report import subjects

# One visible order everywhere (report/data.SEVERITIES), each with what it means.
SEVERITY_LEGEND: dict[str, dict[str, str]] = {
    "tr": {
        "high": "Bir kullanıcı engellendi ya da hesap bir yorumu sildi: önce bunları inceleyin.",
        "medium": "Bir yorum gizlendi ya da bir gönderinin yanıtları kısıtlandı.",
        "review": "Bir yorum kayboldu; sayfanın mı, yazarının mı, platformun mu kaldırdığı "
                  "bilinmiyor. Ya da hesap, gönderisini alıntılayan bir gönderiyi ayırdı "
                  "(Bluesky): bir tacizi mi, bir eleştiriyi mi uzaklaştırdığına siz karar verin.",
        "low": "Bir kullanıcı sessize alındı (yorumları yalnızca hesaba görünmez).",
    },
    "en": {
        "high": "A user was blocked, or the account deleted a comment: review these first.",
        "medium": "A comment was hidden, or a post's replies were restricted.",
        "review": "A comment disappeared; whether the page, its author or the platform removed "
                  "it is unknown. Or the account detached a post quoting its own (Bluesky): "
                  "whether that shed abuse or criticism is for you to judge.",
        "low": "A user was muted (their comments are hidden from the account only).",
    },
}

# Collection warning codes (runs.warnings) as sentences a manager can pass on, with the fix.
_WARNINGS: dict[str, dict[str, str]] = {
    "tr": {
        "AuthFailed": "Platform erişim belirtecini reddetti; bilgi işlem `modaudit check` "
                      "çalıştırıp belirteci yenilemeli.",
        "RateLimited": "Platform istek sınırına ulaşıldı; denetim sonraki gece sürer.",
        "NotFound": "Hesap platformda bulunamadı; yapılandırmadaki account_id denetlenmeli.",
        "PlatformError": "Platforma ulaşılamadı ya da yanıtı okunamadı; bilgi işlem ağ ve vekil "
                         "sunucu (proxy) ayarlarını denetlemeli.",
        "config": "Yapılandırma ya da gizli anahtar eksik; bilgi işlem `modaudit check` "
                  "çalıştırmalı.",
        "interrupted": "Denetim, hizmet durdurulduğu için yarıda kaldı; sonraki gece yinelenir.",
        "permission_missing": "Belirtecin bir izni eksik (sayfada MODERATE görevi); bazı "
                              "yorumlar karşılaştırılamadı.",
        "posts_incomplete": "Gönderi listesi tam alınamadı; silme sonucu çıkarılmadı.",
        "listing_incomplete": "Bazı gönderilerin yorumları tam alınamadı; bu gönderilerde silme "
                              "sonucu çıkarılmadı.",
        "blocked_incomplete": "Engellenenler listesi tam alınamadı; engel kaldırma sonucu "
                              "çıkarılmadı.",
        "muted_incomplete": "Sessize alınanlar listesi tam alınamadı.",
        "field_problem": "Platformun yanıtında beklenen bir alan eksikti; o liste tam sayılmadı.",
        "partial_errors": "Platform bazı yanıtlarda hata bildirdi; kimi adlar eksik olabilir.",
        "lookup_failed": "Kaybolan bir yorumun sorgusu başarısız oldu; sonraki gece yinelenir.",
        "lookups_deferred": "Sorgu sınırı doldu; kalan yorumlar sonraki gece sorgulanır.",
        "confirm_skipped": "Bir doğrulama bu gece yapılamadı; sonraki gece yinelenir.",
        "list_check_failed": "Bir kullanıcının liste durumu sorgulanamadı; sonraki gece "
                             "yinelenir.",
        "listing_glitch": "Platform bir kez eksik liste verdi; yanlış sonuç çıkarılmadı.",
        "list_glitch": "Platform bir kez eksik liste verdi; yanlış sonuç çıkarılmadı.",
        "visibility_glitch": "Bir yorumun görünürlüğü tutarsız okundu; sonuç çıkarılmadı.",
        "clock_moved_back": "Sunucu saati geri gitti; denetim reddedildi. Bilgi işlem saat "
                            "eşitlemesini (NTP) denetlemeli.",
        "account_busy": "Hesap başka bir denetimde olduğu için atlandı.",
        "db_lock_timeout": "Veritabanı kilidi beklenirken süre doldu; sonraki denetim yineler.",
        "db_statement_timeout": "Bir veritabanı sorgusu çok uzun sürdü; sonraki denetim yineler.",
        "store_failed": "Toplanan veriler kaydedilemedi; bilgi işlem veritabanını denetlemeli.",
        "youtube_quota": "YouTube'un günlük kotası doldu; kalan videoların yorumları okunmadı ve "
                         "onlardan sonuç çıkarılmadı. Kota Pasifik saatiyle gece yarısı sıfırlanır.",
        "internal_error": "Beklenmeyen bir hata oluştu; bilgi işlem günlükleri incelemeli.",
    },
    "en": {
        "AuthFailed": "The platform refused the access token; IT should run `modaudit check` "
                      "and renew it.",
        "RateLimited": "The platform's request limit was reached; the audit goes on next night.",
        "NotFound": "The account was not found on the platform; check account_id in the "
                    "configuration.",
        "PlatformError": "The platform could not be reached or its answer not read; IT should "
                         "check the network and proxy settings.",
        "config": "A configuration key or secret is missing; IT should run `modaudit check`.",
        "interrupted": "The audit stopped because the service was stopped; it runs again next "
                       "night.",
        "permission_missing": "The token lacks a permission (the Page's MODERATE task); some "
                              "comments could not be compared.",
        "posts_incomplete": "The post list was incomplete; no deletion was inferred.",
        "listing_incomplete": "Some posts' comments were listed incompletely; no deletion was "
                              "inferred on them.",
        "blocked_incomplete": "The block list was incomplete; no unblock was inferred.",
        "muted_incomplete": "The mute list was incomplete.",
        "field_problem": "A field was missing from the platform's answer; that list did not count "
                         "as complete.",
        "partial_errors": "The platform reported errors in some answers; some names may be "
                          "missing.",
        "lookup_failed": "Looking up a missing comment failed; it is retried next night.",
        "lookups_deferred": "The lookup budget was used up; the rest are looked up next night.",
        "confirm_skipped": "A confirmation could not be made tonight; it is retried next night.",
        "list_check_failed": "A user's list status could not be checked; retried next night.",
        "listing_glitch": "The platform once gave an incomplete list; nothing was inferred from it.",
        "list_glitch": "The platform once gave an incomplete list; nothing was inferred from it.",
        "visibility_glitch": "A comment's visibility read inconsistently; nothing was inferred.",
        "clock_moved_back": "The server clock moved back; the audit was refused. IT should check "
                            "time synchronisation (NTP).",
        "account_busy": "The account was skipped: another audit of it was running.",
        "db_lock_timeout": "A database lock wait timed out; the next audit retries.",
        "db_statement_timeout": "A database query ran too long; the next audit retries.",
        "store_failed": "What was collected could not be stored; IT should check the database.",
        "youtube_quota": "YouTube's daily quota ran out; the remaining videos' comments were not "
                         "read and nothing was inferred from them. The quota resets at midnight "
                         "Pacific time.",
        "internal_error": "An unexpected error occurred; IT should read the logs.",
    },
}
_UNKNOWN_WARNING = {"tr": "Denetimde bir sorun kaydedildi ({code}); ayrıntı için bilgi işleme "
                          "danışın.",
                    "en": "A problem was recorded during the audit ({code}); ask IT for details."}
_TIMES = {"tr": "{sentence} ({count} kez)", "en": "{sentence} ({count} times)"}


def warning_sentence(code: str, count: int, language: str, platform: str | None = None) -> str:
    """A collection warning code as a sentence with its fix, and how often it happened; in the
    words of the account's `platform` where it has its own (a YouTube channel's videos)."""
    described = platforms.REGISTRY.get(platform or "")
    sentence = ((described.warning(language, code) if described else None)
                or _WARNINGS[language].get(code) or _UNKNOWN_WARNING[language].format(code=code))
    return sentence if count == 1 else _TIMES[language].format(sentence=sentence, count=count)


# Evidence keys a manager may read in "Teknik ayrıntılar", in words (others are left out).
EVIDENCE_LABELS: dict[str, dict[str, str]] = {
    "tr": {"first_seen_at": "İlk görüldü", "last_seen_at": "Son görüldü",
           "missing_since": "Listede görünmediği ilk zaman", "confirmed_at": "Doğrulandı",
           "last_complete_listing_at": "Son tam listeleme", "seen_hidden_at": "Gizli görüldü",
           "seen_visible_at": "Görünür görüldü", "last_seen_before": "Önceki görülme",
           "seen_on_list_at": "Listede görüldü", "previous_complete_fetch": "Önceki tam liste",
           "missing_from_list_at": "Listeden çıktığı zaman", "lookup": "Platformun yanıtı",
           "previously": "Önceki durum", "present_at": "Sorguda hâlâ vardı",
           "lookups": "Sorgu sayısı", "confirmed_by": "Nasıl doğrulandı",
           "received_at": "Bildirimin geldiği zaman", "created_time": "Bildirimdeki işlem zamanı",
           "verb": "Bildirilen işlem", "reply_settings": "Yanıt ayarı",
           "clock_skew": "Saat farkı düzeltmesi", "sightings": "Başka kaynaklardan doğrulama"},
    "en": {"first_seen_at": "First seen", "last_seen_at": "Last seen",
           "missing_since": "First missing from the list", "confirmed_at": "Confirmed",
           "last_complete_listing_at": "Last complete listing", "seen_hidden_at": "Seen hidden",
           "seen_visible_at": "Seen visible", "last_seen_before": "Seen before",
           "seen_on_list_at": "Seen on the list", "previous_complete_fetch": "Previous complete list",
           "missing_from_list_at": "Gone from the list", "lookup": "The platform answered",
           "previously": "Previously", "present_at": "Still there at a lookup",
           "lookups": "Lookups", "confirmed_by": "Confirmed by",
           "received_at": "Notification received", "created_time": "Time given in the notification",
           "verb": "Action notified", "reply_settings": "Reply setting",
           "clock_skew": "Clock correction", "sightings": "Corroborated by"},
}
VALUE_WORDS: dict[str, dict[str, str]] = {
    "tr": {"gone": "yorum artık yok (platform \"bulunamadı\" dedi)", "present": "yorum hâlâ var",
           "hide": "gizleme", "unhide": "yeniden gösterme", "remove": "kaldırma",
           "lookup": "platforma yapılan sorgu", "second_observation": "ikinci gözlem",
           "everyone": "herkes", "following": "takip edilenler", "mentionedUsers": "anılanlar",
           "subscribers": "aboneler", "verified": "onaylı hesaplar",
           "webhook": "platformun anlık bildirimi",
           "snapshot_diff": "iki denetimin karşılaştırması"},
    "en": {"gone": "the comment no longer exists (the platform said \"not found\")",
           "present": "the comment is still there", "hide": "hide", "unhide": "unhide",
           "remove": "removal", "lookup": "lookup by id", "second_observation": "a second observation",
           "everyone": "everyone", "following": "people followed", "mentionedUsers": "mentioned users",
           "subscribers": "subscribers", "verified": "verified accounts",
           "webhook": "webhook notification", "snapshot_diff": "comparison of two audits"},
}

# The CSV attachment's columns, in order, with Turkish-locale headers (Excel shows these). The
# subject's columns are the portal CSV's (report/subjects.py): a comment, a user or a post.
_S = subjects.WORDS
CSV_HEADERS: dict[str, tuple[tuple[str, str], ...]] = {
    "tr": (("id", "Bulgu no"), ("institution", "Kurum"), ("account", "Hesap"),
           ("platform", "Platform"), ("kind", "Tür"), ("severity", "Önem"), ("status", "Durum"),
           ("subject", _S["tr"]["subject_head"]), ("subject_id", _S["tr"]["subject_id_head"]),
           ("person", _S["tr"]["person_head"]), ("text", _S["tr"]["text_head"]),
           ("when", "Ne zaman"), ("detected_at", "Tespit zamanı"),
           ("actor", "İşlemi yapan"), ("source", "Kaynak"), ("reviewed_by", "İnceleyen"),
           ("review_note", "İnceleme notu"), ("link", "Bağlantı"),
           ("published_at", _S["tr"]["published_head"]), ("setting", _S["tr"]["setting_head"])),
    "en": (("id", "Finding"), ("institution", "Institution"), ("account", "Account"),
           ("platform", "Platform"), ("kind", "Kind"), ("severity", "Severity"),
           ("status", "Status"), ("subject", _S["en"]["subject_head"]),
           ("subject_id", _S["en"]["subject_id_head"]), ("person", _S["en"]["person_head"]),
           ("text", _S["en"]["text_head"]), ("when", "When"), ("detected_at", "Detected"),
           ("actor", "Actor"), ("source", "Source"), ("reviewed_by", "Reviewed by"),
           ("review_note", "Review note"), ("link", "Link"),
           ("published_at", _S["en"]["published_head"]), ("setting", _S["en"]["setting_head"])),
}
