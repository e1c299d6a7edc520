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
from zoneinfo import ZoneInfo

import matplotlib
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from modaudit.evidence import words
from modaudit.evidence.package import (
    GUIDE_NAME,
    MANIFEST,
    MANIFEST_TOKEN,
    ExportFinding,
    ExportPackage,
    attachment_file,
    comment_file,
)
from modaudit.report.i18n import CLAUSE_2_TR, MANAGERS_DUTY_TR, actor_term, kind_term, term
from modaudit.report.text_safety import visible
from modaudit.store.exported import AttachmentBytes
from modaudit.store.finding_rows import FindingRow
from modaudit.store.timestamps import element_file

RULE_SOURCE = ("Kamu Görevlileri Etik Kurulu, 20.09.2021 tarihli ve 2021/81 sayılı İlke Kararı, "
               "Sosyal Medya Etik İlkeleri, \"Kurumsal sosyal medya hesabının kullanımı\" (2)")
DUTY_SOURCE = "Aynı karar, \"Yöneticilerin Sorumluluğu\" (1)"
PRIVACY = ("Kişisel veri uyarısı: bu paket, yorum yazan kişilerin adlarını, kullanıcı "
           "kimliklerini ve yorum metinlerini içerir (6698 sayılı Kişisel Verilerin Korunması "
           "Kanunu). Yalnızca şikâyet, başvuru veya inceleme amacıyla ve ilgili makamlarla "
           "paylaşın; amacı sona erince silin. Saklama süresi dolduğu için silinmiş metinler "
           "pakette yer almaz; yalnızca SHA-256 özetleri vardır.")
FONT_NOTE = ("[emoji]: yazı tipinin çizemediği bir emoji; metnin tam hâli bulgular.json "
             "dosyasında (yorumlar ve notlar için ayrıca yorumlar/ ve incelemeler/ klasörlerinde) "
             "yer alır.")
_SIZE = "{:,}".format


