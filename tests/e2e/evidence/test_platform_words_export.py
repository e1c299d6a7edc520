"""The export's PDF (read back with pdftotext) and JSON of YouTube and Bluesky findings: what
happened in the platform's words, the subject as that platform calls it, the link, and the
platform's limits, and nothing of the generic wording the platform replaces.

The store is tests/support/platform_words_world.py; the package is built in-process (no TSA).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from modaudit.evidence.package import ExportPackage, build_package, package_json
from modaudit.evidence.pdf import render_pdf
from modaudit.report.observability import unobservable
from modaudit.store.engine import make_engine
from tests.conftest import migrate_quickly, scratch_database
from tests.support.platform_words_world import (
    EXPECTED,
    LIST_NAME,
    QUOTE_AUTHOR,
    WordsWorld,
    fill_words_store,
)

pytestmark = [pytest.mark.e2e]
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not os.environ.get("MODAUDIT_REQUIRE_BROWSER"),
    reason="pdftotext (Debian poppler-utils) is not installed")
NOW = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/Istanbul")
# What the generic wording would have said instead (a sign the platform's words were skipped).
GENERIC = {"youtube:comment_hidden": "bir yorum gizlendi",
           "youtube:replies_restricted": "bir gönderiye yanıt verilmesi kısıtlandı",
           "bluesky:user_blocked@list": "bir kullanıcı engellendi",
           "bluesky:comment_hidden": "bir yorum gizlendi"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WordsWorld]]:
    with scratch_database("sqlite", tmp_path_factory.mktemp("words-export")) as url:
        migrate_quickly(url)
        yield url, fill_words_store(url)


def _package(url: str, finding_id: int) -> ExportPackage:
    engine = make_engine(url)
    with Session(engine) as session:
        package = build_package(session, now=NOW, finding_id=finding_id, tz=TZ)
    engine.dispose()
    return package


def _pdf_text(package: ExportPackage) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=render_pdf(package),
                          capture_output=True, check=True).stdout.decode("utf-8")
    return " ".join(text.split())


@needs_pdftotext
@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_the_pdf_says_it_in_the_platforms_words(store: tuple[str, WordsWorld], key: str) -> None:
    url, world = store
    package = _package(url, world.ids[key])
    flat = _pdf_text(package)
    kind_words, subject_lines, link = EXPECTED[key]
    assert f"Bulgu {world.ids[key]}: {kind_words}" in flat
    assert f"{kind_words}." in flat  # "Ne oldu: … hesabında (…) <its words>."
    for line in subject_lines:
        # The PDF names the subject's id without "kimlik"; its words are the portal's.
        assert line.replace("kimlik ", "") in flat, (key, line, flat)
    assert f"Platformdaki yeri: {link}" in flat
    for sentence in unobservable(key.split(":")[0], "tr"):
        assert " ".join(sentence.split()) in flat
    if key in GENERIC:
        assert GENERIC[key] not in flat


def test_the_json_carries_the_words_the_subject_and_the_limits(
        store: tuple[str, WordsWorld]) -> None:
    url, world = store
    for key, (kind_words, _, link) in EXPECTED.items():
        package = package_json(_package(url, world.ids[key]))
        finding = package["findings"][0]
        assert finding["kind_words"] == kind_words
        assert finding["what"].endswith(f"{kind_words}.")
        assert finding["subject"]["link"] == link
        assert package["unobservable"] == unobservable(key.split(":")[0], "tr")
        assert finding["kind"] == key.split(":")[1].split("@")[0]  # the code stays the same
    listed = package_json(_package(url, world.ids["bluesky:user_blocked@list"]))
    assert listed["findings"][0]["subject"] | {"link": None} == {
        "type": "user", "words": "moderasyon listesi", "id": listed["findings"][0]["subject_id"],
        "name": LIST_NAME, "link": None}
    quote = package_json(_package(url, world.ids["bluesky:quote_detached"]))["findings"][0]
    assert (quote["subject"]["type"], quote["subject"]["author"]) == ("quote", QUOTE_AUTHOR)
    assert quote["severity"] == "review"
    video = package_json(_package(url, world.ids["youtube:replies_restricted"]))["findings"][0]
    assert video["subject"]["words"] == "video"
