"""The export's PDF, in Turkish (reportlab, DejaVu Sans from matplotlib for Turkish letters).

What a manager or complainant hands over: each finding in words, its time bracket, the comment
or user, the review history, the rule quoted from the decision, the chain proof up to the
nearest anchor, and the privacy notice. All user text goes through reportlab's escaping.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from modaudit.evidence.package import ExportFinding, ExportPackage
from modaudit.report.i18n import CLAUSE_2_TR, MANAGERS_DUTY_TR, format_datetime, term
from modaudit.report.text_safety import visible
from modaudit.store.timestamps import element_file

RULE_SOURCE = ("Kamu Görevlileri Etik Kurulu, 20.09.2021 tarihli ve 2021/81 sayılı İlke Kararı, "
               "Sosyal Medya Etik İlkeleri, \"Kurumsal sosyal medya hesabının kullanımı\" (2)")
DUTY_SOURCE = "Aynı karar, \"Yöneticilerin Sorumluluğu\" (1)"
PRIVACY = ("Kişisel veri uyarısı: bu paket, yorum yazan kişilerin adlarını, kullanıcı "
           "kimliklerini ve yorum metinlerini içerir (6698 sayılı Kişisel Verilerin Korunması "
           "Kanunu). Yalnızca şikâyet, başvuru veya inceleme amacıyla ve ilgili makamlarla "
           "paylaşın; amacı sona erince silin. Saklama süresi ([retention]) dolduğu için silinmiş "
           "metinler pakette yer almaz; yalnızca SHA-256 özetleri vardır.")
_STATUS_TR = {"open": "açık", "justified": "gerekçeli bulundu", "confirmed": "doğrulandı",
              "dismissed": "reddedildi", "closed": "kapandı (işlem geri alındı)"}
_SEVERITY_TR = {"high": "yüksek", "medium": "orta", "low": "düşük", "review": "incelenmeli"}


@functools.cache
def _font() -> str:
    """Register DejaVu Sans (it has every Turkish letter) once; return its name."""
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(fonts / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSansMono", str(fonts / "DejaVuSansMono.ttf")))
    return "DejaVuSans"


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName="DejaVuSans-Bold", fontSize=15, leading=19,
                                spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName="DejaVuSans-Bold", fontSize=12, leading=15,
                             spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5, spaceAfter=3),
        "quote": ParagraphStyle("quote", fontName=font, fontSize=9.5, leading=12.5,
                                leftIndent=8 * mm, spaceAfter=4),
        "mono": ParagraphStyle("mono", fontName="DejaVuSansMono", fontSize=7, leading=9),
        "notice": ParagraphStyle("notice", fontName=font, fontSize=9, leading=12,
                                 borderPadding=4, backColor="#fff4e5", spaceAfter=6),
    }


def _text(value: object) -> str:
    """User or stored text, controls made visible, escaped for reportlab's markup."""
    return escape(visible(str(value)))


def _when(package: ExportPackage, finding: ExportFinding) -> str:
    row, tz = finding.row, package.generated_at.tzinfo
    assert tz is not None
    before = format_datetime(row.occurred_before, "tr", tz)  # type: ignore[arg-type]
    if row.occurred_after is None:
        return f"en geç {before} (UTC)"
    after = format_datetime(row.occurred_after, "tr", tz)  # type: ignore[arg-type]
    return f"{after} ile {before} arasında (UTC)"


def _what(package: ExportPackage, finding: ExportFinding) -> str:
    row = finding.row
    subject = "kullanıcı" if row.kind.startswith("user") else (
        "yorum" if row.kind.startswith(("comment", "reply")) else "gönderi")
    return (f"{package.institution} kurumunun {package.platform} hesabında ({package.account}) "
            f"{subject} {row.subject_id} için şu işlem kaydedildi: {term(row.kind, 'tr')}. "
            f"İşlemi yapan: {term(row.actor, 'tr')}; kaynak: {term(row.source, 'tr')}.")


