"""store/run_history.py and runs.account_name on small stored runs: what a scan, its plan and an
archive import ask about an account's earlier runs."""

from __future__ import annotations

from datetime import datetime

from collectors.records import Snapshot, UserListing
from modaudit.store import run_history, runs
from tests.support.stored_runs import StoredAccount, at, comment


def _failed_with_a_snapshot(page: StoredAccount, fetched_at: datetime) -> int:
    """A run that observed something and then failed: its observation time is stored."""
    run_id = runs.start_run(page.session, page.id, "nightly", fetched_at)
    runs.finish_run(page.session, run_id, Snapshot(fetched_at=fetched_at, listings=[]),
                    fetched_at, [], failed=True)
    return run_id


def test_an_account_that_never_ran_has_no_history(page: StoredAccount) -> None:
    """Every question about a new account's runs answers None."""
    assert run_history.last_started_at(page.session, page.id) is None
    assert run_history.last_collected_at(page.session, page.id) is None
    assert run_history.last_complete_lists_at(page.session, page.id) is None
    assert run_history.stored_run_at(page.session, page.id, at(0)) is None


def test_the_last_start_counts_every_run_the_last_collection_only_stored_ones(
        page: StoredAccount) -> None:
    """A run still running or failed started (the clock guard needs it) but stored nothing."""
    page.run(at(0), {"p1": [comment("c1")]})
    _failed_with_a_snapshot(page, at(24))
    runs.start_run(page.session, page.id, "on_demand", at(30))  # still `running`
    assert run_history.last_started_at(page.session, page.id) == at(30)
    assert run_history.last_collected_at(page.session, page.id) == at(0)
    page.run(at(48), {"p1": None})  # a listing failed: `partial`, still stored
    assert run_history.last_collected_at(page.session, page.id) == at(48)


def test_lists_count_as_read_only_from_a_complete_block_list(page: StoredAccount) -> None:
    """A run that read no list, or cut it short, leaves the last complete read where it was."""
    page.run(at(0), {"p1": []}, blocked=["u1"], muted=["u2"])
    page.run(at(24), {"p1": []})  # lists not due tonight
    page.run(at(48), {"p1": []}, blocked=UserListing(users=[], complete=False))
    assert run_history.last_complete_lists_at(page.session, page.id) == at(0)
    page.run(at(72), {"p1": []}, blocked=[])  # read whole, and empty
    assert run_history.last_complete_lists_at(page.session, page.id) == at(72)


def test_a_stored_run_at_an_exact_time_with_its_kind_and_digest(page: StoredAccount) -> None:
    """An import finds the stored run dated exactly at its time, never a failed one or another
    account's."""
    run_id = page.run(at(0), {"p1": []})
    runs.set_content_digest(page.session, run_id, "d" * 64)
    _failed_with_a_snapshot(page, at(24))
    other = StoredAccount(page.session, name="belediye")
    other.run(at(48), {"p1": []})
    found = run_history.stored_run_at(page.session, page.id, at(0))
    assert found == run_history.DatedRun(run_id, "nightly", "d" * 64)
    assert run_history.stored_run_at(page.session, page.id, at(24)) is None
    assert run_history.stored_run_at(page.session, page.id, at(48)) is None
    assert run_history.stored_run_at(page.session, page.id, at(1)) is None


def test_an_account_is_named_by_its_id(page: StoredAccount) -> None:
    """A worker given only an id finds the configured name; an unknown id is None."""
    other = StoredAccount(page.session, name="belediye")
    assert runs.account_name(page.session, page.id) == "valilik"
    assert runs.account_name(page.session, other.id) == "belediye"
    assert runs.account_name(page.session, max(page.id, other.id) + 1) is None
