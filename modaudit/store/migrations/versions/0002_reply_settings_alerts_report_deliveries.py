"""reply settings, alerts, report deliveries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Integer on SQLite so ids autoincrement; BIGINT elsewhere.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_deliveries',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('institution', sa.String(length=300), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('failures', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'institution', 'period')
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alerted_at', sa.DateTime(timezone=True), nullable=True))

    op.create_index('ix_comment_obs_comment_run', 'comment_observations', ['comment_id', 'run_id'])

    with op.batch_alter_table('post_listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_settings', sa.String(length=40), nullable=True))

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_settings', sa.String(length=40), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('reply_settings')

    with op.batch_alter_table('post_listings', schema=None) as batch_op:
        batch_op.drop_column('reply_settings')

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('alerted_at')

    op.drop_index('ix_comment_obs_comment_run', table_name='comment_observations')
    op.drop_table('report_deliveries')
