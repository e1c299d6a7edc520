"""Hostile user text in every output: controls shown as <U+XXXX>, never run; RTL isolated in HTML."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from modaudit.cli.output import print_findings_table
from modaudit.cli.selective import print_table
from modaudit.config import Config
from modaudit.notify.mail import compose
from modaudit.report.data import (
    SEVERITIES,
    AccountHealth,
    BlockedUser,
    CountRow,
    DayCount,
    ReviewRow,
    WeeklyReport,
    by_severity,
)
from modaudit.report.periods import IsoWeek
from modaudit.report.render import render_alert, render_weekly
from modaudit.report.text_safety import SHOWN, reveal, visible
from modaudit.store.finding_rows import FindingRow

TZ = ZoneInfo("Europe/Istanbul")
CLEAR = "Berbat\x1b[2J\x1b[H\x1b[31mSAHTE\x1b[0m"  # clears the screen, then writes in red
NOISE = "a\x00b\x07c\x08d\x7fe\x85f\x9bg\x0bh\x0ci\u2028j"  # NUL, BEL, BS, DEL, C1 NEL/CSI, VT, FF, LS
RLO_TEXT = "Cevap \u202eiyi değil\u202c lütfen"
FORGED = "Teşekkürler\n#999 comment_deleted [yüksek] sahte bulgu"
LINK = "\x1b]8;;http://evil.example\x07tıkla\x1b]8;;\x07"  # an OSC 8 hyperlink
RTL_NAME = "\u200fمحمد\u200f"  # Arabic with the RLM marks a right-to-left name carries
RLO_NAME = "Ali \u202eziraK"
KURDISH = "ڕۆژدا"
HEBREW_NOTE = "הערה \u2067שם\u2069 Mahkeme kararı"
REVIEWER = "Müdür \u202eYardımcısı"
BANNED = "\x1b]0;pwned\x07Trol"  # an OSC sequence that retitles the terminal window


def _raw_controls(text: str) -> set[str]:
    """Characters of SHOWN that reached the output as themselves (newlines are the output's own)."""
    return {char for char in text if ord(char) in SHOWN and char != "\n"}


# -- the notation ----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b[2J", "<U+001B>[2J"), ("\x00", "<U+0000>"), ("\x07", "<U+0007>"), ("\r", "<U+000D>"),
    ("\x7f", "<U+007F>"), ("\x85", "<U+0085>"), ("\x9b", "<U+009B>"), ("\u2028", "<U+2028>"),
    ("\u202a", "<U+202A>"), ("\u202e", "<U+202E>"), ("\u2066", "<U+2066>"), ("\u2069", "<U+2069>"),
])
def test_each_control_gets_its_code_point_mark(raw: str, shown: str) -> None:
    assert visible(f"x{raw}y") == f"x{shown}y"
    assert reveal(visible(f"x{raw}y")) == f"x{raw}y"


def test_newline_tab_and_right_to_left_letters_stay() -> None:
    assert visible("a\nb\tc") == "a\nb\tc"
    assert visible("a\r\nb") == "a\nb"  # a Windows line break is one newline
    assert visible("a\nb\tc", keep="") == "a<U+000A>b<U+0009>c"
    for text in (RTL_NAME, KURDISH, "İıŞşĞğ 🇹🇷", "\u061cعلي"):
        assert visible(text) == text
    assert visible(RLO_NAME, isolated=True) == RLO_NAME  # where <bdi> isolates it
    assert visible("\x1b\u202e", isolated=True) == "<U+001B>\u202e"
    assert reveal("<U+0041> <U+001b> <U+001B>") == "<U+0041> <U+001b> \x1b"  # only SHOWN, as written
    assert visible("") == "" and _raw_controls(visible(NOISE + CLEAR + HEBREW_NOTE)) == set()


# -- rendered data, built directly -----------------------------------------------------------

