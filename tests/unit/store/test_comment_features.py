"""Comment features kept in the store (intake/classify.py over store/comment_features.py), and what
the selective statistics read back: on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.features import built_in_lexicon
from analysis.lexicon import load_lexicon
from analysis.selective import MODERATION_ACTORS, MODERATION_KINDS
from collectors.records import CommentRecord
from modaudit.intake.classify import compute_features, refresh_features
from modaudit.report.selective_section import summarise
from modaudit.store.comment_features import classified_comments, unclassified_counts
from modaudit.store.schema import CommentFeature
from tests.support.stored_runs import WRITTEN, StoredAccount, at, comment, new_event, open_session

KURDISH = "Ez dixwazim bi zimanê xwe binivîsim, çima şîroveya min hat jêbirin?"
CRITICISM = "Valilik yorumları siliyor, bu bir rezalet ve sansür!"


@pytest.fixture
def session(migrated: str) -> Iterator[Session]:
    with open_session(migrated) as session:
        yield session


def silent(platform_id: str) -> CommentRecord:
    """A comment whose text the platform did not give: nothing to classify."""
    return CommentRecord(platform_id=platform_id, post_id="p1", parent_id=None, author_id="a9",
                         author_name=None, message=None, created_at=WRITTEN, is_hidden=False,
                         raw={"id": platform_id})


def features(session: Session) -> dict[int, tuple[str, list[str], str]]:
    return {row.comment_id: (row.language, list(row.topics), row.lexicon)
            for row in session.scalars(select(CommentFeature)
                                       .execution_options(populate_existing=True))}


def test_a_runs_new_comments_are_classified_once(session: Session) -> None:
    """The comments a run stored first with text get one row each; running again adds none."""
    page = StoredAccount(session)
    run_id = page.run(at(0), {"p1": [comment("c1", text=CRITICISM, author="a1"),
                                     comment("c2", text=KURDISH, author="a2"), silent("c3")]})
    assert compute_features(session, run_id) == 2
    kept = features(session)
    fingerprint = built_in_lexicon().fingerprint
    assert kept[page.comment_pk("c1")] == ("tr", ["criticism"], fingerprint)
    assert kept[page.comment_pk("c2")][0] == "ku"
    assert page.comment_pk("c3") not in kept
    assert compute_features(session, run_id) == 0


def test_a_new_lexicon_classifies_again_and_replaces(session: Session) -> None:
    """A lexicon with another fingerprint recomputes every comment with text, one row each."""
    page = StoredAccount(session)
    run_id = page.run(at(0), {"p1": [comment("c1", text=CRITICISM), comment("c2", text=KURDISH)]})
    compute_features(session, run_id)
    assert refresh_features(session, built_in_lexicon()) == 0  # same lexicon: nothing to do
    english_only = load_lexicon(built_in=["en.toml"])
    assert english_only.fingerprint != built_in_lexicon().fingerprint
    assert refresh_features(session, english_only) == 2
    kept = features(session)
    assert len(kept) == 2
    assert {lexicon for _, _, lexicon in kept.values()} == {english_only.fingerprint}
    assert kept[page.comment_pk("c1")][1] == []  # the Turkish words are not in the English list


def test_the_statistics_read_outcomes_and_the_unclassified(session: Session) -> None:
    """A hidden comment is `moderated`, a comment whose author was blocked later is
    `author_blocked`; comments without features are counted apart; no author id leaves."""
    page = StoredAccount(session)
    run_id = page.run(at(0), {"p1": [comment("c1", text=CRITICISM, author="a1"),
                                     comment("c2", text=KURDISH, author="a2"), silent("c3")]})
    compute_features(session, run_id)
    page.record([new_event("comment_hidden", "c1", at(24), after=at(0)),
                 new_event("user_blocked", "a2", at(24), after=at(0), post=None)], now=at(24))
    rows = classified_comments(session, ["valilik"], None, None, moderation_kinds=MODERATION_KINDS,
                               moderation_actors=MODERATION_ACTORS)
    outcomes = sorted((language, bool(moderated), bool(blocked))
                      for _, _, language, _, moderated, blocked, _ in rows)
    assert outcomes == [("ku", False, True), ("tr", True, False)]
    assert unclassified_counts(session, ["valilik"], None, None) == {"valilik": 1}
    [summary] = summarise(session, None, None, None, min_group_size=1, alpha=0.05)
    assert (summary.account, summary.platform, summary.comments, summary.unclassified) == (
        "valilik", "facebook", 2, 1)
    baseline = summary.baselines["moderated"]
    assert (baseline.n, baseline.moderated) == (2, 1)


def test_a_period_keeps_to_when_comments_were_written(session: Session) -> None:
    """Only comments written in [since, until) are read."""
    run_id = StoredAccount(session).run(at(0), {"p1": [comment("c1", text=CRITICISM, at=at(-10)),
                                                       comment("c2", text=KURDISH, at=at(-2))]})
    compute_features(session, run_id)
    rows = classified_comments(session, None, at(-5), at(0), moderation_kinds=MODERATION_KINDS,
                               moderation_actors=MODERATION_ACTORS)
    assert [language for _, _, language, *_ in rows] == ["ku"]