@functools.cache
def _font() -> str:
    """Register DejaVu Sans (it has every Turkish letter) once; return its name."""
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(fonts / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSansMono", str(fonts / "DejaVuSansMono.ttf")))
    return "DejaVuSans"


@functools.cache
def _glyphs() -> frozenset[int]:
    """The code points DejaVu Sans can draw and a reader can copy (the rest becomes "[emoji]" or
    "[?]"). Beyond U+FFFF reportlab's ToUnicode map keeps 16 bits, so a drawn 😡 would copy as
    U+1F62: those are named too."""
    face = pdfmetrics.getFont(_font()).face  # type: ignore[attr-defined]
    return frozenset(code for code in face.charToGlyph if code <= 0xFFFF)


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
    """User or stored text: what the font cannot draw named, controls made visible, escaped."""
    return escape(visible(words.printable(str(value), _glyphs().__contains__)))


def _subject_flow(finding: ExportFinding, platform: str, tz: ZoneInfo, body: ParagraphStyle,
                  mono: ParagraphStyle) -> list:
    """The comment, the user or the post, each with only what that kind has."""
    row, subject = finding.row, finding.subject
    # The portal's and the report's words for each kind of subject, in the platform's own.
    said = words.words_for("tr", platform, row.subject_id)
    flow: list = []
    if subject == words.QUOTE:
        flow += _quote_flow(row, said, body)
    elif subject == words.USER:
        name = _text(row.subject_name) if row.subject_name is not None else said["no_name"]
        flow.append(Paragraph(f"<b>{said['user_label']}:</b> {name} ({said['id']} "
                              f"{_text(row.subject_id)})", body))
    elif subject == words.POST:
        post = finding.post
        flow.append(Paragraph(f"<b>{said['post_label']}:</b> {_text(row.subject_id)}", body))
        if post is not None and post.created_at is not None:
            flow.append(Paragraph(f"<b>{said['published']}:</b> {words.moment(post.created_at, tz)}",
                                  body))
        if post is not None and post.message:
            flow.append(Paragraph(f"<b>{said['post_text']}:</b> “{_text(post.message)}”", body))
        else:
            flow.append(Paragraph(f"<b>{said['post_text']}:</b> {said['not_stored']}", body))
        setting = words.reply_setting(row.evidence.get("reply_settings"), "tr", platform)
        if setting:
            flow.append(Paragraph(f"<b>{said['reply_setting']}:</b> {setting}", body))
    else:
        author = _text(row.subject_name) if row.subject_name is not None else said["no_author"]
        flow.append(Paragraph(f"<b>{said['author']}:</b> {author}", body))
        if row.text is not None:
            path = comment_file(finding)
            flow.append(Paragraph(f"<b>{said['comment_text']}:</b> “{_text(row.text)}”"
                                  + (f" ({path})" if path else ""), body))
        elif finding.text_digest:
            flow.append(Paragraph(f"<b>{said['comment_text']}:</b> saklama süresi dolduğu için silindi; "
                                  "SHA-256 özeti aşağıda", body))
        else:
            flow.append(Paragraph(f"<b>{said['comment_text']}:</b> {said['not_stored']}", body))
        if finding.text_digest:
            flow.append(Paragraph(f"Metnin SHA-256 özeti: {finding.text_digest}", mono))
        if row.post_id:
            flow.append(Paragraph(f"<b>{said['on_post']}:</b> {_text(row.post_id)}", body))
    if finding.link:
        flow.append(Paragraph(f"<b>Platformdaki yeri:</b> {_text(finding.link)}", body))
    return flow


def _quote_flow(row: FindingRow, said: dict[str, str], body: ParagraphStyle) -> list:
    """A post quoting the account's: its id, its author and text as the audit read them."""
    flow = [Paragraph(f"<b>{said['quote_label']}:</b> {_text(row.subject_id)}", body)]
    author = row.subject_name or row.evidence.get("quote_author")
    for label, value in (("quote_author", author), ("quote_text", row.text)):
        if isinstance(value, str) and value:
            shown = f"“{_text(value)}”" if label == "quote_text" else _text(value)
            flow.append(Paragraph(f"<b>{said[label]}:</b> {shown}", body))
    if row.post_id:
        flow.append(Paragraph(f"<b>{said['quoted_post']}:</b> {_text(row.post_id)}", body))
    return flow


def _limits_flow(package: ExportPackage, styles: dict[str, ParagraphStyle]) -> list:
    """What the platform does not let the audit observe: a clean package is no proof."""
    limits = words.unobservable_on(package.platform)
    if not limits:
        return []
    return [Paragraph("Bu platformda gözlemlenemeyenler", styles["h2"]),
            *(Paragraph(f"• {_text(limit)}", styles["body"]) for limit in limits)]


def _review_flow(finding: ExportFinding, tz: ZoneInfo,
                 styles: dict[str, ParagraphStyle]) -> list:
    """Each review with its note's file, and each attachment packed with it, by file and digest."""
    if not finding.reviews:
        return [Paragraph("<b>İnceleme geçmişi:</b> henüz incelenmedi.", styles["body"])]
    flow: list = [Paragraph("<b>İnceleme geçmişi:</b>", styles["body"])]
    cited: set[int] = set()
    for review in finding.reviews:
        behalf = f" ({_text(review.on_behalf_of)} adına)" if review.on_behalf_of else ""
        flow.append(Paragraph(
            f"• {words.moment(review.reviewed_at, tz)} — {_text(review.reviewed_by)}{behalf}: "
            f"{term(review.old_status, 'tr')} → {term(review.new_status, 'tr')}. Not: "
            f"“{_text(review.note)}” ({review.note_file})", styles["quote"]))
        for item in finding.attachments:
            if item.review_id == review.review_id:
                cited.add(item.id)
                flow += _attachment_flow(item, styles)
    for item in finding.attachments:  # an attachment of no listed review: still packed, named
        if item.id not in cited:
            flow += _attachment_flow(item, styles)
    return flow


def _attachment_flow(item: AttachmentBytes, styles: dict[str, ParagraphStyle]) -> list:
    return [Paragraph(f"Ek: {attachment_file(item)} (yüklendiği adı “{_text(item.filename)}”, "
                      f"{_SIZE(item.size).replace(',', '.')} bayt), SHA-256 özeti:",
                      styles["quote"]),
            Paragraph(item.sha256, styles["mono"])]


def _finding_flow(package: ExportPackage, finding: ExportFinding,
                  styles: dict[str, ParagraphStyle]) -> list:
    row, body, tz = finding.row, styles["body"], package.tz
    what = words.what_happened(package.institution, package.platform, package.account, row.kind,
                               row.subject_id)
    kind = kind_term(row.kind, "tr", package.platform, row.subject_id)
    flow: list = [Paragraph(f"Bulgu {row.id}: {_text(kind)}", styles["h2"]),
                  Paragraph(f"<b>Ne oldu:</b> {_text(what)} İşlemi yapan: "
                            f"{_text(actor_term(row.actor, 'tr', package.platform))}; nasıl tespit edildi: "
                            f"{_text(term(row.source, 'tr'))}.", body),
                  Paragraph(f"<b>Ne zaman:</b> "
                            f"{words.bracket(row.occurred_after, row.occurred_before, tz)}", body),
                  Paragraph(f"<b>Önem:</b> {term(row.severity, 'tr')}; "
                            f"<b>durum:</b> {term(row.status, 'tr')}", body)]
    flow += _subject_flow(finding, package.platform, tz, body, styles["mono"])
    flow += _review_flow(finding, tz, styles)
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
            # The token's own time (genTime), read from the token in the package.
            when = (words.moment(anchor.token_time.gen_time, package.tz) if anchor.token_time
                    else "(damganın zamanı okunamadı)")
            flow.append(Paragraph(
                f"Zaman damgası: {anchor.count}. kayda kadar olan zincir başı {when} "
                f"{_text(anchor.tsa_url)} zaman damgası otoritesince (RFC 3161) damgalandı "
                f"(zincir/{anchor.stem}.tsr; zaman damganın kendi içindeki zamandır).", body))
            flow.append(Paragraph(anchor.head_hash, styles["mono"]))
    else:
        flow.append(Paragraph("Bu kayıtları kapsayan bir zaman damgası henüz yok.", body))
    rows = [["#", "kayıt", "SHA-256"]] + [[str(f.position), f.label[:60], f.hash]
                                          for f in package.files[:60]]
    table = Table(rows, colWidths=[12 * mm, 70 * mm, 95 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "DejaVuSansMono", 6.5),
                               ("GRID", (0, 0), (-1, -1), 0.25, "#d0d5dd")]))
    flow += [Spacer(1, 3 * mm), table, Paragraph(
        "Paketteki her dosya (bu PDF, bulgular.json, ekler, zincir kayıtları, zaman damgaları) "
        f"SHA-256 özetiyle {MANIFEST} listesindedir; liste dışa aktarma sırasında zaman damgası "
        f"otoritesine gönderilir ({MANIFEST_TOKEN}). Doğrulama, modaudit gerekmeden: paketin "
        f"klasöründe <b>sh {GUIDE_NAME}</b> (sha256sum ve openssl ile her adımı yazar; bir dosya "
        "değiştiyse ya da eksikse adını söyler ve başarısız biter).", body)]
    return flow


