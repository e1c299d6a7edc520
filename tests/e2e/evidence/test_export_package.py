"""An export package proves what it says: `sh DOGRULAMA.txt`, in its folder, with standard tools.

Every file a reader reads is listed with its SHA-256 in PAKET.sha256, itself time-stamped by the
loopback TSA (`openssl ts`) at export. The script exits 0 on the untouched package and non-zero,
naming the file, after one byte of any packed file changes, or a file goes missing or is added;
it re-derives each finding from the chain records, so a package whose statements disagree with
them fails too. `export` never writes over anything unless told to (`--replace`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from modaudit.cli import cli
from modaudit.store.schema import ChainAnchor, Finding
from tests.support.evidence_world import (
    EvidenceWorld,
    add_restricted_post,
    evidence_world,
    review_with_court_order,
)
from tests.support.stored_runs import at

# Every kind of file a package holds (the test fails if one is missing from the package).
KINDS = (r"bulgular\.json", r"rapor\.pdf", r"DOGRULAMA\.txt", r"PAKET\.sha256", r"PAKET\.tsr",
         r"PAKET\.tsr\.sha256", r"ekler/.+", r"incelemeler/.+", r"yorumlar/.+",
         r"zincir/\d+\.json", r"zincir/anchor-\d+\.sha256", r"zincir/anchor-\d+\.tsr",
         r"tsa/ca\.pem", r"tsa/tsa\.pem")


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[EvidenceWorld]:
    with evidence_world(db_url, tmp_path) as world:
        yield world


def export(world: EvidenceWorld, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(world.config_path), "export", *args,
                                      "--out", str(out)])
    return result.exit_code, " ".join(result.output.split())


def full_package(world: EvidenceWorld, out: Path) -> Path:
    """A package with one finding of each kind, a review note and an attachment."""
    add_restricted_post(world.engine)
    with world.session() as session:
        blocked = session.scalars(select(Finding.id).where(Finding.kind == "user_blocked")).one()
    review_with_court_order(world.engine, blocked)
    code, output = export(world, out, "--account", "valilik", "--since", "2026-03-01",
                          "--until", "2026-03-31")
    assert code == 0, output
    return out


def check(package: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "DOGRULAMA.txt"], cwd=package, capture_output=True, text=True,
                          timeout=120)


def packed(package: Path) -> list[str]:
    return sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file())


def one_of_each_kind(package: Path) -> list[str]:
    """The first file of each kind (every file would take minutes on a loaded machine)."""
    names = packed(package)
    return [next(n for n in names if re.fullmatch(kind, n)) for kind in KINDS]


def test_the_untouched_package_verifies_step_by_step(world: EvidenceWorld, tmp_path: Path) -> None:
    package = full_package(world, tmp_path / "paket")
    names = packed(package)
    for kind in KINDS:
        assert any(re.fullmatch(kind, name) for name in names), kind
    listed = {line[66:] for line in (package / "PAKET.sha256").read_text().splitlines()}
    assert listed == set(names) - {"PAKET.sha256", "PAKET.tsr", "PAKET.tsr.sha256"}
    done = check(package)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HATA" not in done.stdout and done.stdout.rstrip().endswith("the package verifies.")
    for step in range(1, 8):
        assert f"  {step}. " in done.stdout, step
    # Re-derived from the chain records: each finding's status and reviews, the comment text,
    # the review notes and the attachment.
    assert "bulgu 2: zincire göre durum gerekçeli, 2 inceleme" in done.stdout
    assert "bulgu 4: zincire göre durum açık, 0 inceleme" in done.stdout
    assert "yorumlar/c2.txt zincirdeki metin özetiyle aynı" in done.stdout
    assert "incelemeler/2.txt zincirdeki not özetiyle aynı" in done.stdout
    assert "ekler/ek-1.pdf zincirdeki ek kaydıyla aynı" in done.stdout
    script = (package / "DOGRULAMA.txt").read_text(encoding="utf-8")
    assert "--ignore-missing" not in script
    # Every cd is inside a subshell: no later step runs from another folder.
    assert all(re.search(r"\(\s*cd ", line) for line in script.splitlines()
               if re.search(r"(^|[;&|(]\s*)cd ", line.split("#", 1)[0]))


def test_one_changed_byte_in_any_file_fails_naming_it(world: EvidenceWorld,
                                                     tmp_path: Path) -> None:
    package = full_package(world, tmp_path / "paket")
    for name in one_of_each_kind(package):
        copy = tmp_path / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(package, copy)
        data = bytearray((copy / name).read_bytes())
        # The script changed in a comment (a change elsewhere could break its syntax first).
        where = data.index(b"Hesap") if name == "DOGRULAMA.txt" else len(data) // 2
        data[where] ^= 0x01
        (copy / name).write_bytes(bytes(data))
        done = check(copy)
        assert done.returncode != 0, name
        assert name in done.stdout, f"{name}: {done.stdout}"
        assert "HATA" in done.stdout and "DOĞRULANMADI" in done.stdout


def test_a_missing_or_added_file_fails_naming_it(world: EvidenceWorld, tmp_path: Path) -> None:
    package = full_package(world, tmp_path / "paket")
    for name in one_of_each_kind(package):
        copy = tmp_path / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(package, copy)
        (copy / name).unlink()
        if name == "DOGRULAMA.txt":  # without the script, its first check by hand names it
            done = subprocess.run(["sha256sum", "-c", "PAKET.sha256"], cwd=copy,
                                  capture_output=True, text=True)
        else:
            done = check(copy)
        assert done.returncode != 0, name
        assert name in done.stdout + done.stderr, f"{name}: {done.stdout}"
    shutil.rmtree(copy)
    shutil.copytree(package, copy)
    (copy / "ekler" / "ek-9.pdf").write_bytes(b"%PDF-1.4 sahte karar")  # a forged court order
    done = check(copy)
    assert done.returncode != 0 and "ekler/ek-9.pdf" in done.stdout


def test_a_rewritten_json_with_a_recomputed_list_fails_on_the_token(world: EvidenceWorld,
                                                                    tmp_path: Path) -> None:
    package = full_package(world, tmp_path / "paket")
    forged = (package / "bulgular.json").read_text(encoding="utf-8").replace(
        '"status": "open"', '"status": "dismissed"')
    (package / "bulgular.json").write_text(forged, encoding="utf-8")
    digest = subprocess.run(["sha256sum", "bulgular.json"], cwd=package, capture_output=True,
                            text=True, check=True).stdout.split()[0]
    listing = (package / "PAKET.sha256").read_text().splitlines()
    (package / "PAKET.sha256").write_text("\n".join(
        f"{digest}  bulgular.json" if line.endswith("  bulgular.json") else line
        for line in listing) + "\n")
    done = check(package)
    assert done.returncode != 0 and "TAMAM  1." in done.stdout  # the list agrees with the files…
    assert "HATA   3. PAKET.sha256 ya da PAKET.tsr: zaman damgası doğrulanmadı" in done.stdout


def test_a_status_the_chain_does_not_hold_fails_the_package(world: EvidenceWorld,
                                                           tmp_path: Path) -> None:
    # The table says dismissed with no chained review: the package states what the chain denies.
    with world.session() as session, session.begin():
        session.execute(update(Finding).where(Finding.kind == "comment_deleted")
                        .values(status="dismissed"))
    package = tmp_path / "paket"
    code, output = export(world, package, "--account", "valilik", "--since", "2026-03-01",
                          "--until", "2026-03-31")
    assert code == 0, output
    done = check(package)
    assert done.returncode != 0
    assert "bulgu 3: zincire göre durum açık ve 0 inceleme; paket yersiz ve 0 diyor" in done.stdout


def test_export_refuses_to_write_over_anything_unless_told(world: EvidenceWorld,
                                                           tmp_path: Path) -> None:
    package = tmp_path / "paket"
    assert export(world, package, "--finding", "3")[0] == 0
    stray = package / "yorumlar" / "eski-yorum.txt"  # what an earlier package left behind
    stray.write_text("başka birinin yorumu", encoding="utf-8")
    code, output = export(world, package, "--finding", "3")
    assert code == 1 and "is not empty" in output and "--replace" in output
    code, output = export(world, package, "--finding", "3", "--replace")
    assert code == 0 and not stray.exists() and check(package).returncode == 0
    other = tmp_path / "belgeler"
    other.mkdir()
    (other / "dilekce.txt").write_text("x", encoding="utf-8")
    code, output = export(world, other, "--finding", "3", "--replace")
    assert code == 1 and "is not an evidence package" in output and (other / "dilekce.txt").exists()
    archive = tmp_path / "paket.zip"
    archive.write_bytes(b"eski")
    code, output = export(world, archive, "--finding", "3")
    assert code == 1 and "exists" in output and archive.read_bytes() == b"eski"
    assert export(world, archive, "--finding", "3", "--replace")[0] == 0
    unpacked = tmp_path / "acilan"
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(unpacked)
    assert check(unpacked).returncode == 0


def test_the_export_prints_the_tokens_own_time(world: EvidenceWorld, tmp_path: Path) -> None:
    jobs_anchor = CliRunner().invoke(cli, ["--config", str(world.config_path), "anchor"])
    assert jobs_anchor.exit_code == 0, jobs_anchor.output
    with world.session() as session, session.begin():
        anchor = session.scalars(select(ChainAnchor)).one()
        token_time = anchor.stamped_at
        anchor.stamped_at = token_time - timedelta(days=60)  # backdated in the database
    assert token_time is not None
    code, output = export(world, tmp_path / "paket", "--finding", "3")
    assert code == 0 and "PAKET.sha256 time-stamped" in output and "the token's own time" in output
    shown = re.search(r"time-stamped (\S+ \S+) UTC", output)
    assert shown is not None
    said = subprocess.run(["openssl", "ts", "-reply", "-in", "PAKET.tsr", "-text"],
                          cwd=tmp_path / "paket", capture_output=True, text=True).stdout
    stamp = re.search(r"Time stamp: (.+)", said)
    assert stamp is not None  # e.g. "Dec  6 17:27:49 2026 GMT"
    assert datetime.strptime(" ".join(stamp[1].split()), "%b %d %H:%M:%S %Y %Z") \
        == datetime.strptime(shown[1], "%Y-%m-%d %H:%M:%S")
    exported = (tmp_path / "paket" / "bulgular.json").read_text(encoding="utf-8")
    assert token_time.isoformat() in exported  # the anchor's time as its token says it
    assert (token_time - timedelta(days=60)).isoformat() not in exported


def test_without_a_tsa_the_package_says_its_list_is_not_time_stamped(world: EvidenceWorld,
                                                                     tmp_path: Path) -> None:
    world.tsa.down = True
    code, output = export(world, tmp_path / "paket", "--finding", "3")
    assert code == 0 and "PAKET.sha256 is not time-stamped: TSA answered HTTP 503" in output
    done = check(tmp_path / "paket")
    assert done.returncode == 0 and "UYARI: PAKET.sha256 dışa aktarmada zaman damgası alamadı" \
        in done.stdout
    assert not (tmp_path / "paket" / "PAKET.tsr").exists() and at(0)
