"""candidates that stay candidates, visibility that may be unknown, archive digests

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A comment missing from a complete listing stays a candidate until it reappears or a lookup
    # says it is gone; the lookups it had and when one last answered "present" bound its bracket.
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('missing_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('present_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_lookup_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('lookups', sa.Integer(), nullable=False, server_default='0'))
        batch_op.alter_column('is_hidden', existing_type=sa.Boolean(), nullable=True)
    op.create_index('ix_comments_account_missing', 'comments', ['account_id', 'missing_since'])
    # An answer that did not say whether a comment is hidden is stored as unknown, not visible.
    with op.batch_alter_table('comment_observations', schema=None) as batch_op:
        batch_op.alter_column('is_hidden', existing_type=sa.Boolean(), nullable=True)
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_digest', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('content_digest')
    with op.batch_alter_table('comment_observations', schema=None) as batch_op:
        batch_op.alter_column('is_hidden', existing_type=sa.Boolean(), nullable=False)
    op.drop_index('ix_comments_account_missing', table_name='comments')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.alter_column('is_hidden', existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_column('lookups')
        batch_op.drop_column('last_lookup_at')
        batch_op.drop_column('present_at')
        batch_op.drop_column('missing_since')
