"""The report's words for managers: one point in time once, evidence without codes or Unix times,
warnings as sentences with their fix, the Turkish-locale CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from modaudit.report import i18n
from modaudit.report.data import by_severity
from modaudit.report.evidence_view import evidence_lines
from modaudit.report.phrases import warning_sentence
from modaudit.report.render import bracket, findings_csv
from modaudit.store.finding_rows import FindingRow

IST = ZoneInfo("Europe/Istanbul")
AT = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # 13:00 in Istanbul


def _row(**changes: object) -> FindingRow:
    values = dict(id=7, account="valilik-facebook", platform="facebook", institution="Valilik",
                  kind="comment_hidden", subject_id="900_1_5", subject_name=None, text="metin",
                  post_id="900_1", severity="medium", status="open", actor="account",
                  source="webhook", occurred_after=AT, occurred_before=AT, detected_at=AT,
                  reviewed_by=None, review_note=None, evidence={})
    return FindingRow(**{**values, **changes})


def test_a_point_in_time_is_written_once() -> None:
    text = bracket(AT, AT, False, "tr", IST)
    assert text == "18 Kasım 2026 13:00" and "ile" not in text
    assert bracket(AT.replace(hour=8), AT, False, "tr", IST) == \
        "18 Kasım 2026 11:00 ile 18 Kasım 2026 13:00 arasında"


def test_webhook_evidence_reads_in_words_without_ids_digests_or_unix_times() -> None:
    evidence = {"delivery_id": 4242, "body_sha256": "ab" * 32, "received_at": AT.isoformat(),
                "page_id": "900", "verb": "hide", "from_id": "5001",
                "created_time": int(AT.timestamp()),
                "sightings": [{"source": "snapshot_diff", "seen_at": AT.isoformat()}]}
    lines = dict(evidence_lines(_row(evidence=evidence), "tr", IST))
    shown = " ".join(f"{k} {v}" for k, v in lines.items())
    assert lines["Bildirimdeki işlem zamanı"] == "18 Kasım 2026 13:00"
    assert lines["Bildirilen işlem"] == "gizleme"
    assert lines["Başka kaynaklardan doğrulama"] == "iki denetimin karşılaştırması, 18 Kasım 2026 13:00"
    assert lines["İşlemi yapan"] == "kurumun hesabı" and lines["Kaynak"] == "platformun anlık bildirimi"
    for code in ("4242", "abab", str(int(AT.timestamp())), "5001", "{", "T10:00", "delivery"):
        assert code not in shown


def test_lookup_answers_read_as_sentences() -> None:
    gone = {"lookup": {"error": "Graph error 100/33: x", "code": 100, "fbtrace_id": "Zz"}}
    assert dict(evidence_lines(_row(evidence=gone), "tr", IST))["Platformun yanıtı"].startswith(
        "yorum artık yok")
    present = {"lookup": {"id": "900_1_5", "is_hidden": True}}
    assert dict(evidence_lines(_row(evidence=present), "en", IST))["The platform answered"] == \
        "the comment is still there (hidden)"
    youtube = {"lookup": {"kind": "youtube#commentListResponse", "items": []}}
    assert dict(evidence_lines(_row(evidence=youtube), "tr", IST))["Platformun yanıtı"].startswith(
        "yorum artık yok")


def test_collection_warnings_are_sentences_with_the_fix() -> None:
    assert warning_sentence("AuthFailed", 3, "tr") == (
        "Platform erişim belirtecini reddetti; bilgi işlem `modaudit check` çalıştırıp belirteci "
        "yenilemeli. (3 kez)")
    assert "NTP" in warning_sentence("clock_moved_back", 1, "en")
    assert "(new_code)" in warning_sentence("new_code", 1, "tr")


def test_turkish_words_for_managers() -> None:
    labels = i18n.LABELS["tr"]
    assert labels["blocked_now"] == "Engellenmiş kullanıcı" and "engelli" not in labels["blocked"]
    assert labels["title"] == "modaudit haftalık raporu"
    assert i18n.format_day_range(datetime(2026, 11, 16).date(), datetime(2026, 11, 22).date(),
                                 "tr") == "16–22 Kasım 2026"
    assert i18n.format_day_range(datetime(2026, 11, 30).date(), datetime(2026, 12, 6).date(),
                                 "tr") == "30 Kasım – 6 Aralık 2026"
    assert i18n.zone_note(IST, "tr") == "Saatler Türkiye saatiyle verilmiştir."


def test_one_severity_order() -> None:
    rows = [_row(id=1, severity="low"), _row(id=2, severity="review"), _row(id=3, severity="high"),
            _row(id=4, severity="medium")]
    assert [row.severity for row in by_severity(rows)] == ["high", "medium", "review", "low"]


def test_csv_opens_as_columns_in_turkish_excel() -> None:
    data = findings_csv([_row(text="=1+1; ikinci")], IST, "tr", {})
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("Bulgu no;Kurum;Hesap;Platform;Tür;Önem;Durum;Konu;Konu kimliği;"
                             "Yazan / kullanıcı;Metin;")
    (row,) = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["Tür"] == "yorum gizlendi" and row["Önem"] == "orta" and row["Durum"] == "açık"
    assert row["Konu"] == "yorum" and row["Konu kimliği"] == "900_1_5"
    assert row["Yazan / kullanıcı"] == "adı kayıtlı değil"
    assert row["Metin"] == "'=1+1; ikinci"  # the `;` quoted, the formula neutralised
    assert row["Tespit zamanı"] == "18.11.2026 13:00" and row["Ne zaman"] == "18 Kasım 2026 13:00"
    assert row["Bağlantı"] == "https://www.facebook.com/900_1?comment_id=5"


def test_a_missing_name_is_said_in_words_and_the_finding_links_to_its_comment() -> None:
    from modaudit.report.render import render_alert

    _, text, html = render_alert([_row(subject_name=None)], "valilik-facebook", "Valilik", "tr", IST)
    assert "Yorumu yazan: adı kayıtlı değil (yorum kimliği 900_1_5)" in text
    assert "<b>Yorumu yazan:</b> adı kayıtlı değil" in html and "adı bilinmiyor" not in text
    assert "Platformda aç: https://www.facebook.com/900_1?comment_id=5" in text
    assert 'href="https://www.facebook.com/900_1?comment_id=5"' in html
