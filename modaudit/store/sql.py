"""SQL helpers the store's modules share: the dialect's upsert-capable INSERT, chunked lists, a
batched INSERT ... RETURNING in the order of its rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert
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


def insert_returning(session: Session, model: type, rows: Sequence[dict[str, Any]],
                     key: tuple[str, ...]) -> list[Any]:
    """Insert `rows` and return the stored objects in the order of `rows`.

    `key` names columns whose values are unique among `rows` (an account's chain position, an
    event id). SQLAlchemy keeps RETURNING in parameter order on SQLite only by sending one
    statement per row (SQLite has no insert sentinel); batches answered in any order and put
    back in order by `key` are one statement per few hundred rows on both databases.
    """
    if not rows:
        return []
    stored = session.scalars(insert(model).returning(model), list(rows)).all()
    position = {tuple(row[name] for name in key): index for index, row in enumerate(rows)}
    return sorted(stored, key=lambda item: position[tuple(getattr(item, name) for name in key)])
