"""No all-clear without collection: accounts with no successful audit in the week, or none since
two scheduled nights, are announced first in the report and the alert, and the to-do box never
says "nothing to review" about them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from analysis.coverage import Collection, blind_accounts, stale_before
from collectors.records import RunWarning
from modaudit.report.data import ReportScope, WeeklyReport, build_weekly_report
from modaudit.report.periods import parse_week
from modaudit.report.render import render_alert, render_weekly
from modaudit.store import runs
from modaudit.store.engine import make_engine
from tests.support.stored_runs import StoredAccount, comment

IST = ZoneInfo("Europe/Istanbul")
NIGHTLY = "30 2 * * *"
WEEK = parse_week("2026-W10")  # 2 to 8 March 2026
MONDAY_0230 = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 2 March 02:30 in Istanbul
REPORT_AT = datetime(2026, 3, 9, 5, 0, tzinfo=UTC)  # the next Monday, 08:00 in Istanbul
ALL_CLEAR = ("İnceleme bekleyen bulgu yok", "İncelemenizi bekleyen")


def test_two_missed_scheduled_nights_make_the_data_stale() -> None:
    now = datetime(2026, 3, 9, 5, 0, tzinfo=UTC)  # 08:00 Istanbul: nights of 8 and 9 March
    assert stale_before(NIGHTLY, IST, now) == datetime(2026, 3, 7, 23, 30, tzinfo=UTC)
    weekly = stale_before("30 2 * * mon", IST, now)  # a weekly audit: two Mondays
    assert weekly == datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    seen = datetime(2026, 3, 8, 23, 40, tzinfo=UTC)  # last night's audit, after its start
    one_missed = datetime(2026, 3, 7, 23, 40, tzinfo=UTC)  # only last night was missed
    two_missed = datetime(2026, 3, 7, 23, 20, tzinfo=UTC)  # before both scheduled audits
    collections = [Collection("seen", "facebook", seen, 5), Collection("one", "x", one_missed, 5),
                   Collection("two", "x", two_missed, 5), Collection("never", "x", None, 0),
                   Collection("week", "x", seen - timedelta(days=9), 0)]
    limit = stale_before(NIGHTLY, IST, now)
    assert [b.account for b in blind_accounts(collections, limit)] == ["two", "never", "week"]


def _failed_night(session: Session, account: StoredAccount, at: datetime, code: str) -> None:
    run_id = runs.start_run(session, account.id, "nightly", at)
    runs.finish_run(session, run_id, None, at, [RunWarning(code, "refused")], failed=True)


def _report(session: Session, names: list[tuple[str, str, str]]) -> WeeklyReport:
    scope = ReportScope("Test Valiliği", names, "tr", IST, nightly_audit=NIGHTLY)
    return build_weekly_report(session, scope, WEEK, REPORT_AT)


def test_a_week_whose_every_audit_failed_opens_with_the_warning_not_the_all_clear(
        migrated: str) -> None:
    engine = make_engine(migrated)
    with Session(engine) as session:
        page, x = StoredAccount(session, "valilik-facebook"), StoredAccount(session, "valilik-x", "x")
        page.run(MONDAY_0230, {"p1": [comment("c1")]})  # one success, Monday night
        for night in range(1, 7):
            _failed_night(session, page, MONDAY_0230 + timedelta(days=night), "AuthFailed")
        for night in range(7):
            _failed_night(session, x, MONDAY_0230 + timedelta(days=night), "config")
        report = _report(session, [("valilik-facebook", "facebook", ""), ("valilik-x", "x", "")])
    engine.dispose()
    assert [b.account for b in report.blind] == ["valilik-facebook", "valilik-x"]
    rendered = render_weekly(report, chart_src="cid:chart")
    html, text = rendered.html, rendered.text
    assert html.index('role="alert"') < html.index('id="todo"') < html.index("Bu hafta yeni bulgu")
    assert text.index("!! Dikkat: hiçbir hesap denetlenemedi") < text.index("== Yapılacaklar ==")
    for part in (html, text):
        assert "valilik-facebook (Facebook) hesabı 2 Mart 2026 02:30 tarihinden beri" in part
        assert "valilik-x (X) hesabı hiç başarıyla denetlenemedi" in part
        # who must act: the failure's fix, addressed to IT
        assert "Platform erişim belirtecini reddetti; bilgi işlem" in part
        assert "Yapılandırma ya da gizli anahtar eksik; bilgi işlem" in part
        assert "inceleme bekleyen bulgu olup olmadığı bilinmiyor" in part
        assert not any(words in part for words in ALL_CLEAR)
    assert "#12b76a" not in html.split('id="todo"')[1][:200]  # the to-do box is not green
    assert rendered.subject == ("Test Valiliği: 2–8 Mart 2026 sosyal medya denetimi — "
                                "2 hesap denetlenemedi")
    # The nightly alert says the same, first, even with no finding to announce.
    subject, alert_text, alert_html = render_alert([], "valilik-x", "Test Valiliği", "tr", IST,
                                                   blind=report.blind, accounts=2)
    assert subject == "Test Valiliği: 2 hesap denetlenemiyor"
    assert 'role="alert"' in alert_html and "valilik-x (X) hesabı hiç" in alert_text


def test_a_week_audited_every_night_says_nothing_waits(migrated: str) -> None:
    engine = make_engine(migrated)
    with Session(engine) as session:
        page = StoredAccount(session, "valilik-facebook")
        for night in range(7):
            page.run(MONDAY_0230 + timedelta(days=night), {"p1": [comment("c1")]})
        report = _report(session, [("valilik-facebook", "facebook", "")])
    engine.dispose()
    rendered = render_weekly(report, chart_src="cid:chart")
    assert report.blind == [] and 'role="alert"' not in rendered.html
    assert "İnceleme bekleyen bulgu yok." in rendered.text
    assert rendered.subject == ("Test Valiliği: 2–8 Mart 2026 sosyal medya denetimi — "
                                "İnceleme bekleyen bulgu yok")
