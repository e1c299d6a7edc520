"""Benchmark: how often the selective-moderation analysis flags something by chance, and how often
it finds a real bias, over many generated scenarios (statistics straight from each scenario's
actions, as tests/analysis/test_selective.py does for 200 seeds). Prints two lines:
    uniform: F of N scenarios with any group flagged (share), T s
    biased: D of M scenarios with exactly the affected groups flagged at adjusted p < 0.01
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from modaudit.sandbox.scenarios.selective import biased_scenario, uniform_scenario  # noqa: E402
from tests.support.selective_world import assess_scenario  # noqa: E402

AFFECTED = {"language:ku", "topic:criticism"}


def main() -> None:
    """Run the seeds given on the command line and print the shares."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uniform", type=int, default=1000, help="uniform seeds")
    parser.add_argument("--biased", type=int, default=100, help="biased seeds")
    parser.add_argument("--comments", type=int, default=1000, help="comments per scenario")
    args = parser.parse_args()
    started = time.perf_counter()
    flagged = sum(any(r.flagged for r in assess_scenario(uniform_scenario(seed, comments=args.comments)))
                  for seed in range(args.uniform))
    print(f"uniform: {flagged} of {args.uniform} scenarios with any group flagged "
          f"({flagged / max(1, args.uniform):.1%}), {time.perf_counter() - started:.1f} s")
    found = 0
    for seed in range(args.biased):
        results = assess_scenario(biased_scenario(seed, comments=args.comments))
        moderated = {r.group for r in results if r.measure == "moderated" and r.flagged}
        strong = all(r.p_adjusted is not None and r.p_adjusted < 0.01 for r in results
                     if r.measure == "moderated" and r.group in AFFECTED)
        found += moderated == AFFECTED and strong
    print(f"biased: {found} of {args.biased} scenarios with exactly the affected groups flagged "
          "at adjusted p < 0.01")


if __name__ == "__main__":
    main()
