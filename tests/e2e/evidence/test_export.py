"""`modaudit export`: a package a complainant can check with standard tools only.

DOGRULAMA.txt is run literally, command by command, as a reader would; the PDF's text is read
back with pdftotext (poppler-utils) and must state the finding's facts in Turkish.
"""

from __future__ import annotations

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
from tests.support.evidence_world import EvidenceWorld, evidence_world
from tests.support.stored_runs import at

REQUIRE_TOOLS = bool(os.environ.get("MODAUDIT_REQUIRE_BROWSER"))


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[EvidenceWorld]:
    with evidence_world(db_url, tmp_path) as world:
        yield world


def finding_id(world: EvidenceWorld, kind: str) -> int:
    with world.session() as session:
        return session.scalars(select(Finding.id).where(Finding.kind == kind)).one()


def export(world: EvidenceWorld, out: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["--config", str(world.config_path), "export", *args,
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output


def commands(guide: str) -> list[str]:
    return [line[2:] for line in guide.splitlines() if line.startswith("$ ")]


def test_dogrulama_run_literally_ends_in_verification_ok(world: EvidenceWorld,
                                                          tmp_path: Path) -> None:
    deleted = finding_id(world, "comment_deleted")
    package = tmp_path / "paket"
    export(world, package, "--finding", str(deleted))
    guide = (package / "DOGRULAMA.txt").read_text(encoding="utf-8")
    assert "ENGLISH" in guide and "sha256sum" in guide
    steps = commands(guide)
    assert steps and steps[-1].startswith("openssl ts -verify")
    for command in steps:  # each as written, from the package's folder, in a fresh shell
        done = subprocess.run(command, shell=True, cwd=package, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
        if command.startswith("cd zincir && sha256sum"):
            assert "FAILED" not in done.stdout and ": OK" in done.stdout
    assert done.stdout.strip().endswith("Verification: OK")
    exported = json.loads((package / "bulgular.json").read_text(encoding="utf-8"))
    assert [f["id"] for f in exported["findings"]] == [deleted]
    assert exported["anchors"] and exported["findings"][0]["text"] == "Su kesintisi ne zaman bitecek?"


def test_a_tampered_package_fails_its_own_procedure(world: EvidenceWorld, tmp_path: Path) -> None:
    package = tmp_path / "paket"
    export(world, package, "--finding", str(finding_id(world, "comment_deleted")))
    event_file = next(p for p in sorted((package / "zincir").glob("0*.json"))
                      if b"comment_deleted" in p.read_bytes())
    event_file.write_bytes(event_file.read_bytes().replace(b"account", b"author", 1))
    check = next(c for c in commands((package / "DOGRULAMA.txt").read_text(encoding="utf-8"))
                 if c.startswith("cd zincir && sha256sum"))
    done = subprocess.run(check, shell=True, cwd=package, capture_output=True, text=True)
    assert done.returncode != 0 and "FAILED" in done.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None and not REQUIRE_TOOLS,
                    reason="pdftotext (Debian poppler-utils) is not installed")
def test_the_pdf_states_the_facts_in_turkish(world: EvidenceWorld, tmp_path: Path) -> None:
    out = tmp_path / "paket.zip"
    export(world, out, "--account", "valilik", "--since", "2026-03-01", "--until", "2026-03-31")
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        (tmp_path / "rapor.pdf").write_bytes(archive.read("rapor.pdf"))
    assert {"DOGRULAMA.txt", "bulgular.json", "tsa/ca.pem", "tsa/tsa.pem"} <= names
    assert any(n.endswith(".tsr") for n in names)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "rapor.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for fact in ("yorum silindi", "Su kesintisi ne zaman bitecek?", "kullanıcı engellendi",
                 "Ayşe Yılmaz", "kayıt incelendi", "doğrulandı", "Kişisel veri uyarısı",
                 "kullanıcıları veya yorumlarını silmemeli ya da engellememelidir",
                 "2021/81", "Zaman damgası", "Test Valiliği"):
        assert fact in flat, fact


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
    for command in commands((package / "DOGRULAMA.txt").read_text(encoding="utf-8")):
        assert subprocess.run(command, shell=True, cwd=package, capture_output=True,
                              timeout=60).returncode == 0, command


def test_export_needs_a_finding_or_an_account_period(world: EvidenceWorld, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(world.config_path), "export", "--out",
                                      str(tmp_path / "x")])
    assert result.exit_code == 2 and "--finding" in result.output
    result = CliRunner().invoke(cli, ["--config", str(world.config_path), "export", "--finding",
                                      "999", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "no finding with id 999" in result.output
    assert at(0)  # the store's clock is the support module's
