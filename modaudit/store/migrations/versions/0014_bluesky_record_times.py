"""Bluesky's records: a list entry's own time and evidence (a block record's createdAt, at-uri,
cid), whether a run read the postgates whole, and the quotes they detach now

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Nullable: the other platforms' lists carry no dates, and older rows had none.
    with op.batch_alter_table('list_observations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_at', TS, nullable=True))
        batch_op.add_column(sa.Column('record', sa.JSON(), nullable=True))
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quotes_complete', sa.Boolean(), nullable=True))
    op.create_table(
        'detached_quotes',
        sa.Column('id', BIG, primary_key=True),
        sa.Column('account_id', BIG, sa.ForeignKey('accounts.id'), nullable=False),
        sa.Column('post_id', sa.String(100), nullable=False),
        sa.Column('quote_uri', sa.String(100), nullable=False),
        sa.Column('record_uri', sa.Text(), nullable=False),
        sa.Column('quote_author', sa.Text(), nullable=True),
        sa.Column('quote_text', sa.Text(), nullable=True),
        sa.Column('first_seen_at', TS, nullable=False),
        sa.Column('first_seen_run_id', BIG, sa.ForeignKey('runs.id'), nullable=False),
        sa.UniqueConstraint('account_id', 'post_id', 'quote_uri'),
    )


def downgrade() -> None:
    op.drop_table('detached_quotes')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('quotes_complete')
    with op.batch_alter_table('list_observations', schema=None) as batch_op:
        batch_op.drop_column('record')
        batch_op.drop_column('recorded_at')
