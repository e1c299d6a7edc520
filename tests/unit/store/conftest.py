"""What the store's tests share: a session on a migrated database (SQLite and PostgreSQL) and
one account to store runs in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from tests.support.stored_runs import StoredAccount, open_session


@pytest.fixture
def session(migrated: str) -> Iterator[Session]:
    """A session on a database at the head schema, closed afterwards."""
    with open_session(migrated) as session:
        yield session


@pytest.fixture
def page(session: Session) -> StoredAccount:
    """One stored account (a Page) to write runs and comments for."""
    return StoredAccount(session)
