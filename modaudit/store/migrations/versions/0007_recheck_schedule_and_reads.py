"""decaying re-checks: per-post listing state; reads and resources per run and endpoint

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_complete_listing_run', BigId, nullable=True))
        batch_op.add_column(sa.Column('last_complete_listing_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('comment_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recheck_requested_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('newest_reply_id', sa.String(length=100), nullable=True))
        batch_op.create_foreign_key('fk_posts_last_complete_listing_run', 'runs',
                                    ['last_complete_listing_run'], ['id'])
    with op.batch_alter_table('post_listings', schema=None) as batch_op:
        # Why a listing was deliberately not (fully) made: schedule, budget, new_only.
        batch_op.add_column(sa.Column('skipped', sa.String(length=20), nullable=True))
    op.create_table(
        'run_reads',
        sa.Column('run_id', BigId, sa.ForeignKey('runs.id'), primary_key=True),
        sa.Column('endpoint', sa.String(length=200), primary_key=True),
        sa.Column('resource_kind', sa.String(length=20), primary_key=True),
        sa.Column('requests', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('resources', sa.Integer(), nullable=False, server_default='0'),
    )
    # Existing posts: their last complete listing is the latest complete one already stored.
    op.execute("""
        UPDATE posts SET last_complete_listing_run = (
            SELECT MAX(pl.run_id) FROM post_listings pl
            WHERE pl.post_id = posts.id AND pl.complete = true)
    """)
    op.execute("""
        UPDATE posts SET last_complete_listing_at = (
            SELECT r.fetched_at FROM runs r WHERE r.id = posts.last_complete_listing_run)
        WHERE last_complete_listing_run IS NOT NULL
    """)


def downgrade() -> None:
    op.drop_table('run_reads')
    with op.batch_alter_table('post_listings', schema=None) as batch_op:
        batch_op.drop_column('skipped')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_constraint('fk_posts_last_complete_listing_run', type_='foreignkey')
        batch_op.drop_column('newest_reply_id')
        batch_op.drop_column('recheck_requested_at')
        batch_op.drop_column('comment_count')
        batch_op.drop_column('last_complete_listing_at')
        batch_op.drop_column('last_complete_listing_run')
