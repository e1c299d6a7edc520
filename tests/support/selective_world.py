"""The selective-moderation statistics straight from a generated scenario, without the simulator.

The scenario's own actions say which comments the page hid or deleted and whom it banned; the
features are computed from each comment's text as detection would, cached per text so that
hundreds of seeds stay fast.
"""

from __future__ import annotations

import functools

import pandas as pd

from analysis.features import CommentFeatures, built_in_lexicon, features_of
from analysis.selective import GroupResult, assess
from modaudit.sandbox import BanAction, CommentAction, DeleteAction, HideAction, Scenario


@functools.cache
def cached_features(text: str) -> CommentFeatures:
    """Features of a text with the built-in lexicon, computed once per distinct text."""
    return features_of(text, built_in_lexicon())


def scenario_frame(scenario: Scenario, account: str = "page-0") -> pd.DataFrame:
    """One row per comment: its groups, whether the page moderated it, whether its author was
    banned after writing it."""
    moderated = {a.comment_id for a in scenario.actions
                 if (isinstance(a, HideAction) and a.hidden)
                 or (isinstance(a, DeleteAction) and a.by == "page")}
    banned_at = {a.user_id: a.at for a in scenario.actions if isinstance(a, BanAction) and a.banned}
    rows = [{"account": account, "author": a.author_id, "groups": cached_features(a.message).groups,
             "moderated": a.comment_id in moderated,
             "author_blocked": a.author_id in banned_at and a.at < banned_at[a.author_id]}
            for a in scenario.actions if isinstance(a, CommentAction)]
    return pd.DataFrame(rows)


def assess_scenario(scenario: Scenario, *, min_group_size: int = 20,
                    alpha: float = 0.05) -> list[GroupResult]:
    """The analysis' results for a scenario's ground truth."""
    return assess(scenario_frame(scenario), min_group_size=min_group_size, alpha=alpha)
