"""Selective moderation: are some kinds of comment hidden, deleted or blocked more than the rest?

Clause (2) forbids discrimination on grounds such as language, political opinion, religion and
ethnic origin. For each account, period and content group (`language:ku`, `topic:criticism`) the
rate of an outcome in the group is compared with the rate among all the account's other comments:
a 2×2 table, the rate ratio with a log-method confidence interval, a one-sided Fisher exact test
(more often in the group) and a Benjamini–Hochberg correction over every group tested for the
account in the period. Outcomes (`measure`):

- `moderated`: the comment was hidden or deleted (a `comment_hidden` event, or `comment_deleted`
  by the account or an unknown actor), at any time so far: a comment unhidden later still counts.
  Only where moderation is observable (Facebook, Instagram; not X).
- `author_blocked`: the comment was written before its author was blocked by the account. The unit
  is still the comment, not the person: no attribute of anyone is inferred or stored. One
  person's comments are not independent, so the p-value comes from a permutation test over which
  commenters were blocked (not Fisher's), and no confidence interval is given.

Only aggregates with their sample sizes leave this module; never an author's id or name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from modaudit import platforms


def _stats() -> Any:
    """scipy.stats, imported when first needed: it takes a second, and most commands never do."""
    import scipy.stats

    return scipy.stats

MEASURES = ("moderated", "author_blocked")
MODERATION_KINDS = ("comment_hidden", "comment_deleted")
MODERATION_ACTORS = ("account", "unknown")
# X shows neither hidden replies nor who deleted one (docs/architecture.md §2): no moderation rate
# there; each platform's descriptor says.
MODERATION_OBSERVABLE = tuple(p.name for p in platforms.REGISTRY.values()
                              if p.moderation_observable)
ALL = "all"
PERMUTATIONS = 2000  # for the blocked-author test; the smallest p it can give is 1/2001


@dataclass(frozen=True)
class GroupResult:
    """One content group of one account compared with the rest of that account's comments."""

    account: str
    measure: str  # moderated | author_blocked
    group: str  # all | language:<code> | topic:<name>
    n: int
    moderated: int | None  # comments in the group with the outcome (None: too few to judge)
    rate: float | None
    n_rest: int | None
    moderated_rest: int | None
    rate_rest: float | None
    rate_ratio: float | None  # None: too few, or no outcome at all in the rest
    ci_low: float | None
    ci_high: float | None
    p_value: float | None  # one-sided Fisher exact, before correction
    p_adjusted: float | None  # Benjamini–Hochberg over the account's tested groups
    flagged: bool
    status: str  # baseline | tested | too_few

    def as_json(self) -> dict[str, Any]:
        """The result as JSON-ready values."""
        return asdict(self)


@dataclass(frozen=True)
class AccountSummary:
    """One account's selective-moderation results for one period."""

    account: str
    platform: str
    comments: int  # with features, created in the period
    unclassified: int  # created in the period, but text erased before features were computed
    results: list[GroupResult]

    @property
    def baselines(self) -> dict[str, GroupResult]:
        """The whole-account row of each measure, by measure."""
        return {r.measure: r for r in self.results if r.status == "baseline"}

    @property
    def flagged(self) -> list[GroupResult]:
        """Groups with the outcome significantly more often than the rest."""
        return [r for r in self.results if r.flagged]

    @property
    def too_few(self) -> list[GroupResult]:
        """Groups (of the moderation measure, else any) too small to judge."""
        return [r for r in self.results if r.status == "too_few"]


