"""the web portal: users, one-time tokens, login attempts, review attachments, search folds

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-02
"""
from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fold(*parts: str | None) -> str | None:
    # Frozen copy of modaudit/store/search.fold as of this revision (a migration must not change
    # when the code does): İ, I, ı and i are one letter; the rest casefolded.
    text = " ".join(p for p in parts if p)
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    for letter in ("İ", "I", "ı"):
        text = text.replace(letter, "i")
    return unicodedata.normalize("NFC", text.casefold()).replace("\u0307", "")


def upgrade() -> None:
    op.create_table(
        'users',
        sa.Column('id', BIG, primary_key=True),
        sa.Column('email', sa.String(320), nullable=False, unique=True),
        sa.Column('role', sa.String(20), nullable=False),
        sa.Column('institutions', sa.JSON(), nullable=False),
        sa.Column('password_hash', sa.String(200), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column('created_at', TS, nullable=False),
    )
    op.create_table(
        'user_tokens',
        sa.Column('id', BIG, primary_key=True),
        sa.Column('user_id', BIG, sa.ForeignKey('users.id'), nullable=False),
        sa.Column('token_sha256', sa.String(64), nullable=False, unique=True),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('expires_at', TS, nullable=False),
        sa.Column('used_at', TS, nullable=True),
    )
    op.create_index('ix_user_tokens_user_id', 'user_tokens', ['user_id'])
    op.create_table(
        'login_attempts',
        sa.Column('id', BIG, primary_key=True),
        sa.Column('email', sa.String(320), nullable=False),
        sa.Column('address', sa.String(64), nullable=False),
        sa.Column('at', TS, nullable=False),
        sa.Column('succeeded', sa.Boolean(), nullable=False),
    )
    op.create_index('ix_login_attempts_email', 'login_attempts', ['email', 'at'])
    op.create_index('ix_login_attempts_address', 'login_attempts', ['address', 'at'])
    with op.batch_alter_table('finding_reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_behalf_of', sa.String(200), nullable=True))
    op.create_table(
        'finding_attachments',
        sa.Column('id', BIG, primary_key=True),
        sa.Column('finding_id', BIG, sa.ForeignKey('findings.id'), nullable=False),
        sa.Column('review_id', BIG, sa.ForeignKey('finding_reviews.id'), nullable=False),
        sa.Column('filename', sa.String(255), nullable=False),
        sa.Column('content_type', sa.String(100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
    )
    op.create_index('ix_finding_attachments_finding_id', 'finding_attachments', ['finding_id'])
    op.create_index('ix_finding_attachments_review_id', 'finding_attachments', ['review_id'])
    op.create_index('ix_findings_account_status', 'findings', ['account_id', 'status', 'id'])
    op.create_index('ix_findings_status_severity', 'findings', ['status', 'severity', 'id'])
    op.create_index('ix_findings_kind', 'findings', ['kind', 'id'])
    op.create_index('ix_findings_detected', 'findings', ['detected_at'])
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_fold', sa.Text(), nullable=True))
    _backfill()


def _backfill() -> None:
    """Fold the texts of existing findings; offline (--sql) mode has no rows to read."""
    if op.get_context().as_sql:
        return
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT f.id, c.author_name, c.message, l.user_name FROM findings f "
        "LEFT JOIN comments c ON c.account_id = f.account_id AND c.platform_id = f.subject_id "
        "AND f.kind LIKE 'comment%' "
        "LEFT JOIN list_entries l ON l.account_id = f.account_id AND l.user_id = f.subject_id "
        "AND f.kind LIKE 'user%'")).all()
    folds: dict[int, str | None] = {}
    for pk, author, message, user in rows:  # a user on both lists: either name matches
        folds[pk] = " ".join(filter(None, (folds.get(pk), _fold(author, message, user)))) or None
    updates = [{"pk": pk, "fold": fold} for pk, fold in folds.items() if fold]
    if updates:
        findings = sa.table('findings', sa.column('id'), sa.column('search_fold'))
        bind.execute(findings.update().where(findings.c.id == sa.bindparam("pk"))
                     .values(search_fold=sa.bindparam("fold")), updates)


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild of findings would break the foreign
    # keys of its reviews and attachments.
    op.drop_column('findings', 'search_fold')
    for name in ('ix_findings_detected', 'ix_findings_kind', 'ix_findings_status_severity',
                 'ix_findings_account_status'):
        op.drop_index(name, table_name='findings')
    op.drop_table('finding_attachments')
    op.drop_column('finding_reviews', 'on_behalf_of')
    op.drop_table('login_attempts')
    op.drop_table('user_tokens')
    op.drop_table('users')
