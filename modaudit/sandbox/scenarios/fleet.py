"""Many similar Pages at once, for the worker tests and the fleet benchmark."""

from __future__ import annotations

from datetime import datetime

from modaudit.sandbox.world.scenario import PageSpec, Scenario, User

COMMENTERS = (User("5001", "Ayşe Yılmaz"), User("5002", "İbrahim Işık"), User("5003", "Rojda Demir"))


def fleet_scenario(accounts: int, start: datetime, hide_on_day: int | None = None) -> Scenario:
    """`accounts` Pages with two posts of three comments each (posted on day -2).

    With `hide_on_day`, every Page hides the second comment of its first post that day.
    """
    pages = [PageSpec(f"9{n:06d}", f"Kurum {n}", f"fleet-token-{n}") for n in range(accounts)]
    scenario = Scenario(start=start, pages=pages)
    for page in pages:
        for post in (1, 2):
            post_id = f"{page.page_id}_{post}"
            scenario.post(scenario.day(-2, 9), page.page_id, post_id, f"Duyuru {post}")
            for n, user in enumerate(COMMENTERS):
                scenario.comment(scenario.day(-2, 10 + n), post_id, f"{post_id}{n}", user, f"Yorum {n}")
        if hide_on_day is not None:
            scenario.hide(scenario.day(hide_on_day, 9), f"{page.page_id}_11")
    return scenario