def _finding(finding_id: int, name: str | None, text: str | None, **changes: Any) -> FindingRow:
    moment = datetime(2026, 11, 18, 23, 30, tzinfo=UTC)
    values: dict[str, Any] = {
        "id": finding_id, "account": "page-0", "platform": "facebook",
        "institution": "Test Valiliği", "kind": "comment_hidden", "subject_id": str(7000 + finding_id),
        "subject_name": name, "text": text, "post_id": "900100_1", "severity": "high", "status": "open",
        "actor": "account", "source": "snapshot_diff", "occurred_after": moment - timedelta(days=1),
        "occurred_before": moment, "detected_at": moment, "reviewed_by": None, "review_note": None,
        "evidence": {}}
    return FindingRow(**{**values, **changes})


ROWS = [_finding(1, RTL_NAME, CLEAR), _finding(2, RLO_NAME, RLO_TEXT),
        _finding(3, KURDISH, FORGED, reviewed_by=REVIEWER, status="justified"),
        _finding(4, "Rojda <b>Demir</b>", NOISE, evidence={"lookup": {"error": LINK}})]
# What each output shows of the user text above (names, texts, reviewer, list name, note, lookup).
# The platform's lookup answer (LINK) is said in words in reports, so it is not among them.
USER_TEXT = [RTL_NAME, CLEAR, RLO_NAME, RLO_TEXT, KURDISH, FORGED, REVIEWER, "Rojda <b>Demir</b>",
             NOISE, BANNED, HEBREW_NOTE]


def _report() -> WeeklyReport:
    week = IsoWeek(2026, 47)
    start = datetime(2026, 11, 17, 9, tzinfo=UTC)
    return WeeklyReport(
        institution="Test Valiliği", week=week, language="tr", tz=TZ,
        generated_at=datetime(2026, 11, 23, 5, tzinfo=UTC), accounts=["page-0"],
        new_findings=ROWS, previous_week_total=0,
        by_kind=[CountRow("comment_hidden", len(ROWS), 0)], by_account=[CountRow("page-0", len(ROWS), 0)],
        per_day=[DayCount(day, dict.fromkeys(SEVERITIES, 0)) for day in week.days()],
        open_findings=ROWS,
        blocked=[BlockedUser("page-0", "6003", BANNED, start, start + timedelta(days=1), False, None,
                             None)],
        reviews=[ReviewRow(3, "page-0", "comment_hidden", "open", "justified", HEBREW_NOTE, REVIEWER,
                           start + timedelta(days=2))],
        health=[AccountHealth("page-0", "facebook", "", {"ok": 3, "partial": 0, "failed": 0}, 12,
                              start, {}, [])])


class _Isolation(HTMLParser):
    """The text of an HTML page: inside <bdi> elements (one string each) and outside them."""

    def __init__(self) -> None:
        super().__init__()
        self.inside: list[str] = []
        self.outside: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "bdi":
            self._depth += 1
            if self._depth == 1:
                self.inside.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "bdi":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.inside[-1] += data
        else:
            self.outside.append(data)


def _check_html(page: str, user_text: list[str]) -> None:
    parser = _Isolation()
    parser.feed(page)
    assert parser._depth == 0
    outside = "".join(parser.outside)
    for text in user_text:
        assert visible(text, isolated=True) in parser.inside, text
        assert visible(text, isolated=True).strip() not in outside, text
    assert not any(ord(char) in SHOWN for char in outside.replace("\n", ""))
    assert not {char for char in page if ord(char) < 0x20 and char not in "\n\t"}


def _check_text(text: str, user_text: list[str]) -> None:
    assert _raw_controls(text) == set()
    for raw in user_text:  # each shown in full, its continuation lines indented
        assert visible(raw).replace("\n", "\n    ") in text, raw
    assert not any(line.startswith("#999") for line in text.splitlines())


