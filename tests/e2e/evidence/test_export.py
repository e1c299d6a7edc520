"""`modaudit export`: the PDF and JSON say only what happened, in the portal's words.

The PDF's text is read back with pdftotext (poppler-utils), as a complainant's reader would show
it: each finding kind's own words and no other kind's, the review's attachment named with its
digest, times in Türkiye saati, an instant as an instant, and an emoji the font lacks as [emoji].
The package's own proof (DOGRULAMA.txt) is tested in test_export_package.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from modaudit import jobs
from modaudit.cli import cli
from modaudit.store.schema import Comment, Finding
from tests.support.evidence_world import (
    COURT_ORDER,
    POST_TEXT,
    REVIEW_NOTE,
    EvidenceWorld,
    add_muted_user,
    add_restricted_post,
    evidence_world,
    review_with_court_order,
)
from tests.support.stored_runs import at

REQUIRE_TOOLS = bool(os.environ.get("MODAUDIT_REQUIRE_BROWSER"))
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None and not REQUIRE_TOOLS,
                                     reason="pdftotext (Debian poppler-utils) is not installed")

# What each subject shows (a kind shows its own subject's words and no other subject's), and
# each kind's own sentence and facts.
SUBJECT_WORDS = {"comment": ("Yorumu yazan:", "Yorum metni:"), "user": ("Kullanıcı:",),
                 "post": ("Gönderi metni:", "Yayımlandığı zaman:", "Yanıt ayarı:")}
KIND_WORDS = {
    "comment_hidden": ("comment", "bir yorum gizlendi", "Valilik yolu kapattı, ayıp!"),
    "comment_deleted": ("comment", "bir yorum silindi", "Su kesintisi ne zaman bitecek?",
                        "(yorumlar/c2.txt)"),
    "user_blocked": ("user", "bir kullanıcı engellendi", "Kullanıcı: adı bilinmiyor (kimlik u1)"),
    "user_muted": ("user", "bir kullanıcı sessize alındı",
                   "Kullanıcı: adı bilinmiyor (kimlik u2)"),
    "replies_restricted": ("post", "bir gönderiye yanıt verilmesi kısıtlandı", "Gönderi: p2",
                           "Köprü açılışı yarın [emoji] saat 10'da ❤ herkesi bekleriz [emoji]”",
                           "Yanıt ayarı: yalnızca hesabın takip ettikleri yanıtlayabilir",
                           "Yayımlandığı zaman: 1 Mart 2026 05:30 (Türkiye saati)"),
}
# What a printed code or a false statement would look like.
NEVER = ("(silinmiş)", "saklama süresi dolduğu", "UTC", "facebook hesabında", "event ",
         "record ", "user_blocked", "finding_opened", "doğrulandı", "gerekçeli bulundu",
         "[retention]")


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[EvidenceWorld]:
    with evidence_world(db_url, tmp_path) as world:
        yield world


def finding_id(world: EvidenceWorld, kind: str) -> int:
    with world.session() as session:
        return session.scalars(select(Finding.id).where(Finding.kind == kind)).one()


def export(world: EvidenceWorld, out: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(world.config_path), "export", *args,
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return " ".join(text.split())  # lines wrap at the page's width


@needs_pdftotext
@pytest.mark.parametrize("kind", sorted(KIND_WORDS))
def test_each_kind_says_what_happened_to_what_and_nothing_else(world: EvidenceWorld,
                                                               tmp_path: Path, kind: str) -> None:
    add_restricted_post(world.engine)
    add_muted_user(world.engine)
    package = tmp_path / "paket"
    export(world, package, "--finding", str(finding_id(world, kind)))
    flat = pdf_text(package / "rapor.pdf")
    subject, sentence, *facts = KIND_WORDS[kind]
    for words in [*SUBJECT_WORDS[subject], sentence, *facts]:
        assert words in flat, words
    others = [w for other, own in SUBJECT_WORDS.items() if other != subject for w in own]
    others += [words[1] for other, words in KIND_WORDS.items() if other != kind]
    if subject == "user":  # a list entry is about no post
        others.append("Gönderi")
    for words in [*others, *NEVER]:
        assert words not in flat, words
    assert "Test Valiliği kurumunun Facebook hesabında (valilik)" in flat
    exported = json.loads((package / "bulgular.json").read_text(encoding="utf-8"))
    [finding] = exported["findings"]
    assert finding["subject"]["type"] == subject
    assert finding["what"].endswith(sentence + ".")
    if kind == "replies_restricted":  # the post's exact text, emoji and all
        assert finding["subject"]["text"] == POST_TEXT and "author" not in finding["subject"]


@needs_pdftotext
def test_status_words_times_and_instants_are_the_portals(world: EvidenceWorld,
                                                          tmp_path: Path) -> None:
    add_restricted_post(world.engine)
    package = tmp_path / "paket"
    export(world, package, "--account", "valilik", "--since", "2026-03-01", "--until",
           "2026-03-31")
    flat = pdf_text(package / "rapor.pdf")
    # The webhook-like instant at(30) = 2026-03-03 08:30 UTC, 11:30 in Istanbul: no range.
    assert "Ne zaman: 3 Mart 2026 11:30 (Türkiye saati)" in flat
    assert "3 Mart 2026 11:30 ile 3 Mart 2026 11:30" not in flat
    # A bracket stays a range (the deletion: between the two audits), the zone named once.
    assert "Ne zaman: 2 Mart 2026 05:30 ile 3 Mart 2026 05:30 arasında (Türkiye saati)" in flat
    assert "durum: ihlal teyit edildi" in flat and "açık → ihlal teyit edildi" in flat
    assert "olay 2: kullanıcı engellendi (u1)" in flat and "bulgu açıldı (bulgu 1)" in flat
    # An emoji DejaVu Sans draws stays; one it lacks is named (its skin tone with it), and the
    # note says so.
    assert "❤ herkesi bekleriz [emoji]”" in flat and "🌉" not in flat and "🏽" not in flat
    assert "[emoji]: yazı tipinin çizemediği" in flat
    for words in NEVER:
        assert words not in flat, words


@needs_pdftotext
def test_the_review_attachment_travels_with_its_digest(world: EvidenceWorld,
                                                        tmp_path: Path) -> None:
    blocked = finding_id(world, "user_blocked")
    review_with_court_order(world.engine, blocked)
    out = tmp_path / "paket.zip"
    export(world, out, "--finding", str(blocked))
    digest = hashlib.sha256(COURT_ORDER).hexdigest()
    with zipfile.ZipFile(out) as archive:
        packed = [n for n in archive.namelist() if n.startswith("ekler/")]
        assert packed == ["ekler/ek-1.pdf"] and archive.read(packed[0]) == COURT_ORDER
        exported = json.loads(archive.read("bulgular.json"))
        (tmp_path / "rapor.pdf").write_bytes(archive.read("rapor.pdf"))
        notes = {n: archive.read(n).decode() for n in archive.namelist()
                 if n.startswith("incelemeler/")}
    [attachment] = exported["findings"][0]["attachments"]
    assert attachment["file"] == "ekler/ek-1.pdf" and attachment["sha256"] == digest
    assert attachment["uploaded_as"] == "mahkeme-karari.pdf"
    assert REVIEW_NOTE in notes.values()
    flat = pdf_text(tmp_path / "rapor.pdf")
    # The review that cites "karar ekte" is followed by the file it means, and its digest.
    review_at = flat.index(REVIEW_NOTE)
    assert flat.index("Ek: ekler/ek-1.pdf (yüklendiği adı “mahkeme-karari.pdf”") > review_at
    assert digest in flat and "Vali Yardımcısı adına" in flat
    assert "ihlal teyit edildi → gerekçeli" in flat


def test_purged_text_stays_purged_and_its_digest_still_verifies(world: EvidenceWorld,
                                                                tmp_path: Path) -> None:
    with world.session() as session, session.begin():
        session.execute(update(Comment).where(Comment.platform_id == "c2")
                        .values(message=None, author_name=None, raw=None))
    package = tmp_path / "paket"
    export(world, package, "--finding", str(finding_id(world, "comment_deleted")))
    everything = b"".join(p.read_bytes() for p in package.rglob("*") if p.is_file())
    assert b"Su kesintisi" not in everything and not (package / "yorumlar").exists()
    exported = json.loads((package / "bulgular.json").read_text(encoding="utf-8"))
    assert exported["findings"][0]["text"] is None and exported["findings"][0]["text_digest"]
    assert jobs.verify(world.config).problems == []
    done = subprocess.run(["sh", "DOGRULAMA.txt"], cwd=package, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout
    assert f"metin pakette yok; zincirdeki özeti {exported['findings'][0]['text_digest']}" \
        in done.stdout


def test_export_needs_a_finding_or_an_account_period(world: EvidenceWorld, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(world.config_path), "export", "--out",
                                      str(tmp_path / "x")])
    assert result.exit_code == 2 and "--finding" in result.output
    result = CliRunner().invoke(cli, ["--config", str(world.config_path), "export", "--finding",
                                      "999", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "no finding with id 999" in result.output
    assert at(0)  # the store's clock is the support module's
