"""DOGRULAMA.txt: a POSIX sh script that checks an export package with standard tools only.

`sh DOGRULAMA.txt`, in the package's folder, prints each check's result and exits 0 only if all
pass: every file against PAKET.sha256 (a missing or unlisted file fails), PAKET.sha256 against
its time-stamp token, the chain files against their anchors' manifests and tokens, the links
between them, and each finding's status, text digest, review notes and attachments as the chain
records say them, never as bulgular.json does. It needs sh, sha256sum, openssl, awk, grep and
sed; no modaudit, no python. Every `cd` is inside a subshell. Only values the export chose are
written into the script (numbers, digests, status words, file names it made), never user text,
except in comments where a line break is made visible.
"""

from __future__ import annotations

from modaudit.evidence import words
from modaudit.evidence.package import (
    CA,
    GUIDE_NAME,
    MANIFEST,
    MANIFEST_TOKEN,
    ExportPackage,
    attachment_file,
    comment_file,
)
from modaudit.report.i18n import kind_term
from modaudit.report.text_safety import visible
from modaudit.store.chain import GENESIS
from modaudit.store.timestamps import element_file

__all__ = ["GUIDE_NAME", "render_guide"]

_HEAD = r"""#!/bin/sh
# DOĞRULAMA — modaudit kanıt paketi / verification of a modaudit evidence package
# ===============================================================================
{about}
#
# Bu dosya bir POSIX sh betiğidir. Paketin klasöründe çalıştırın:
#     sh DOGRULAMA.txt
# Her denetimin sonucunu bir satırda yazar (TAMAM / HATA / BİLGİ). Hepsi geçerse 0 ile, biri
# bile geçmezse 1 ile biter; değişen, eksik ya da listede olmayan dosyanın adını söyler.
# Gerekenler: sh, sha256sum, openssl, awk, grep, sed (modaudit ya da python gerekmez).
#
# Ne denetlenir: paketteki her dosya (rapor.pdf, bulgular.json, ekler/, incelemeler/,
# yorumlar/, zincir/, tsa/, bu betik) SHA-256 özetiyle PAKET.sha256 listesindedir; liste,
# dışa aktarma sırasında bağımsız bir zaman damgası otoritesine (RFC 3161) gönderildi ve
# PAKET.tsr onun imzalı yanıtıdır. Zincir kayıtları (zincir/NNNNNNNN.json) hesabın kanıt
# zinciridir: her kaydın SHA-256 özeti zincirdeki değeridir, her kayıt bir öncekinin özetini
# ("prev") taşır; anchor-NNNNNNNN.sha256 listeleri de zaman damgalıdır. Bulgunun durumu,
# yorum metninin özeti, inceleme notları ve ekleri zincir kayıtlarından yeniden çıkarılır.
# Betiğin kendisi de PAKET.sha256 listesindedir; elle denetlemek için:
#     sha256sum -c PAKET.sha256
#     openssl ts -verify -data PAKET.sha256 -in PAKET.tsr -CAfile tsa/ca.pem
# Zaman damgası otoritesinin kök sertifikasının (tsa/ca.pem) parmak izini otoritenin
# yayımladığı değerle karşılaştırın: betik yalnızca yazar.
#
# ENGLISH: a POSIX sh script. Run `sh DOGRULAMA.txt` in the package's folder: it prints each
# check's result and exits 0 only if every check passes, naming any file changed, missing or not
# listed. Every packed file is listed with its SHA-256 in PAKET.sha256, which was time-stamped by
# an RFC 3161 authority at export (PAKET.tsr); the chain files are checked against their
# time-stamped anchors and their links; each finding's status, comment-text digest, review notes
# and attachments are re-derived from the chain records, not taken from bulgular.json. Compare the
# TSA root's fingerprint (printed) with the one the authority publishes.
#
# Kişisel veri / Personal data: bu paket yorum yazanların kişisel verilerini içerir (KVKK,
# 6698); yalnızca şikâyet veya inceleme için paylaşın. It holds commenters' personal data.

set -u
failed=0
pass() {{ printf 'TAMAM  %s\n' "$*"; }}
fail() {{ printf 'HATA   %s\n' "$*"; failed=1; }}
info() {{ printf 'BİLGİ  %s\n' "$*"; }}
digest() {{ sha256sum < "$1" | cut -c1-64; }}
token_time() {{ openssl ts -reply -in "$1" -text 2>/dev/null | sed -n 's/^Time stamp: //p'; }}
status_word() {{
    case $1 in
        open) echo "açık" ;; justified) echo "gerekçeli" ;; confirmed) echo "ihlal teyit edildi" ;;
        dismissed) echo "yersiz" ;; closed) echo "kapandı" ;; *) echo "$1" ;;
    esac
}}

if [ ! -f {manifest} ]; then
    printf '%s\n' "{manifest} yok: betiği paketin klasöründe çalıştırın (sh DOGRULAMA.txt)." \
        "{manifest} not found: run this in the package's folder."
    exit 2
fi

# 1. Her dosya listedeki özetiyle aynı; eksik dosya da hatadır.
#    Every file hashes to its line in {manifest}; a missing file fails too.
if out=$(sha256sum -c {manifest} 2>&1); then
    pass "1. $(wc -l < {manifest} | tr -d ' ') dosyanın SHA-256 özeti {manifest} ile aynı"
else
    fail "1. {manifest} ile uyuşmayan ya da eksik dosyalar / files changed or missing:"
    printf '%s\n' "$out" | grep -v ': OK$' | sed 's/^/         /'
fi

# 2. Klasörde listede olmayan dosya yok (önceki bir paketten kalan ya da sonradan eklenen).
#    No file in the folder that the list does not name.
extra=$(find . -type f | sed 's|^\./||' | awk -v list={manifest} -v token={token} \
    'NR == FNR {{ listed[substr($0, 67)] = 1; next }}
     !($0 in listed) && $0 != list && $0 != token && $0 != token ".sha256"' {manifest} -)
if [ -z "$extra" ]; then
    pass "2. klasördeki her dosya {manifest} listesinde"
else
    fail "2. listede olmayan dosyalar (paketin parçası değil) / files not in the list:"
    printf '%s\n' "$extra" | sed 's/^/         /'
fi

# 3. {manifest} listesi zaman damgalı ve değişmemiş.
#    {manifest} is covered by its time-stamp token.
{token_check}
# 4. Zaman damgası otoritesinin kök sertifikası: parmak izini otoritenin yayımladığıyla karşılaştırın.
if [ -f {ca} ]; then
    info "4. TSA kök sertifikası / TSA root: $(openssl x509 -in {ca} -noout -subject \
-fingerprint -sha256 2>&1 | tr '\n' ' ')"
fi
"""

