#!/usr/bin/env python3
"""How much of a recipe's measured gain survives choosing it: split the tasks in two halves at
random, pick on one half the recipe column with the largest mean paired gain over a baseline
column, and measure that pick on the other half (against the baseline and against a reference
column, such as a peer). Repeated over many splits, the other half's figures estimate the gain
of "the best recipe found" without the selection's optimism.

    scripts/split-half.py results/peers-recipes-u37.json --baseline choose --kind numeric

Evaluation only (standard library); the product does not depend on it.
"""

import argparse
import json
import random


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="a peers.py JSON with the recipes as columns")
    ap.add_argument("--baseline", default="choose")
    ap.add_argument("--reference", help="default: mlp on numeric tasks, tfidf_lr on text")
    ap.add_argument("--kind", default="numeric")
    ap.add_argument("--exclude", default="choose_3000,lr,mlp,rf,hgb,tfidf_lr,nb",
                    help="comma-separated columns that are not recipes (default: the peers')")
    ap.add_argument("--splits", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    reference = args.reference or ("tfidf_lr" if args.kind == "text" else "mlp")
    with open(args.results, encoding="utf-8") as f:
        tasks = [t for t in json.load(f)["tasks"] if t["kind"] == args.kind]
    if len(tasks) < 2 or args.splits < 1:
        raise SystemExit("need at least two tasks of that kind and one split")
    for column in (args.baseline, reference):
        if not all(column in t["test_accuracy"] for t in tasks):
            raise SystemExit(f"the column {column} is not on every {args.kind} task")
    excluded = {args.baseline, reference, *filter(None, args.exclude.split(","))}
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
        over_reference.append(gain(best, reference, check_half))

    def summary(values: list[float]) -> str:
        values = sorted(values)
        lo, hi = values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]
        return f"{sum(values) / len(values):+.4f} [{lo:+.4f}, {hi:+.4f}]"

    print(f"{len(recipes)} recipes, {len(tasks)} {args.kind} tasks, {args.splits} splits")
    print(f"the pick on its other half - {args.baseline}: {summary(over_baseline)}")
    print(f"the pick on its other half - {reference}: {summary(over_reference)}")
    print("picked: " + ", ".join(f"{c} {n}" for c, n in sorted(picks.items(), key=lambda p: -p[1])))


if __name__ == "__main__":
    main()
