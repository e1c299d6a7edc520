"""Ground truth of YouTube actions: what an auditor must find, and what it must not."""

from __future__ import annotations

from typing import Any

from modaudit.sandbox.world.youtube import (
    YTApproveAction,
    YTAuthorDeleteAction,
    YTCommentAction,
    YTCommentsAction,
    YTHoldAction,
    YTRejectAction,
    YTVideoAction,
)


class YTTruth:
    """Turns YouTube actions, fed in time order, into (kind, subject id) ground-truth pairs.

    hide (published → held/spam by the channel) and its undo; reject and author-delete of a comment
    an auditor could have seen are `comment_deleted` (actor unknown); comments off and on are
    `replies_restricted` / `replies_reopened`. YouTube's own spam filter and bans are not truths.
    """

    def __init__(self) -> None:
        self._status: dict[str, str] = {}  # comment id -> status
        self._hidden_by_channel: set[str] = set()
        self._comments_on: dict[str, bool] = {}
        self._parents: dict[str, str] = {}  # reply id -> parent id

    def observe(self, action: Any) -> tuple[str, str] | None:
        """The ground truth an action amounts to, if any."""
        if isinstance(action, YTVideoAction):
            self._comments_on[action.video_id] = action.comments_enabled
            return None if action.comments_enabled else ("replies_restricted", action.video_id)
        if isinstance(action, YTCommentsAction):
            before = self._comments_on.get(action.video_id, True)
            self._comments_on[action.video_id] = action.enabled
            if before == action.enabled:
                return None
            return ("replies_reopened" if action.enabled else "replies_restricted", action.video_id)
        if isinstance(action, YTCommentAction):
            self._status[action.comment_id] = "likelySpam" if action.likely_spam else "published"
            if action.parent_id is not None:
                self._parents[action.comment_id] = action.parent_id
            return None
        return self._moderation(action)

    def _moderation(self, action: Any) -> tuple[str, str] | None:
        """Truths of holds, approvals, rejections and author deletions."""
        if isinstance(action, YTHoldAction):
            before = self._status.get(action.comment_id)
            self._status[action.comment_id] = action.status
            if before == "published":
                self._hidden_by_channel.add(action.comment_id)
                return ("comment_hidden", action.comment_id)
            return None
        if isinstance(action, YTApproveAction):
            self._status[action.comment_id] = "published"
            if action.comment_id in self._hidden_by_channel:
                self._hidden_by_channel.discard(action.comment_id)
                return ("comment_unhidden", action.comment_id)
            return None
        if isinstance(action, YTRejectAction | YTAuthorDeleteAction):
            self._status[action.comment_id] = "gone"
            for reply, parent in self._parents.items():
                if parent == action.comment_id:
                    self._status[reply] = "gone"
            return ("comment_deleted", action.comment_id)
        return None