def test_weekly_text_shows_controls_and_html_isolates_user_text() -> None:
    rendered = render_weekly(_report(), chart_src="cid:chart")
    _check_text(rendered.text, USER_TEXT)
    assert "<U+001B>[2J<U+001B>[H" in rendered.text and "<U+202E>iyi değil<U+202C>" in rendered.text
    assert "\n- <U+001B>]0;pwned<U+0007>Trol (kullanıcı, kimlik 6003), page-0" in rendered.text
    assert "Müdür <U+202E>Yardımcısı" in rendered.text and "<U+2067>שם<U+2069>" in rendered.text
    _check_html(rendered.html, USER_TEXT)
    html = rendered.html
    assert f"<bdi>{RTL_NAME}</bdi>" in html and "<bdi>Rojda &lt;b&gt;Demir&lt;/b&gt;</bdi>" in html
    assert "<bdi>Berbat&lt;U+001B&gt;[2J" in html  # controls visible here too, still escaped
    assert f"<bdi>{RLO_TEXT}</bdi>" in html and f"<bdi>{HEBREW_NOTE}</bdi>" in html
    assert "Test Valiliği</h1>" in html  # our own text is not wrapped


def test_weekly_csv_stays_exact() -> None:
    rendered = render_weekly(_report(), chart_src="cid:chart")
    rows = list(csv.DictReader(io.StringIO(rendered.csv.decode("utf-8-sig")), delimiter=";"))
    assert [(row["Yazan / kullanıcı"], row["Metin"]) for row in rows] == \
        [(r.subject_name, r.text) for r in by_severity(ROWS)]


def test_alert_text_email_and_html() -> None:
    subject, text, html = render_alert(ROWS, "page-0", "Test Valiliği", "tr", TZ)
    in_alert = [t for t in USER_TEXT if t not in (BANNED, HEBREW_NOTE, REVIEWER)]  # weekly only
    _check_text(text, in_alert)
    assert "yorum artık yok" in text and "evil.example" not in text  # the platform's answer, in words
    _check_html(html, in_alert)
    assert f"<bdi>{KURDISH}</bdi>" in html and f"<bdi>{RLO_NAME}</bdi>" in html
    message = compose(subject=subject, sender="modaudit@valilik.example", recipients=["m@x.example"],
                      text=text, html=html, now=datetime(2026, 11, 19, tzinfo=UTC))
    plain = message.get_body(("plain",)).get_content()
    assert _raw_controls(plain) == set() and "Berbat<U+001B>[2J" in plain


def _table(rows: list[FindingRow], **options: Any) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=400, highlight=False, **options)
    print_findings_table(rows, cast(Config, SimpleNamespace(tz=TZ)), console.print)
    return buffer.getvalue()


def test_findings_table_shows_controls() -> None:
    plain = _table(ROWS, color_system=None)
    assert "\x1b" not in plain and _raw_controls(plain) == set()
    assert "Berbat<U+001B>[2J<U+001B>[H<U+001B>[31mSAHTE<U+001B>[0m" in plain
    assert f"{RLO_NAME.replace(chr(0x202E), '<U+202E>')} (7002)" in plain and RTL_NAME in plain
    assert "e<U+0085>f<U+009B>g<U+000B>h<U+000C>i<U+2028>j" in plain  # no forged table lines
    # Between the title and the legend every line is the table's: none starts with user text.
    body = plain.splitlines()[1:-1]
    assert body and all(line.lstrip()[:1] in set("┏┃┡│└") for line in body), body
    assert plain.splitlines()[-1].startswith("severity: H high")
    coloured = _table(ROWS, force_terminal=True, color_system="standard")
    assert "\x1b[2J" not in coloured and "\x1b]" not in coloured and "\x85" not in coloured


def test_selective_table_shows_controls() -> None:
    from analysis.selective import GroupResult

    # A topic name comes from the deployment's lexicon file: still shown, never run.
    result = GroupResult("page-0", "moderated", "topic:\x1b[2Jsu\u202e", 3, None, None, None, None,
                         None, None, None, None, None, None, False, "too_few")
    buffer = io.StringIO()
    print_table([result], Console(file=buffer, width=300, color_system=None))
    assert _raw_controls(buffer.getvalue()) == set() and "topic:<U+001B>[2Jsu<U+202E>" in buffer.getvalue()