def _user_texts(package: ExportPackage) -> list[str]:
    """Every text from people outside the export that the PDF quotes."""
    texts = []
    for finding in package.findings:
        row = finding.row
        post_text = finding.post.message if finding.post else None
        texts += [row.text or "", row.subject_name or "", post_text or ""]
        texts += [part for r in finding.reviews for part in (r.note, r.reviewed_by,
                                                               r.on_behalf_of or "")]
        texts += [item.filename for item in finding.attachments]
    return texts


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
                  f"({words.platform_name(package.platform)}); kapsam: {_text(package.scope)}; "
                  f"oluşturulma: {words.moment(package.generated_at, package.tz)}",
                  styles["body"]),
        Paragraph(_text(PRIVACY), styles["notice"]),

    ]
    if any(words.EMOJI in _text(t) for t in _user_texts(package)):
        flow.append(Paragraph(_text(FONT_NOTE), styles["body"]))
    for finding in package.findings:
        flow += _finding_flow(package, finding, styles)
    flow += _limits_flow(package, styles)
    flow += [Paragraph("Kural", styles["h2"]), Paragraph(_text(RULE_SOURCE) + ":", styles["body"]),
             Paragraph(f"“{_text(CLAUSE_2_TR)}”", styles["quote"]),
             Paragraph(_text(DUTY_SOURCE) + ":", styles["body"]),
             Paragraph(f"“{_text(MANAGERS_DUTY_TR)}”", styles["quote"])]
    flow += _proof_flow(package, styles)
    document.build(flow)
    return buffer.getvalue()
