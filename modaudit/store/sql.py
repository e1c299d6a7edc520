"""SQL helpers the store's modules share: the dialect's upsert-capable INSERT, chunked lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

CHUNK = 500  # ids per IN (...) list: well under SQLite's parameter limit


def dialect_insert(session: Session, model: type) -> Any:
    """The dialect's INSERT, which supports ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def chunks(rows: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """`rows` in slices of at most `size`."""
    for start in range(0, len(rows), size):
        yield rows[start:start + size]
