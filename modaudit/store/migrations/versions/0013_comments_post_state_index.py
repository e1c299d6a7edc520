"""the diff from indexes alone: comments by post with their candidate state, a run's
observations with the visibility they saw

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""
from __future__ import annotations

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (post_id, ...) still serves every lookup by post that ix_comments_post served; the state
    # columns let store/state.open_candidates read a complete listing's comments from the index.
    op.create_index('ix_comments_post_state', 'comments',
                    ['post_id', 'gone_at', 'missing_since', 'last_seen_at'])
    op.drop_index('ix_comments_post', table_name='comments')
    # (run_id, post_id, ...) serves what ix_comment_obs_run_post served; with the comment and
    # its visibility, store/changes.visibility_changes reads a run's observations from it.
    op.create_index('ix_comment_obs_run_post_seen', 'comment_observations',
                    ['run_id', 'post_id', 'comment_id', 'is_hidden'])
    op.drop_index('ix_comment_obs_run_post', table_name='comment_observations')


def downgrade() -> None:
    op.create_index('ix_comment_obs_run_post', 'comment_observations', ['run_id', 'post_id'])
    op.drop_index('ix_comment_obs_run_post_seen', table_name='comment_observations')
    op.create_index('ix_comments_post', 'comments', ['post_id'])
    op.drop_index('ix_comments_post_state', table_name='comments')
