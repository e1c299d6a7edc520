"""`modaudit export`: build a package → render (PDF, JSON, DOGRULAMA.txt) → write a folder or ZIP.

The package is for handing over (CİMER, TİHEK, the Ethics Board, a court): every file a reader
needs to check it with standard tools, nothing that needs modaudit. docs/architecture.md §3, §9.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from modaudit.config import Config
from modaudit.evidence.guide import CA, GUIDE_NAME, TSA, comment_file, render_guide
from modaudit.evidence.package import ExportPackage, build_package, package_json
from modaudit.evidence.pdf import render_pdf
from modaudit.notify import anchoring
from modaudit.store.timestamps import embedded_certificates

PDF_NAME, JSON_NAME = "rapor.pdf", "bulgular.json"


def package_files(package: ExportPackage, ca_pem: bytes) -> dict[str, bytes]:
    """Every file of the package by its path inside it."""
    files: dict[str, bytes] = {
        PDF_NAME: render_pdf(package),
        JSON_NAME: json.dumps(package_json(package), ensure_ascii=False, indent=2).encode("utf-8"),
        GUIDE_NAME: render_guide(package).encode("utf-8"),
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
    if package.anchors:
        files[CA] = ca_pem
        files[TSA] = b"".join(tsa_certs)
    return files


def write_package(files: dict[str, bytes], out: Path) -> Path:
    """Write the files into folder `out`, or into a ZIP when `out` ends in .zip."""
    if out.suffix.lower() == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(files.items()):
                archive.writestr(name, data)
        return out
    for name, data in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return out


def run_export(engine: Engine, config: Config, out: Path, *, now: datetime,
               finding_id: int | None = None, account: str | None = None,
               since: datetime | None = None, until: datetime | None = None,
               scope: str = "") -> tuple[Path, ExportPackage]:
    """Anchor the heads first (so the package's records are covered, if the TSA answers), then
    build and write the package."""
    anchoring.anchor_quietly(engine, config, now)
    with Session(engine) as session:
        package = build_package(session, now=now, finding_id=finding_id, account=account,
                                since=since, until=until, scope=scope)
    ca_pem = Path(config.timestamp.ca_file).read_bytes() if config.timestamp.ca_file else b""
    return write_package(package_files(package, ca_pem), out), package