# The token cannot be listed in the list it covers: {token}.sha256 holds its digest, so that a
# change in its unsigned bytes (which openssl does not check) is named too.
_TOKEN_CHECK = """if [ ! -f {token} ]; then
    fail "3. {token} yok: dışa aktarmada alınan zaman damgası silinmiş / the token is missing"
elif ! sha256sum -c {token}.sha256 > /dev/null 2>&1; then
    fail "3. {token} ya da {token}.sha256 değişmiş ya da eksik / the token's bytes changed"
elif out=$(openssl ts -verify -data {manifest} -in {token} -CAfile {ca} 2>&1); then
    pass "3. {manifest} zaman damgalı ({token}); damganın zamanı: $(token_time {token})"
else
    fail "3. {manifest} ya da {token}: zaman damgası doğrulanmadı / does not verify: $out"
fi
"""
_NO_TOKEN = """info "3. UYARI: {manifest} dışa aktarmada zaman damgası alamadı (TSA yapılandırılmamış ya da \
yanıt vermedi); dosyaların özetleri yalnızca kendi aralarında tutarlı / not time-stamped"
"""

_ANCHOR = """if out=$( (cd zincir && awk -v from={first} 'substr($2, 1, 8) + 0 >= from' \
{stem}.sha256 | sha256sum -c -) 2>&1); then
    pass "5. zincir/{stem}.sha256: {first}.–{count}. kayıtlar damgalı listedeki özetlerle aynı"
else
    fail "5. zincir/{stem}.sha256 ile uyuşmayan ya da eksik kayıtlar / chain files differ:"
    printf '%s\\n' "$out" | grep -v ': OK$' | sed 's/^/         /'
fi
if out=$(openssl ts -verify -data zincir/{stem}.sha256 -in zincir/{stem}.tsr -CAfile {ca} 2>&1)
then
    pass "5. zincir/{stem}.tsr geçerli: {count}. kayda kadar damgalı; damganın zamanı: \
$(token_time zincir/{stem}.tsr)"
else
    fail "5. zincir/{stem}.sha256 ya da zincir/{stem}.tsr: zaman damgası doğrulanmadı: $out"
fi
"""

