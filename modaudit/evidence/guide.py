"""DOGRULAMA.txt: how to check an export package with standard tools only (Turkish, then English).

Every line that starts with "$ " is a command, run from the package's folder in the order given
(tests/e2e/evidence/test_export.py runs them literally); the last prints openssl's
"Verification: OK".
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from modaudit.evidence.package import ExportFinding, ExportPackage
from modaudit.report.i18n import format_datetime, term
from modaudit.store.timestamps import element_file

GUIDE_NAME = "DOGRULAMA.txt"
CA, TSA = "tsa/ca.pem", "tsa/tsa.pem"
_UTC = ZoneInfo("UTC")


def comment_file(finding: ExportFinding) -> str | None:
    """Where the package keeps the finding's comment text (None: no text, or it was purged)."""
    row = finding.row
    return f"yorumlar/{row.subject_id}.txt" if row.text is not None and finding.text_digest else None


def _commands(package: ExportPackage) -> list[tuple[str, str, str]]:
    """(command, what it shows in Turkish, in English), in order."""
    steps: list[tuple[str, str, str]] = []
    for anchor in package.anchors:
        steps.append((f"cd zincir && sha256sum -c --ignore-missing {anchor.stem}.sha256",
                      f"zincir/ içindeki her kayıt dosyasının SHA-256 özeti, {anchor.count}. "
                      "kayda kadar zaman damgası alınmış listedeki özetle aynı: her satır "
                      "\"OK\" demeli.",
                      f"each chain file hashes to the value in the list time-stamped up to "
                      f"element {anchor.count}: every line must say \"OK\"."))
    for finding in package.findings:
        path = comment_file(finding)
        if path is None:
            continue
        event_file = f"zincir/{element_file(finding.event_position)}"
        steps.append((f"sha256sum {path}",
                      f"bulgu {finding.row.id}: yorum metninin özeti {finding.text_digest} olmalı.",
                      f"finding {finding.row.id}: the comment text hashes to "
                      f"{finding.text_digest}."))
        steps.append((f"grep -c '\"text_digest\":\"{finding.text_digest}\"' {event_file}",
                      f"bu özet, bulgunun olay kaydında ({event_file}) yazılı: \"1\" çıkmalı.",
                      f"that digest is written in the finding's event record ({event_file}): "
                      "must print \"1\"."))
    steps.append((f"openssl x509 -in {CA} -noout -subject -fingerprint -sha256",
                  "zaman damgası otoritesinin (TSA) kök sertifikası: parmak izini TSA'nın "
                  "yayımladığı değerle karşılaştırın.",
                  "the Time-Stamp Authority's root certificate: compare its fingerprint with "
                  "the one the TSA publishes."))
    for anchor in package.anchors:
        steps.append((f"openssl ts -reply -in zincir/{anchor.stem}.tsr -text",
                      "zaman damgasının içeriği: \"Time stamp:\" satırı TSA'nın verdiği zaman.",
                      "the token's content: the \"Time stamp:\" line is the TSA's time."))
    for anchor in package.anchors:
        steps.append((f"openssl ts -verify -data zincir/{anchor.stem}.sha256 -in "
                      f"zincir/{anchor.stem}.tsr -CAfile {CA}",
                      "TSA'nın imzası ve sertifika zinciri geçerli, damga bu listeyi kapsıyor: "
                      "\"Verification: OK\" yazmalı.",
                      "the TSA's signature and certificate chain are valid and the token covers "
                      "this list: it must print \"Verification: OK\"."))
    return steps


def render_guide(package: ExportPackage) -> str:
    """The full DOGRULAMA.txt."""
    tz_note = "UTC"
    lines = [
        "DOĞRULAMA — modaudit kanıt paketi",
        "=================================",
        f"Hesap: {package.account} ({package.platform}), {package.institution}",
        f"Kapsam: {package.scope}",
        f"Oluşturulma: {package.generated_at:%Y-%m-%d %H:%M:%S} {tz_note}",
        "",
        "Bu paket modaudit olmadan, yalnızca standart araçlarla (sha256sum, grep, openssl)",
        "doğrulanabilir. Aşağıda \"$ \" ile başlayan her satır bir komuttur: paketin klasöründe,",
        "verilen sırayla çalıştırın (\"$ \" işaretini yazmadan).",
        "",
        "Kanıt zinciri: her kayıt dosyasının (zincir/NNNNNNNN.json) SHA-256 özeti zincirdeki",
        "değeridir ve her kayıt bir öncekinin özetini (\"prev\") taşır. anchor-NNNNNNNN.sha256",
        "listesi bağımsız bir zaman damgası otoritesine (RFC 3161) gönderilmiş, .tsr dosyası onun",
        "imzalı yanıtıdır: liste damgalandıktan sonra hiçbir kayıt fark edilmeden değiştirilemez.",
        "",
    ]
    for finding in package.findings:
        row = finding.row
        lines.append(f"Bulgu {row.id}: {term(row.kind, 'tr')} ({row.subject_id}); olay kaydı "
                     f"zincir/{element_file(finding.event_position)}, özeti {finding.event_hash}")
    if not package.anchors:
        lines += ["", "UYARI: bu kayıtları kapsayan bir zaman damgası henüz yok; yalnızca özetler "
                  "ve bağlar denetlenebilir."]
    commands = _commands(package)
    lines += ["", "Adımlar", "-------"]
    for number, (command, turkish, _english) in enumerate(commands, 1):
        lines += [f"{number}. {turkish}", f"$ {command}", ""]
    lines += [
        "ENGLISH",
        "=======",
        f"Account: {package.account} ({package.platform}), {package.institution}; scope: "
        f"{package.scope}; built {format_datetime(package.generated_at, 'en', _UTC)}.",
        "This package can be checked without modaudit, with standard tools only (sha256sum,",
        "grep, openssl). Run the commands of the steps above (the lines starting with \"$ \"),",
        "from the package's folder, in order. Each chain file's SHA-256 is its hash in the",
        "chain; each names the previous one's hash (\"prev\"). The anchor-NNNNNNNN.sha256 list",
        "was time-stamped by an independent RFC 3161 authority; the .tsr file is its signed",
        "answer. What each step shows:",
        "",
    ]
    lines += [f"{number}. {english}" for number, (_, _, english) in enumerate(commands, 1)]
    lines += ["", "Kişisel veri / Personal data: bu paket yorum yazanların kişisel verilerini "
              "içerir (KVKK, 6698); yalnızca", "şikâyet veya inceleme için paylaşın. This package "
              "holds commenters' personal data: share it only", "for the complaint or review."]
    return "\n".join(lines) + "\n"