def rate_ratio_ci(a: int, n1: int, c: int, n2: int, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval of (a/n1)/(c/n2) by the log method; 0.5 is added to each cell if one is 0."""
    if a == 0 or c == 0:
        a_, n1_, c_, n2_ = a + 0.5, n1 + 1.0, c + 0.5, n2 + 1.0
    else:
        a_, n1_, c_, n2_ = float(a), float(n1), float(c), float(n2)
    log_ratio = math.log((a_ / n1_) / (c_ / n2_))
    se = math.sqrt(1 / a_ - 1 / n1_ + 1 / c_ - 1 / n2_)
    z = float(_stats().norm.ppf(0.5 + level / 2))
    return math.exp(log_ratio - z * se), math.exp(log_ratio + z * se)


def fisher_greater(a: int, n1: int, c: int, n2: int) -> float:
    """One-sided Fisher exact p: is the outcome more frequent in the group than in the rest?"""
    return float(_stats().fisher_exact([[a, n1 - a], [c, n2 - c]], alternative="greater").pvalue)


def assess(frame: pd.DataFrame, *, min_group_size: int, alpha: float) -> list[GroupResult]:
    """Compare every group with the rest, per account and measure.

    `frame` has one row per comment: `account`, `groups` (list of group names), one boolean
    column per measure in MEASURES (missing or all-NA: the measure does not apply to it) and, for
    `author_blocked`, `author`: an anonymous code per commenter within the frame.
    """
    results: list[GroupResult] = []
    for account, comments in frame.groupby("account", sort=True):
        results += _assess_account(str(account), comments, min_group_size, alpha)
    return results


def _assess_account(account: str, comments: pd.DataFrame, min_group_size: int,
                    alpha: float) -> list[GroupResult]:
    groups, in_group = _membership(comments["groups"])
    total = len(comments)
    rows: list[dict[str, Any]] = []
    for measure in MEASURES:
        if measure not in comments or comments[measure].isna().all():
            continue
        if measure == "author_blocked" and "author" not in comments:
            continue
        outcome = comments[measure].fillna(False).astype(bool).to_numpy()
        hits = int(outcome.sum())
        rows.append({"measure": measure, "group": ALL, "n": total, "moderated": hits,
                     "rate": hits / total, "status": "baseline"})
        if hits == 0:
            continue  # nothing to compare: the baseline row says so
        sizes = in_group.sum(axis=0)
        with_outcome = (in_group & outcome[:, None]).sum(axis=0)
        by_author = (blocked_author_p_values(comments["author"].to_numpy(), outcome, in_group)
                     if measure == "author_blocked" else None)
        for index, group in enumerate(groups):
            n, a = int(sizes[index]), int(with_outcome[index])
            rest, c = total - n, hits - a
            if n < min_group_size or rest < min_group_size:
                rows.append({"measure": measure, "group": group, "n": n, "status": "too_few"})
                continue
            row = {"measure": measure, "group": group, "n": n, "moderated": a, "rate": a / n,
                   "n_rest": rest, "moderated_rest": c, "rate_rest": c / rest,
                   "rate_ratio": (a / n) / (c / rest) if c else None, "status": "tested"}
            if by_author is None:
                row["ci_low"], row["ci_high"] = rate_ratio_ci(a, n, c, rest, level=1 - alpha)
                row["p_value"] = fisher_greater(a, n, c, rest)
            else:  # one person's comments are not independent: no interval, a permutation p
                row["p_value"] = float(by_author[index])
            rows.append(row)
    tested = [row for row in rows if row["status"] == "tested"]
    if tested:
        adjusted = _stats().false_discovery_control(np.array([row["p_value"] for row in tested]),
                                                    method="bh")
        for row, p_adjusted in zip(tested, adjusted.tolist(), strict=True):
            row["p_adjusted"] = min(1.0, float(p_adjusted))
            row["flagged"] = row["p_adjusted"] < alpha and row["rate"] > row["rate_rest"]
    return [_result(account, row) for row in rows]


def blocked_author_p_values(authors: np.ndarray, outcome: np.ndarray, in_group: np.ndarray,
                            permutations: int = PERMUTATIONS, seed: int = 0) -> np.ndarray:
    """Per group, a one-sided permutation p for "blocked authors' comments are more often in it".

    The statistic is the share of the blocked authors' comments that are in the group; under the
    null, blocking is unrelated to content, so any set of as many commenters is as likely to be
    the blocked one. Commenters are anonymous codes here, and nothing about them is kept.
    """
    codes, uniques = pd.factorize(authors)
    per_author = np.zeros((len(uniques), in_group.shape[1]))
    np.add.at(per_author, codes, in_group)
    written = np.bincount(codes, minlength=len(uniques)).astype(float)
    blocked = np.zeros(len(uniques), dtype=bool)
    blocked[codes[outcome]] = True
    observed = per_author[blocked].sum(axis=0) / written[blocked].sum()
    rng = np.random.default_rng(seed)  # fixed: the same store always gives the same p-values
    count = int(blocked.sum())
    at_least = np.zeros(in_group.shape[1])
    batch = max(1, 4_000_000 // (len(uniques) + count * in_group.shape[1]))  # bounded memory
    for start in range(0, permutations, batch):
        picks = _random_subsets(rng, len(uniques), count, min(batch, permutations - start))
        shares = per_author[picks].sum(axis=1) / written[picks].sum(axis=1)[:, None]
        at_least += (shares >= observed - 1e-12).sum(axis=0)
    return (1 + at_least) / (1 + permutations)


def _random_subsets(rng: np.random.Generator, population: int, size: int, count: int) -> np.ndarray:
    """`count` random subsets of `size` distinct indices below `population`, one per row."""
    if size * 4 > population:  # many: order random keys
        keys = rng.random((count, population))
        return np.argpartition(keys, size - 1, axis=1)[:, :size]
    picks = rng.integers(population, size=(count, size))
    while True:  # few (the usual case): draw, and draw again the rows with a repeat
        ordered = np.sort(picks, axis=1)
        repeated = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if not repeated.any():
            return picks
        picks[repeated] = rng.integers(population, size=(int(repeated.sum()), size))


def _membership(groups: pd.Series) -> tuple[list[str], np.ndarray]:
    """The distinct groups (languages first) and a comments × groups boolean matrix."""
    flat = [group for comment_groups in groups for group in comment_groups]
    names = sorted(set(flat), key=_group_order)
    column = {name: index for index, name in enumerate(names)}
    matrix = np.zeros((len(groups), len(names)), dtype=bool)
    rows = np.repeat(np.arange(len(groups)), [len(comment_groups) for comment_groups in groups])
    matrix[rows, [column[group] for group in flat]] = True
    return names, matrix


def _group_order(group: str) -> tuple[int, str]:
    kind, _, _ = group.partition(":")
    return (0 if kind == "language" else 1, group)


def _result(account: str, row: dict[str, Any]) -> GroupResult:
    fields = {name: row.get(name) for name in GroupResult.__dataclass_fields__}
    fields.update(account=account, flagged=bool(row.get("flagged", False)))
    return GroupResult(**fields)


def comment_frame(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
    """The frame `assess` reads, from classified comments as `store.comment_features` reads them.

    Each row is (account, platform, language, topics, moderated, author_blocked, author_id).
    Rows carry the account, the comment's content groups, its outcomes and, for the permutation
    test, an anonymous code of its author valid only inside this frame: no id, no name.
    """
    columns = ["account", "platform", "language", "topics", "moderated", "author_blocked",
               "author_id"]
    frame = pd.DataFrame(list(rows), columns=columns)
    frame["author"] = _anonymous_codes(frame.pop("author_id"))
    frame["groups"] = [[f"language:{language}", *(f"topic:{t}" for t in topics or [])]
                       for language, topics in zip(frame["language"], frame["topics"], strict=True)]
    frame["moderated"] = frame["moderated"].astype("boolean")
    frame.loc[~frame["platform"].isin(MODERATION_OBSERVABLE), "moderated"] = pd.NA
    frame["author_blocked"] = frame["author_blocked"].astype("boolean")
    return frame


def _anonymous_codes(author_ids: pd.Series) -> np.ndarray:
    """A code per distinct author in this frame only; each comment of unknown author its own."""
    codes, _ = pd.factorize(author_ids)
    unknown = codes < 0
    codes[unknown] = codes.max(initial=-1) + 1 + np.arange(int(unknown.sum()))
    return codes


def summarise_accounts(frame: pd.DataFrame, unclassified: Mapping[str, int],
                       platforms: Mapping[str, str], accounts: Sequence[str] | None, *,
                       min_group_size: int, alpha: float) -> list[AccountSummary]:
    """Each account's results from its comments' frame; `platforms` names every stored account.

    `accounts` None means every account in `platforms`; names not stored are left out.
    """
    results = assess(frame, min_group_size=min_group_size, alpha=alpha) if len(frame) else []
    names = list(accounts) if accounts is not None else sorted(platforms)
    counts = frame.groupby("account").size().to_dict() if len(frame) else {}
    return [AccountSummary(account=name, platform=platforms.get(name, ""),
                           comments=int(counts.get(name, 0)), unclassified=unclassified.get(name, 0),
                           results=[r for r in results if r.account == name])
            for name in names if name in platforms]