def _finding_flow(package: ExportPackage, finding: ExportFinding,
                  styles: dict[str, ParagraphStyle]) -> list:
    row, body = finding.row, styles["body"]
    flow: list = [Paragraph(f"Bulgu {row.id}: {_text(term(row.kind, 'tr'))}", styles["h2"]),
                  Paragraph(f"<b>Ne oldu:</b> {_text(_what(package, finding))}", body),
                  Paragraph(f"<b>Zaman aralığı:</b> {_text(_when(package, finding))}", body),
                  Paragraph(f"<b>Önem:</b> {_SEVERITY_TR.get(row.severity, row.severity)}; "
                            f"<b>durum:</b> {_STATUS_TR.get(row.status, row.status)}", body)]
    if row.kind.startswith("user"):
        name = row.subject_name if row.subject_name is not None else "(ad saklanmıyor)"
        flow.append(Paragraph(f"<b>Kullanıcı:</b> {_text(name)} (kimlik {_text(row.subject_id)})",
                              body))
    else:
        author = row.subject_name if row.subject_name is not None else "(silinmiş)"
        flow.append(Paragraph(f"<b>Yorumu yazan:</b> {_text(author)}", body))
        if row.text is not None:
            flow.append(Paragraph(f"<b>Yorum metni:</b> “{_text(row.text)}”", body))
        else:
            flow.append(Paragraph("<b>Yorum metni:</b> saklama süresi dolduğu ya da yazarı "
                                  "sildiği için silindi", body))
        if finding.text_digest:
            flow.append(Paragraph(f"Metnin SHA-256 özeti: {finding.text_digest}", styles["mono"]))
    if finding.reviews:
        flow.append(Paragraph("<b>İnceleme geçmişi:</b>", body))
        for review in finding.reviews:
            flow.append(Paragraph(
                f"• {_text(format_datetime(review.reviewed_at, 'tr', package.generated_at.tzinfo))}"  # type: ignore[arg-type]
                f" — {_text(review.reviewed_by)}: {_STATUS_TR.get(review.old_status, review.old_status)}"
                f" → {_STATUS_TR.get(review.new_status, review.new_status)}. Not: "
                f"{_text(review.note)}", styles["quote"]))
    else:
        flow.append(Paragraph("<b>İnceleme geçmişi:</b> henüz incelenmedi.", body))
    flow.append(Paragraph(
        f"<b>Zincirdeki yeri:</b> {finding.event_position}. kayıt "
        f"(zincir/{element_file(finding.event_position)}), özeti:", body))
    flow.append(Paragraph(finding.event_hash, styles["mono"]))
    return flow


def _proof_flow(package: ExportPackage, styles: dict[str, ParagraphStyle]) -> list:
    body = styles["body"]
    flow: list = [Paragraph("Zincir kanıtı", styles["h2"]), Paragraph(
        f"Bulgunun olayından itibaren {len(package.files)} zincir kaydı pakette "
        "(zincir/ klasörü). Her kaydın SHA-256 özeti zincirdeki değeridir ve her kayıt bir "
        "öncekinin özetini taşır; hesabın zinciri şu an "
        f"{package.head_count} kayıttan oluşuyor.", body)]
    if package.anchors:
        for anchor in package.anchors:
            when = (format_datetime(anchor.stamped_at, "tr", package.generated_at.tzinfo)  # type: ignore[arg-type]
                    if anchor.stamped_at else "?")
            flow.append(Paragraph(
                f"Zaman damgası: {anchor.count}. kayda kadar olan zincir başı {when} (UTC) "
                f"tarihinde {_text(anchor.tsa_url)} zaman damgası otoritesince (RFC 3161) "
                f"damgalandı (zincir/{anchor.stem}.tsr).", body))
            flow.append(Paragraph(anchor.head_hash, styles["mono"]))
    else:
        flow.append(Paragraph("Bu kayıtları kapsayan bir zaman damgası henüz yok.", body))
    rows = [["#", "kayıt", "SHA-256"]] + [[str(f.position), f.label[:60], f.hash]
                                          for f in package.files[:60]]
    table = Table(rows, colWidths=[12 * mm, 70 * mm, 95 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "DejaVuSansMono", 6.5),
                               ("GRID", (0, 0), (-1, -1), 0.25, "#d0d5dd")]))
    flow += [Spacer(1, 3 * mm), table, Paragraph(
        "Adım adım doğrulama, modaudit gerekmeden: DOGRULAMA.txt (sha256sum ve openssl ts "
        "-verify).", body)]
    return flow


def render_pdf(package: ExportPackage) -> bytes:
    """The package's PDF."""
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=f"modaudit kanıt paketi: "
                                 f"{package.account}", author="modaudit",
                                 leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                                 bottomMargin=16 * mm)
    flow: list = [
        Paragraph("Sosyal medya moderasyon kanıtı", styles["title"]),
        Paragraph(f"{_text(package.institution)} — {_text(package.account)} "
                  f"({_text(package.platform)}); kapsam: {_text(package.scope)}; oluşturulma: "
                  f"{package.generated_at:%d.%m.%Y %H:%M} UTC", styles["body"]),
        Paragraph(_text(PRIVACY), styles["notice"]),
    ]
    for finding in package.findings:
        flow += _finding_flow(package, finding, styles)
    flow += [Paragraph("Kural", styles["h2"]), Paragraph(_text(RULE_SOURCE) + ":", styles["body"]),
             Paragraph(f"“{_text(CLAUSE_2_TR)}”", styles["quote"]),
             Paragraph(_text(DUTY_SOURCE) + ":", styles["body"]),
             Paragraph(f"“{_text(MANAGERS_DUTY_TR)}”", styles["quote"])]
    flow += _proof_flow(package, styles)
    document.build(flow)
    return buffer.getvalue()
