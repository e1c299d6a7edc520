"""Selective-moderation statistics on constructed tables and generated scenarios (no server)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import hypergeom

from analysis.selective import (
    assess,
    blocked_author_p_values,
    fisher_greater,
    rate_ratio_ci,
)
from modaudit.sandbox.scenarios.selective import biased_scenario
from tests.support.selective_world import assess_scenario

AFFECTED = {"language:ku", "topic:criticism"}


def _frame(*blocks: tuple[tuple[str, ...], int, int]) -> pd.DataFrame:
    """Comments of one account: for each block, `total` comments in `groups`, `moderated` of them."""
    rows = []
    for groups, moderated, total in blocks:
        rows += [{"account": "a", "groups": list(groups), "moderated": n < moderated,
                  "author_blocked": False, "author": len(rows) + n} for n in range(total)]
    return pd.DataFrame(rows)


def _bh(p_values: list[float]) -> list[float]:
    """Benjamini–Hochberg, written out: p(i)·m/i, then the running minimum from the largest."""
    order = np.argsort(p_values)
    m = len(p_values)
    scaled = [p_values[i] * m / (rank + 1) for rank, i in enumerate(order)]
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    result = [0.0] * m
    for rank, i in enumerate(order):
        result[i] = min(1.0, float(adjusted[rank]))
    return result


def test_rate_ratio_interval_by_the_log_method() -> None:
    assert rate_ratio_ci(10, 100, 20, 400) == pytest.approx((0.96693, 4.13679), rel=1e-4)
    # A zero cell: 0.5 is added to each cell for the interval only.
    assert rate_ratio_ci(5, 50, 0, 200) == pytest.approx((2.43677, 771.300), rel=1e-4)
    low, high = rate_ratio_ci(10, 100, 20, 400, level=0.99)
    assert low < 0.96693 and high > 4.13679


def test_fisher_is_the_one_sided_hypergeometric_tail() -> None:
    a, n1, c, n2 = 12, 60, 20, 440
    assert fisher_greater(a, n1, c, n2) == pytest.approx(hypergeom.sf(a - 1, n1 + n2, a + c, n1))
    assert fisher_greater(0, 60, 20, 440) == pytest.approx(1.0)


def test_groups_are_compared_with_the_rest_and_adjusted_together() -> None:
    frame = _frame((("language:tr",), 20, 400), (("language:ku",), 15, 60),
                   (("language:tr", "topic:criticism"), 10, 40), (("language:de",), 1, 5))
    results = {(r.measure, r.group): r for r in assess(frame, min_group_size=20, alpha=0.05)}
    base = results[("moderated", "all")]
    assert (base.status, base.n, base.moderated, base.p_value) == ("baseline", 505, 46, None)
    ku = results[("moderated", "language:ku")]
    assert (ku.n, ku.moderated, ku.n_rest, ku.moderated_rest) == (60, 15, 445, 31)
    assert ku.rate == pytest.approx(0.25) and ku.rate_ratio == pytest.approx(0.25 / (31 / 445))
    assert (ku.ci_low, ku.ci_high) == pytest.approx(rate_ratio_ci(15, 60, 31, 445))
    tested = [r for r in results.values() if r.status == "tested"]
    assert {r.group for r in tested} == {"language:tr", "language:ku", "topic:criticism"}
    expected = _bh([r.p_value for r in tested])
    assert [r.p_adjusted for r in tested] == pytest.approx(expected)
    flagged = {r.group for r in tested if r.flagged}
    assert flagged == {"language:ku", "topic:criticism"}
    assert not results[("moderated", "language:tr")].flagged  # less often than the rest
    # Nobody was blocked: one baseline row, nothing to compare.
    assert [r.group for r in results.values() if r.measure == "author_blocked"] == ["all"]


def test_groups_below_the_minimum_are_too_few_to_judge_never_a_result() -> None:
    frame = _frame((("language:tr",), 5, 100), (("language:de",), 8, 8),
                   (("language:tr", "topic:health"), 1, 30))
    results = {r.group: r for r in assess(frame, min_group_size=20, alpha=0.05)
               if r.measure == "moderated"}
    small = results["language:de"]  # 8 of 8 moderated, and still no verdict
    assert small.status == "too_few" and small.n == 8 and not small.flagged
    assert (small.moderated, small.rate, small.rate_ratio, small.p_value, small.p_adjusted) == (
        None, None, None, None, None)
    everything_else = results["language:tr"]  # 130 in the group, only 8 outside it
    assert everything_else.status == "too_few"
    assert results["topic:health"].status == "tested"
    big = assess(frame, min_group_size=5, alpha=0.05)
    assert next(r for r in big if r.group == "language:de").flagged


def test_a_group_moderated_while_the_rest_never_is_has_no_ratio_but_an_interval() -> None:
    frame = _frame((("language:tr",), 0, 200), (("language:ku",), 12, 40))
    ku = next(r for r in assess(frame, min_group_size=20, alpha=0.05) if r.group == "language:ku")
    assert ku.rate_ratio is None and ku.ci_low is not None and ku.ci_low > 1 and ku.flagged


def test_blocked_authors_are_tested_by_permuting_who_was_blocked() -> None:
    rng = np.random.default_rng(7)
    authors = np.repeat(np.arange(100), 5)  # 100 commenters, 5 comments each
    in_group = np.zeros((500, 2), dtype=bool)
    in_group[:, 0] = authors < 20  # group 0: what the first 20 commenters write
    in_group[:, 1] = rng.random(500) < 0.2  # group 1: scattered
    blocked = np.isin(authors, [1, 3, 5, 7])  # four commenters of group 0
    p_values = blocked_author_p_values(authors, blocked, in_group)
    assert p_values[0] < 0.01 and p_values[1] > 0.05
    assert (blocked_author_p_values(authors, blocked, in_group) == p_values).all()  # reproducible


@pytest.mark.parametrize("seed", range(5))
def test_biased_moderation_flags_exactly_the_affected_groups(seed: int) -> None:
    results = assess_scenario(biased_scenario(seed))
    moderated = {r.group: r for r in results if r.measure == "moderated" and r.status == "tested"}
    assert all(moderated[group].p_adjusted < 0.01 for group in AFFECTED)
    flagged = {(r.measure, r.group) for r in results if r.flagged}
    assert {g for m, g in flagged if m == "moderated"} == AFFECTED
    assert {g for m, g in flagged if m == "author_blocked"} <= {"language:ku"}  # Kurdish authors banned