_TAIL = r"""
# 6. Zincirin bağları: her kayıt bir öncekinin özetini taşır (tek geçişte: binlerce kayıt olabilir).
#    Each chain file names the previous one's hash.
broken=$( {{ sha256sum zincir/[0-9]*.json; echo --
           awk '{{ s = $0; v = "-"
                  while (match(s, /[{{,]"prev":"[0-9a-f]*"/)) {{
                      v = substr(s, RSTART + 9, RLENGTH - 10); s = substr(s, RSTART + RLENGTH) }}
                  print v }}' zincir/[0-9]*.json; }} |
    awk -v first="{first_prev}" '$0 == "--" {{ part = 2; next }}
        part != 2 {{ hash[++n] = $1; name[n] = $2; next }}
        {{ i++; want = (i == 1) ? first : hash[i - 1]
          if (want != "" && $0 != want) print name[i] }}')
if [ -z "$broken" ]; then
    pass "6. zincir/ içindeki {count} kaydın bağları sağlam"
else
    fail "6. bağı kopuk kayıtlar (önceki kaydın özetini taşımıyor) / links broken:"
    printf '%s\n' "$broken" | sed 's/^/         /'
fi

# 7. Bulgular, zincir kayıtlarından yeniden çıkarılmış hâlleriyle (bulgular.json'a güvenmeden).
#    Each finding as the chain records say it, not as bulgular.json does.
#    Dizin / index: dosya, kayıt türü, bulgu, durum, inceleme, not özeti, ek özeti, olay, önceki durum
index=$(awk 'function text(key) {{
        if (!match($0, "[{{,]\"" key "\":\"[^\"]*\"")) return "-"
        return substr($0, RSTART + length(key) + 5, RLENGTH - length(key) - 6) }}
    function number(key,   m) {{
        if (!match($0, "[{{,]\"" key "\":[0-9]+")) return "-"
        return substr($0, RSTART + length(key) + 4, RLENGTH - length(key) - 4) }}
    {{ kind = text("record"); if (kind == "-") next
      print FILENAME, kind, number("finding"), text("status"), number("review"),
          text("note_digest"), text("sha256"), text("event"), text("old_status") }}' \
    zincir/[0-9]*.json)
records() {{ printf '%s\n' "$index" | awk -v id="$1" '$3 == id'; }}
finding() {{  # id, event file, kind, status the package states, comment file or -, reviews
    rows=$(records "$1")
    opened=$(printf '%s\n' "$rows" | awk '$2 == "finding_opened" {{ print $1, $8; exit }}')
    status=$(printf '%s\n' "$rows" | awk '$2 ~ /^finding_(opened|reviewed|closed)$/ {{ s = $4 }}
        END {{ print s }}')
    reviews=$(printf '%s\n' "$rows" | awk '$2 == "finding_reviewed" {{ n++ }} END {{ print n + 0 }}')
    if [ -z "$opened" ]; then
        fail "7. bulgu $1: zincirde açılış kaydı yok / not opened in the chain"
        return
    fi
    if [ "${{opened#* }}" != "$(digest "zincir/$2")" ]; then
        fail "7. bulgu $1: açılış kaydı zincir/$2 olayını göstermiyor / cites another event"
    elif ! grep -q "\"kind\":\"$3\"" "zincir/$2"; then
        fail "7. bulgu $1: zincir/$2 bir $3 olayı değil / the event is of another kind"
    fi
    if [ "$status" = "$4" ] && [ "$reviews" -eq "$6" ]; then
        pass "7. bulgu $1: zincire göre durum $(status_word "$status"), $reviews inceleme \
(pakette yazan)"
    else
        fail "7. bulgu $1: zincire göre durum $(status_word "$status") ve $reviews inceleme; \
paket $(status_word "$4") ve $6 diyor / the package states another status"
    fi
    text=$(sed -n 's/.*[{{,]"text_digest":"\([0-9a-f]*\)".*/\1/p' "zincir/$2")
    if [ "$5" != "-" ]; then
        if [ "$(digest "$5")" = "$text" ]; then
            pass "7. bulgu $1: $5 zincirdeki metin özetiyle aynı ($text)"
        else
            fail "7. bulgu $1: $5 zincirdeki metin özetiyle ($text) aynı değil / text differs"
        fi
    elif [ -n "$text" ]; then
        info "7. bulgu $1: metin pakette yok; zincirdeki özeti $text"
    fi
}}
review() {{  # finding id, review id: the note's file against the chained note digest
    chained=$(records "$1" | awk -v r="$2" '$2 == "finding_reviewed" && $5 == r {{
        print $6, $9, $4; exit }}')
    if [ -z "$chained" ]; then
        fail "7. bulgu $1: inceleme $2 zincirde yok / the review is not in the chain"
    elif [ "$(digest "incelemeler/$2.txt")" = "${{chained%% *}}" ]; then
        set -- "$1" "$2" $chained
        pass "7. bulgu $1, inceleme $2 ($(status_word "$4") → $(status_word "$5")): \
incelemeler/$2.txt zincirdeki not özetiyle aynı"
    else
        fail "7. bulgu $1: incelemeler/$2.txt zincirdeki not özetiyle aynı değil / note differs"
    fi
}}
attachment() {{  # finding id, file: a chained attachment record must carry its SHA-256
    sum=$(digest "$2")
    if records "$1" | awk -v h="$sum" '$2 == "attachment" && $7 == h {{ found = 1 }}
            END {{ exit !found }}'; then
        pass "7. bulgu $1: $2 zincirdeki ek kaydıyla aynı (SHA-256 $sum)"
    else
        fail "7. bulgu $1: $2 zincirdeki hiçbir ek kaydıyla aynı değil / no chained attachment"
    fi
}}
{calls}
if [ "$failed" -eq 0 ]; then
    printf '%s\n' "SONUÇ: paket doğrulandı. / RESULT: the package verifies."
    exit 0
fi
printf '%s\n' "SONUÇ: paket DOĞRULANMADI (HATA satırlarına bakın). / RESULT: it does NOT verify."
exit 1
"""


