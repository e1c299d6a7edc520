"""un-events wait for confirmation; raw payload digests; brackets checked by the database

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

BRACKET = "occurred_after IS NULL OR occurred_after <= occurred_before"


def upgrade() -> None:
    # An unhide, an unblock or a reopening closes a finding: it is pending until confirmed
    # (a lookup, or a second consecutive observation), so a glitch never closes one.
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unhide_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('unhide_after', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('raw_sha256', sa.String(length=64), nullable=True))
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopen_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reopen_after', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('list_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('absent_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('absent_runs', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_check_constraint('ck_events_bracket', BRACKET)


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('ck_events_bracket', type_='check')
    with op.batch_alter_table('list_entries', schema=None) as batch_op:
        batch_op.drop_column('absent_runs')
        batch_op.drop_column('absent_since')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('reopen_after')
        batch_op.drop_column('reopen_seen_at')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('raw_sha256')
        batch_op.drop_column('unhide_after')
        batch_op.drop_column('unhide_seen_at')
