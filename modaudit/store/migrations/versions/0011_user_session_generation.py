"""portal sessions that end: a per-user session generation the signed cookie must match

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NOT NULL with a server default: SQLite adds it without rebuilding `users`, and every
    # existing user starts at generation 0 (their sessions, which carry no generation, end).
    op.add_column('users', sa.Column('session_generation', sa.Integer(), nullable=False,
                                     server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