def _comment(text: str) -> str:
    """A value inside a `#` line: no line break can end the comment."""
    return visible(text, keep="")


def _about(package: ExportPackage) -> str:
    lines = [f"Hesap / account: {package.account} ({words.platform_name(package.platform)}), "
             f"{package.institution}",
             f"Kapsam / scope: {package.scope}",
             f"Oluşturulma / built: {words.moment(package.generated_at, package.tz)}"]
    for finding in package.findings:
        row = finding.row
        kind = kind_term(row.kind, "tr", package.platform, row.subject_id)
        lines.append(f"Bulgu {row.id}: {kind} ({row.subject_id}); olay kaydı "
                     f"zincir/{element_file(finding.event_position)}")
    return "\n".join(f"# {_comment(line)}" for line in lines)


def _quoted(value: object) -> str:
    """A shell word: every value here is the export's own (digits, [a-z_], digests, its names)."""
    return f"'{value}'"


def _calls(package: ExportPackage) -> str:
    calls = []
    for finding in package.findings:
        row = finding.row
        calls.append(" ".join(["finding", str(row.id), element_file(finding.event_position),
                               row.kind, row.status, _quoted(comment_file(finding) or "-"),
                               str(len(finding.reviews))]))
        calls += [f"review {row.id} {review.review_id}" for review in finding.reviews]
        calls += [f"attachment {row.id} {_quoted(attachment_file(item))}"
                  for item in finding.attachments]
    return "\n".join(calls)


def _first_prev(package: ExportPackage) -> str:
    """How the script finds the hash the first packed record must name: the genesis, or the line
    for the position before it in a time-stamped manifest (empty: nothing to compare with)."""
    first = package.files[0].position if package.files else 1
    if first == 1:
        return GENESIS
    return (f"$(cat zincir/anchor-*.sha256 2>/dev/null | awk -v p={first - 1} "
            "'substr($2, 1, 8) + 0 == p { print $1; exit }')")


def render_guide(package: ExportPackage, stamped: bool) -> str:
    """The full DOGRULAMA.txt; `stamped`: PAKET.tsr is expected beside PAKET.sha256."""
    names = {"manifest": MANIFEST, "token": MANIFEST_TOKEN, "ca": CA}
    check = (_TOKEN_CHECK if stamped else _NO_TOKEN).format(**names)
    script = _HEAD.format(about=_about(package), token_check=check, **names)
    first = package.files[0].position if package.files else 1
    script += "\n# 5. Zincir kayıtları zaman damgalı listelerle aynı. / Chain files against their " \
              "time-stamped lists.\n"
    for anchor in package.anchors:
        script += _ANCHOR.format(first=first, stem=anchor.stem, count=anchor.count, ca=CA)
    if not package.anchors:
        script += ('info "5. bu kayıtları kapsayan bir zincir zaman damgası henüz yok; '
                   f'{MANIFEST_TOKEN} paketin tamamını kapsar"\n')
    return script + _TAIL.format(first_prev=_first_prev(package), count=len(package.files),
                                 calls=_calls(package))
