"""Comments' content features computed while their text exists, and kept (docs/architecture.md §9).

The store reads the texts and keeps the features (`store/comment_features.py`); what a text is
is `analysis/features.py`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from analysis.features import built_in_lexicon, features_of
from analysis.lexicon import Lexicon
from modaudit.clock import utcnow
from modaudit.store.comment_features import save_features, texts_of_run, texts_to_refresh

log = logging.getLogger(__name__)


def compute_features(session: Session, run_id: int, lexicon: Lexicon | None = None) -> int:
    """Features for the comments first stored by run `run_id` that have none yet; returns how many.

    Called by detection in the run's transaction, before retention can erase any of the text.
    """
    return _classify(session, texts_of_run(session, run_id), lexicon or built_in_lexicon())


def refresh_features(session: Session, lexicon: Lexicon) -> int:
    """Compute features for every comment that still has text and none, or older-lexicon ones."""
    done = _classify(session, texts_to_refresh(session, lexicon.fingerprint), lexicon)
    if done:
        log.info("features computed for %d comments (lexicon %s)", done, lexicon.fingerprint)
    return done


def _classify(session: Session, texts: Iterable[Any], lexicon: Lexicon) -> int:
    now = utcnow()
    return save_features(session, [features_of(text, lexicon).row(comment_id, lexicon.fingerprint, now)
                                   for comment_id, text in texts])
