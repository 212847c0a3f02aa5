#!/usr/bin/env python3
"""How much of a recipe's measured gain survives choosing it: split the tasks in two halves at
random, pick on one half the recipe column with the largest mean paired gain over a baseline
column, and measure that pick on the other half (against the baseline and against a reference
column, such as a peer). Repeated over many splits, the other half's figures estimate the gain
of "the best recipe found" without the selection's optimism.

    scripts/split-half.py results/peers-recipes-u37.json --baseline choose --reference mlp \
        --kind numeric --exclude choose_3000,lr,mlp,rf,hgb

Evaluation only (standard library); the product does not depend on it.
"""

import argparse
import json
import random


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="a peers.py JSON with the recipes as columns")
    ap.add_argument("--baseline", default="choose")
    ap.add_argument("--reference", default="mlp")
    ap.add_argument("--kind", default="numeric")
    ap.add_argument("--exclude", default="", help="comma-separated columns that are not recipes")
    ap.add_argument("--splits", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    tasks = [t for t in json.load(open(args.results))["tasks"] if t["kind"] == args.kind]
    excluded = {args.baseline, args.reference, *filter(None, args.exclude.split(","))}
    recipes = [c for c in tasks[0]["test_accuracy"]
               if c not in excluded and all(c in t["test_accuracy"] for t in tasks)]
    if not recipes:
        raise SystemExit("no recipe column is on every task")

    def gain(column: str, against: str, half: list[dict]) -> float:
        return sum(t["test_accuracy"][column] - t["test_accuracy"][against] for t in half) / len(half)

    rng = random.Random(args.seed)
    over_baseline, over_reference, picks = [], [], {}
    for _ in range(args.splits):
        shuffled = tasks[:]
        rng.shuffle(shuffled)
        pick_half, check_half = shuffled[: len(tasks) // 2], shuffled[len(tasks) // 2:]
        best = max(recipes, key=lambda c: gain(c, args.baseline, pick_half))
        picks[best] = picks.get(best, 0) + 1
        over_baseline.append(gain(best, args.baseline, check_half))
        over_reference.append(gain(best, args.reference, check_half))

    def summary(values: list[float]) -> str:
        values = sorted(values)
        lo, hi = values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]
        return f"{sum(values) / len(values):+.4f} [{lo:+.4f}, {hi:+.4f}]"

    print(f"{len(recipes)} recipes, {len(tasks)} {args.kind} tasks, {args.splits} splits")
    print(f"the pick on its other half - {args.baseline}: {summary(over_baseline)}")
    print(f"the pick on its other half - {args.reference}: {summary(over_reference)}")
    print("picked: " + ", ".join(f"{c} {n}" for c, n in sorted(picks.items(), key=lambda p: -p[1])))


if __name__ == "__main__":
    main()
