"""meta webhook deliveries, event sightings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Integer on SQLite so ids autoincrement; BIGINT elsewhere.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webhook_deliveries',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('page_id', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('body_sha256')
    )
    op.create_index('ix_webhook_deliveries_status', 'webhook_deliveries', ['status', 'id'])
    op.create_table('event_sightings',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('event_id', BIG_ID, nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'source', 'seen_at')
    )
    op.create_index('ix_event_sightings_event', 'event_sightings', ['event_id'])


def downgrade() -> None:
    op.drop_index('ix_event_sightings_event', table_name='event_sightings')
    op.drop_table('event_sightings')
    op.drop_index('ix_webhook_deliveries_status', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
