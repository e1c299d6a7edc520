"""Bluesky's Jetstream: the stored cursor, the commits received, the records they built

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'jetstream_cursors',
        sa.Column('stream', sa.String(40), primary_key=True),
        sa.Column('time_us', sa.BigInteger(), nullable=False),
        sa.Column('updated_at', TS, nullable=False),
    )
    op.create_table(
        'jetstream_commits',
        sa.Column('id', BIG, primary_key=True),
        sa.Column('received_at', TS, nullable=False),
        sa.Column('did', sa.String(100), nullable=False),
        sa.Column('time_us', sa.BigInteger(), nullable=False),
        sa.Column('dedup_key', sa.String(400), nullable=False, unique=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_sha256', sa.String(64), nullable=False),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('processed_at', TS, nullable=True),
    )
    op.create_index('ix_jetstream_commits_status', 'jetstream_commits', ['status', 'time_us', 'id'])
    op.create_table(
        'bluesky_records',
        sa.Column('id', BIG, primary_key=True),
        sa.Column('account_id', BIG, sa.ForeignKey('accounts.id'), nullable=False),
        sa.Column('uri', sa.String(300), nullable=False),
        sa.Column('collection', sa.String(60), nullable=False),
        sa.Column('cid', sa.String(100), nullable=True),
        sa.Column('rev', sa.String(40), nullable=True),
        sa.Column('value', sa.JSON(), nullable=True),
        sa.Column('time_us', sa.BigInteger(), nullable=False),
        sa.Column('updated_at', TS, nullable=False),
        sa.UniqueConstraint('account_id', 'uri'),
    )


def downgrade() -> None:
    op.drop_table('bluesky_records')
    op.drop_index('ix_jetstream_commits_status', table_name='jetstream_commits')
    op.drop_table('jetstream_commits')
    op.drop_table('jetstream_cursors')
