"""Collector health: an account failing on consecutive nights is reported to the operator once."""

from __future__ import annotations

from modaudit.sandbox import Simulator
from scheduler import nightly_audit
from tests.support.mailserver import Inbox, smtp_server
from tests.support.scenarios import small_scenario


def test_operator_is_told_once_about_consecutive_failures(migrated: str, write_config, monkeypatch) -> None:
    scenario = small_scenario()
    inbox = Inbox()
    with Simulator(scenario) as simulator, smtp_server(inbox) as server:
        config = write_config(
            migrated, simulator.base_url, scenario.pages,
            extra=f'[smtp]\nhost = "127.0.0.1"\nport = {server.port}\n'
                  '[report]\nnightly_alerts = false\noperator = "bilgi-islem@example.gov.tr"')
        simulator.set_now(scenario.day(0, 23))
        assert nightly_audit(str(config)).startswith("1 ok")
        monkeypatch.setenv("TEST_PAGE_TOKEN_0", "revoked-token")  # the token stops working
        first = nightly_audit(str(config))
        assert "1 failed" in first and "operator" not in first  # one bad night is not a streak
        second = nightly_audit(str(config))
        assert "operator told about page-0" in second
        assert "operator" not in nightly_audit(str(config))  # the same streak: no second notice
    (notice,) = inbox.to("bilgi-islem@example.gov.tr")
    message = notice.parsed()
    assert "page-0" in message["Subject"] and "art arda 2 gece" in message["Subject"]
    assert "revoked-token" not in message.get_body(("plain",)).get_content()
