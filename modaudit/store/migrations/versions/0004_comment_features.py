"""comment features for the selective-moderation analysis

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Integer on SQLite so ids autoincrement; BIGINT elsewhere.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Content features of a comment only; nothing here describes the person who wrote it.
    op.create_table('comment_features',
    sa.Column('comment_id', BIG_ID, nullable=False),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('language_confidence', sa.Float(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('lexicon', sa.String(length=16), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id']),
    sa.PrimaryKeyConstraint('comment_id')
    )


def downgrade() -> None:
    op.drop_table('comment_features')
