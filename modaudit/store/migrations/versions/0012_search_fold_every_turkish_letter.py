"""search folds every Turkish letter: ç c, ğ g, ö o, ş s, ü u (and â î û) as well as İ I ı i

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BATCH = 1000
_findings = sa.table('findings', sa.column('id'), sa.column('search_fold'))


def _fold(text: str) -> str:
    # Frozen copy of modaudit/store/search.fold as of this revision (a migration must not change
    # when the code does). Applied to a fold 0009 stored it gives the fold of the original text:
    # 0009's steps are this one's first steps, and casefolding twice changes nothing.
    text = unicodedata.normalize("NFC", text)
    for letter in ("İ", "I", "ı"):
        text = text.replace(letter, "i")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def upgrade() -> None:
    """Refold the stored folds (an erased one stays erased); offline mode has no rows to read."""
    if op.get_context().as_sql:
        return
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.select(_findings.c.id, _findings.c.search_fold)
                            .where(_findings.c.id > last, _findings.c.search_fold.is_not(None))
                            .order_by(_findings.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1][0]
        changed = [{"pk": pk, "fold": _fold(text)} for pk, text in rows if _fold(text) != text]
        if changed:
            bind.execute(_findings.update().where(_findings.c.id == sa.bindparam("pk"))
                         .values(search_fold=sa.bindparam("fold")), changed)


def downgrade() -> None:
    # The finer fold still finds what the older one did on the stored side; queries folded the
    # old way would miss words with ç ğ ö ş ü, so a downgrade refolds nothing it cannot undo.
    pass
