"""`modaudit export`: build a package → render (PDF, JSON, notes, attachments, DOGRULAMA.txt) →
list every file with its SHA-256 (PAKET.sha256) → time-stamp that list → write a fresh folder or ZIP.

The package is for handing over (CİMER, TİHEK, the Ethics Board, a court): every file a reader
needs to check it with standard tools, nothing that needs modaudit. The list's token is asked for
after the database session is closed. docs/architecture.md §3, §9.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from modaudit.config import Config, ConfigError
from modaudit.evidence.guide import render_guide
from modaudit.evidence.package import (
    CA,
    GUIDE_NAME,
    JSON_NAME,
    MANIFEST,
    MANIFEST_TOKEN,
    PDF_NAME,
    TSA,
    ExportError,
    ExportPackage,
    attachment_file,
    build_package,
    comment_file,
    package_json,
)
from modaudit.evidence.pdf import render_pdf
from modaudit.notify import anchoring
from modaudit.store.timestamps import embedded_certificates


@dataclass(frozen=True)
class ExportResult:
    """Where the package went, what it holds, and its list's time-stamp (the token's own time)."""

    path: Path
    package: ExportPackage
    files: int
    stamped_at: datetime | None
    warning: str | None = None  # why the list has no token, when it has none


def check_target(out: Path, replace: bool) -> None:
    """Refuse to write over anything unless told to; `--replace` replaces only a package."""
    if out.suffix.lower() == ".zip":
        if out.is_dir():
            raise ExportError(f"{out} is a folder; give a new file name ending in .zip")
        if out.exists() and not replace:
            raise ExportError(f"{out} exists: give a new name, or --replace to overwrite it")
        return
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not replace:
            raise ExportError(f"{out} is not empty: give a new folder, or --replace to write a "
                              "fresh package in its place")
        if not (out / MANIFEST).is_file() and not (out / GUIDE_NAME).is_file():
            raise ExportError(f"{out} is not an evidence package (no {MANIFEST}); --replace only "
                              "replaces an earlier package: empty or remove the folder yourself")


def package_files(package: ExportPackage, ca_pem: bytes) -> dict[str, bytes]:
    """Every file of the package but DOGRULAMA.txt and the list, by its path inside it."""
    files: dict[str, bytes] = {
        PDF_NAME: render_pdf(package),
        JSON_NAME: json.dumps(package_json(package), ensure_ascii=False, indent=2).encode("utf-8"),
    }
    for element in package.files:
        files[f"zincir/{element.name}"] = element.canonical
    tsa_certs: dict[bytes, None] = {}
    for anchor in package.anchors:
        files[f"zincir/{anchor.stem}.sha256"] = anchor.manifest.encode("utf-8")
        files[f"zincir/{anchor.stem}.tsr"] = anchor.token
        tsa_certs.update((c.public_bytes(Encoding.PEM), None)
                         for c in embedded_certificates(anchor.token))
    for finding in package.findings:
        path = comment_file(finding)
        if path is not None and finding.row.text is not None:
            files[path] = finding.row.text.encode("utf-8")  # the exact bytes its digest covers
        for review in finding.reviews:
            files[review.note_file] = review.note.encode("utf-8")  # what note_digest covers
        for item in finding.attachments:
            files[attachment_file(item)] = item.content
    if ca_pem:
        files[CA] = ca_pem
    if tsa_certs:
        files[TSA] = b"".join(tsa_certs)
    return files


def manifest_of(files: dict[str, bytes]) -> bytes:
    """PAKET.sha256: one `sha256sum` line per file, by name."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(files.items())).encode("utf-8")


def seal(files: dict[str, bytes], package: ExportPackage,
         config: Config) -> tuple[dict[str, bytes], datetime | None, str | None]:
    """Add DOGRULAMA.txt and PAKET.sha256, and PAKET.tsr when the TSA answers: (files, the
    token's own time, why there is no token)."""
    sealed = {**files, GUIDE_NAME: render_guide(package, stamped=True).encode("utf-8")}
    listing = manifest_of(sealed)
    if not config.timestamp.enabled:
        warning: str | None = "[timestamp] is not enabled"
    else:
        try:
            token, gen_time = anchoring.ask_tsa(config.timestamp, listing)
        except (anchoring.TsaError, ConfigError) as exc:
            warning = str(exc)
        else:
            # The token's digest beside it: the list it covers cannot name it.
            digest = f"{hashlib.sha256(token).hexdigest()}  {MANIFEST_TOKEN}\n".encode()
            return ({**sealed, MANIFEST: listing, MANIFEST_TOKEN: token,
                     f"{MANIFEST_TOKEN}.sha256": digest}, gen_time, None)
    # No token: the script must not look for one, so it (and the list) are written again.
    sealed[GUIDE_NAME] = render_guide(package, stamped=False).encode("utf-8")
    return {**sealed, MANIFEST: manifest_of(sealed)}, None, warning


def write_package(files: dict[str, bytes], out: Path) -> Path:
    """Write a fresh folder, or a ZIP when `out` ends in .zip, in place of whatever was there
    (check_target decided that may go): built beside it, then moved in."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".zip":
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in sorted(files.items()):
                zf.writestr(name, data)
        os.replace(temporary, out)
        return out
    fresh = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        for name, data in files.items():
            path = fresh / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if out.exists():
            shutil.rmtree(out)
        fresh.rename(out)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return out


def run_export(engine: Engine, config: Config, out: Path, *, now: datetime,
               finding_id: int | None = None, account: str | None = None,
               since: datetime | None = None, until: datetime | None = None,
               scope: str = "", replace: bool = False) -> ExportResult:
    """Anchor the heads first (so the package's records are covered, if the TSA answers), build
    the package, time-stamp its list, write it."""
    check_target(out, replace)
    anchoring.anchor_quietly(engine, config, now)
    with Session(engine) as session:
        package = build_package(session, now=now, finding_id=finding_id, account=account,
                                since=since, until=until, scope=scope, tz=config.tz,
                                handles={a.name: a.handle for a in config.accounts})
    ca_pem = Path(config.timestamp.ca_file).read_bytes() if config.timestamp.ca_file else b""
    files, stamped_at, warning = seal(package_files(package, ca_pem), package, config)
    return ExportResult(write_package(files, out), package, len(files), stamped_at, warning)
