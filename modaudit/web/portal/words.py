"""The portal's words in Turkish and English; the finding vocabulary comes from modaudit/report/i18n."""

from __future__ import annotations

from modaudit.report import i18n

WORDS: dict[str, dict[str, str]] = {
    "tr": {
        "app": "modaudit", "overview": "Genel bakış", "findings": "Bulgular", "blocked": "Engellenenler",
        "health": "Veri toplama", "selective": "Seçici moderasyon", "users": "Kullanıcılar",
        "logout": "Çıkış", "login": "Giriş", "email": "E-posta", "password": "Parola",
        "password_again": "Parola (tekrar)", "sign_in": "Giriş yap",
        "bad_login": "E-posta ya da parola yanlış.",
        "throttled": "Çok fazla başarısız giriş denemesi yapıldı. Lütfen 15 dakika sonra yeniden "
                     "deneyin.",
        "set_password": "Parolanızı belirleyin", "save": "Kaydet",
        "password_rules": "En az 12 karakter.", "password_short": "Parola en az 12 karakter olmalı.",
        "password_mismatch": "İki parola aynı değil.",
        "link_invalid": "Bu bağlantı geçersiz, kullanılmış ya da süresi dolmuş. Yöneticinizden yeni "
                        "bir bağlantı isteyin.",
        "password_set": "Parolanız kaydedildi. Giriş yapabilirsiniz.",
        "todo": "Yapılacaklar",
        "todo_how": "Bir bulguyu açıp gerekçeli, ihlal teyit edildi ya da yersiz olarak "
                    "işaretleyin.",
        "health_link": "Veri toplama durumunu göster",
        "account": "Hesap", "last_success": "Son başarılı denetim", "never": "hiç",
        "portal": "Sosyal medya denetimi",
        "open_by_account": "Hesaba göre açık bulgular", "open_by_kind": "Türe göre açık bulgular",
        "open_by_age": "Bekleme süresine göre açık bulgular",
        "age_0": "7 günden az", "age_1": "7–30 gün", "age_2": "30 günden fazla",
        "trend": "Son 12 haftada yeni bulgular", "week_of": "Hafta",
        "all": "Tümü", "search": "Ara", "search_hint": "yorum metni ya da kişi adı",
        "filter": "Filtrele", "since": "Başlangıç", "until": "Bitiş", "csv": "CSV indir",
        "results": "{n} bulgu", "page": "Sayfa {page} / {pages}", "prev": "Önceki", "next": "Sonraki",
        "no_results": "Bu ölçütlere uyan bulgu yok.",
        "what": "Ne oldu", "comment": "Yorum", "author": "Yazar", "user": "Kullanıcı",
        "on_platform": "Platformda aç", "timeline": "Zaman çizelgesi", "technical": "Teknik ayrıntılar",
        "chain_ok": "Bu olayın kanıt zinciri doğrulanıyor (SHA-256).",
        "chain_bad": "Bu olayın kanıt zinciri DOĞRULANMIYOR: {problem}",
        "history": "İnceleme geçmişi", "no_reviews": "Henüz inceleme yok.",
        "review": "İnceleme kaydet", "decision": "Karar", "note": "Not (zorunlu)",
        "decision_help": "Kurumun bu işlemi neden yaptığına bakarak birini seçin; nedenini nota "
                         "yazın.",
        "explain_justified": " — İşlemin geçerli bir nedeni var, kurala aykırı değil. Örnek: "
                             "hakaret, tehdit ya da reklam (spam) içerdiği için gizlenen yorum; "
                             "mahkeme kararıyla kaldırılan içerik.",
        "explain_confirmed": " — İşlem kurala aykırı: yorum ya da kullanıcı geçerli bir neden "
                             "olmadan silindi, gizlendi ya da engellendi. Örnek: yalnızca hizmeti "
                             "eleştirdiği için gizlenen yorum.",
        "explain_dismissed": " — Bulgu yanlış: böyle bir işlem olmadı ya da işlemi kurum yapmadı. "
                             "Örnek: yazarının kendisinin sildiği yorum.",
        "review_refused": "İnceleme kaydedilmedi: aşağıda belirtilen alanı düzeltip yeniden "
                          "kaydedin. Seçtiğiniz karar ve notunuz korundu.",
        "choose_again": "Seçtiğiniz dosyayı ({name}) tarayıcı güvenlik gereği yeniden seçmeniz "
                        "gerekir.",
        "attachment": "Ek (PDF ya da görüntü, en çok {mb} MB; isteğe bağlı)",
        "record": "Kaydet", "reviewed": "İnceleme kaydedildi.",
        "note_required": "Not yazmak zorunludur.", "bad_decision": "Geçerli bir karar seçin.",
        "bad_attachment": "Ek yalnızca PDF, PNG, JPEG, GIF ya da WEBP olabilir (içeriğine bakılır).",
        "too_big": "Ek en çok {mb} MB olabilir.", "read_only": "Bu hesabın bulgularını yalnızca "
        "görüntüleyebilirsiniz.",
        "by": "İnceleyen", "for_whom": "adına", "when": "Ne zaman", "change": "Değişiklik",
        "attachments": "Ekler",
        "since_when": "Ne zamandan beri", "first_seen": "ilk görüldü",
        "observed": "denetimde görüldü: {detail}",
        # {comment}: the platform's word for it (a YouTube comment, a Bluesky or X reply)
        "missing": "eksiksiz alınan {comment} listesinde yoktu",
        "lookup": "{comment} platforma soruldu (toplam {detail} kez)",
        "lookup_present": "platformun cevabı: {comment} hâlâ var",
        "gone": "platformun cevabı: {comment} artık yok", "event": "kaydedildi: {detail}",
        "sighting": "başka bir kaynak da bildirdi: {detail}", "on_list": "{detail} görüldü",
        "unknown": "bilinmiyor", "platform": "Platform", "institution": "Kurum",
        "runs": "Son 7 gün", "last_status": "Son denetim", "users_title": "Portal kullanıcıları",
        "role": "Rol", "institutions": "Kurumlar", "add_user": "Kullanıcı ekle",
        "disable": "Devre dışı bırak",
        "reset": "Yeni bağlantı",
        "disabled": "devre dışı", "active": "etkin", "not_found": "Sayfa bulunamadı.",
        "forbidden": "Bu işlem için yetkiniz yok.", "csrf": "Form süresi dolmuş ya da geçersiz; sayfayı "
        "yenileyip yeniden deneyin.",
        "times_in": "Saatler {zone} saat dilimindedir.", "detected": "Tespit",
        "sentence_comment_deleted": "{account} hesabında {who} adlı kullanıcının yorumu {when} "
                                    "silindi.",
        "sentence_comment_hidden": "{account} hesabında {who} adlı kullanıcının yorumu {when} "
                                   "gizlendi.",
        "sentence_user_blocked": "{account} hesabı {who} adlı kullanıcıyı {when} engelledi.",
        "sentence_user_muted": "{account} hesabı {who} adlı kullanıcıyı {when} sessize aldı.",
        "sentence_replies_restricted": "{account} hesabı bir gönderisinde yanıtları {when} kısıtladı.",
        # Without a name, an id is never written as one ("5003_107 adlı kullanıcı").
        "sentence_comment_deleted_unnamed": "{account} hesabında yazarının adı kayıtlı olmayan "
                                            "bir yorum {when} silindi.",
        "sentence_comment_hidden_unnamed": "{account} hesabında yazarının adı kayıtlı olmayan "
                                           "bir yorum {when} gizlendi.",
        "sentence_user_blocked_unnamed": "{account} hesabı adı bilinmeyen bir kullanıcıyı "
                                         "(kimlik {who}) {when} engelledi.",
        "sentence_user_muted_unnamed": "{account} hesabı adı bilinmeyen bir kullanıcıyı "
                                       "(kimlik {who}) {when} sessize aldı.",
        "sentence_other": "{account} hesabında {when}: {kind}.",
        "sentence_named": "{account} hesabında {when}: {kind} — {who}.",
        "actor_note": "İşlemi yapan: {actor}.", "manager": "yönetici", "auditor": "denetçi",
        "operator": "operatör",
        "password_long": "Parola en çok 1024 karakter olabilir.",
        "link_sent": "{email} adresine tek kullanımlık bağlantı e-postayla gönderildi (48 saat "
                     "geçerli; önceki bağlantılar artık çalışmaz).",
        "link_not_sent": "Bağlantı {email} adresine gönderilemedi ({reason}) ve iptal edildi. "
                         "Sunucuda `modaudit users reset {email}` ile yeni bağlantı oluşturun.",
        "link_mail_subject": "modaudit portalı: parolanızı belirleyin",
        "link_mail_body": "Merhaba,\n\nmodaudit portalında parolanızı belirlemek için aşağıdaki "
                          "bağlantıyı açın. Bağlantı 48 saat geçerlidir ve bir kez kullanılabilir; "
                          "daha önce gönderilen bağlantılar artık çalışmaz.\n\n{link}\n\nBunu siz "
                          "beklemiyorsanız kurumunuzun bilgi işlem birimine haber verin.\n",
    },
    "en": {
        "app": "modaudit", "overview": "Overview", "findings": "Findings", "blocked": "Blocked",
        "health": "Collection", "selective": "Selective moderation", "users": "Users",
        "logout": "Sign out", "login": "Sign in", "email": "Email", "password": "Password",
        "password_again": "Password (again)", "sign_in": "Sign in",
        "bad_login": "Wrong email or password.",
        "throttled": "Too many failed sign-ins. Please try again in 15 minutes.",
        "set_password": "Set your password", "save": "Save",
        "password_rules": "At least 12 characters.",
        "password_short": "The password must have at least 12 characters.",
        "password_mismatch": "The two passwords differ.",
        "link_invalid": "This link is invalid, used or expired. Ask for a new one.",
        "password_set": "Your password is saved. You can sign in.",
        "todo": "To do",
        "todo_how": "Open a finding and mark it justified, confirmed breach or dismissed.",
        "health_link": "Show collection health",
        "account": "Account", "last_success": "Last successful run", "never": "never",
        "portal": "Social media audit",
        "open_by_account": "Open findings by account", "open_by_kind": "Open findings by kind",
        "open_by_age": "Open findings by age", "age_0": "under 7 days", "age_1": "7–30 days",
        "age_2": "over 30 days", "trend": "New findings, last 12 weeks", "week_of": "Week",
        "all": "All", "search": "Search", "search_hint": "comment text or author name",
        "filter": "Filter", "since": "From", "until": "To", "csv": "Download CSV",
        "results": "{n} findings", "page": "Page {page} of {pages}", "prev": "Previous",
        "next": "Next", "no_results": "No finding matches.",
        "what": "What happened", "comment": "Comment", "author": "Author", "user": "User",
        "on_platform": "Open on the platform", "timeline": "Timeline", "technical": "Technical details",
        "chain_ok": "This event's evidence chain verifies (SHA-256).",
        "chain_bad": "This event's evidence chain does NOT verify: {problem}",
        "history": "Review history", "no_reviews": "No review yet.",
        "review": "Record a review", "decision": "Decision", "note": "Note (required)",
        "decision_help": "Choose by why the institution did this; write the reason in the note.",
        "explain_justified": " — The action had a valid reason and keeps the rule. Example: a "
                             "comment hidden for insults, threats or spam; content removed by a "
                             "court order.",
        "explain_confirmed": " — The action breaks the rule: a comment or user was deleted, "
                             "hidden or blocked without a valid reason. Example: a comment hidden "
                             "only for criticising the service.",
        "explain_dismissed": " — The finding is wrong: no such action happened, or the "
                             "institution did not do it. Example: a comment its author deleted.",
        "review_refused": "The review was not recorded: correct the field marked below and "
                          "record it again. Your decision and note were kept.",
        "choose_again": "Choose the file ({name}) again: browsers do not keep it.",
        "attachment": "Attachment (PDF or image, up to {mb} MB; optional)",
        "record": "Record", "reviewed": "Review recorded.",
        "note_required": "A note is required.", "bad_decision": "Choose a valid decision.",
        "bad_attachment": "An attachment must be a PDF, PNG, JPEG, GIF or WEBP (by its content).",
        "too_big": "An attachment may have at most {mb} MB.",
        "read_only": "You can only view this account's findings.",
        "by": "Reviewed by", "for_whom": "for", "when": "When", "change": "Change",
        "attachments": "Attachments",
        "since_when": "Since", "first_seen": "first seen",
        "observed": "seen by an audit ({detail})", "missing": "missing from a complete listing",
        "lookup": "looked up by id ({detail} in all)", "lookup_present": "lookup: still there",
        "gone": "platform: gone", "event": "event recorded: {detail}",
        "sighting": "another source saw it: {detail}", "on_list": "seen on the list ({detail})",
        "unknown": "unknown", "platform": "Platform", "institution": "Institution",
        "runs": "Last 7 days", "last_status": "Last run", "users_title": "Portal users",
        "role": "Role", "institutions": "Institutions", "add_user": "Add user", "disable": "Disable",
        "reset": "New link",
        "disabled": "disabled", "active": "active", "not_found": "Page not found.",
        "forbidden": "You may not do this.",
        "password_long": "The password may have at most 1024 characters.",
        "link_sent": "A one-time link was e-mailed to {email} (valid 48 hours; earlier links no "
                     "longer work).",
        "link_not_sent": "The link could not be e-mailed to {email} ({reason}) and was cancelled. "
                         "Make a new one on the server with `modaudit users reset {email}`.",
        "link_mail_subject": "modaudit portal: set your password",
        "link_mail_body": "Hello,\n\nopen the link below to set your password for the modaudit "
                          "portal. It is valid for 48 hours and works once; links sent earlier no "
                          "longer work.\n\n{link}\n\nIf you did not expect this, tell your "
                          "institution's IT department.\n",
        "csrf": "The form expired or is invalid; reload the page and try again.",
        "times_in": "Times are in the {zone} time zone.", "detected": "Detected",
        "sentence_comment_deleted": "On {account}, a comment by {who} was deleted {when}.",
        "sentence_comment_hidden": "On {account}, a comment by {who} was hidden {when}.",
        "sentence_user_blocked": "{account} blocked {who} {when}.",
        "sentence_user_muted": "{account} muted {who} {when}.",
        "sentence_replies_restricted": "{account} restricted replies to a post {when}.",
        "sentence_comment_deleted_unnamed": "On {account}, a comment whose author's name was not "
                                            "recorded was deleted {when}.",
        "sentence_comment_hidden_unnamed": "On {account}, a comment whose author's name was not "
                                           "recorded was hidden {when}.",
        "sentence_user_blocked_unnamed": "{account} blocked a user whose name is unknown (id {who}) "
                                         "{when}.",
        "sentence_user_muted_unnamed": "{account} muted a user whose name is unknown (id {who}) "
                                       "{when}.",
        "sentence_other": "On {account}, {when}: {kind}.",
        "sentence_named": "On {account}, {when}: {kind} — {who}.",
        "actor_note": "Done by: {actor}.", "manager": "manager", "auditor": "auditor",
        "operator": "operator",
    },
}

# The review form's choices: the weekly report's words for the stored statuses.
DECISIONS = ("justified", "confirmed", "dismissed")


def word(key: str, language: str, **values: object) -> str:
    """A portal word or sentence, blanks filled."""
    text = WORDS[language][key]
    return text.format(**values) if values else text


def term(value: str | None, language: str) -> str:
    """A kind, status, severity, actor or source as the weekly report says it."""
    return i18n.term(value, language)
