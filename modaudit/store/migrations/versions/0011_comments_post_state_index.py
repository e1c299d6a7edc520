"""comments by post with their candidate state: the diff's "known, live, not seen tonight" from
one index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
from __future__ import annotations

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (post_id, ...) still serves every lookup by post that ix_comments_post served; the state
    # columns let store/state.open_candidates read a complete listing's comments from the index.
    op.create_index('ix_comments_post_state', 'comments',
                    ['post_id', 'gone_at', 'missing_since', 'last_seen_at'])
    op.drop_index('ix_comments_post', table_name='comments')


def downgrade() -> None:
    op.create_index('ix_comments_post', 'comments', ['post_id'])
    op.drop_index('ix_comments_post_state', table_name='comments')
