#!/usr/bin/env python3
"""Pairs two `archrank eval search --max-params ... --json` results budget by budget.

For each parameter budget both results hold, and each loss, prints the mean per-task difference
(after - before) of the found architecture's test accuracy, a 95 % bootstrap interval over tasks
(10,000 resamples, seeded) and the win/loss count, on the tasks where both found one. Used to
measure a change to the budgeted search (e.g. its penalty) on the same held-out tasks. Standard
library only.

usage: scripts/compare-search.py BEFORE.json AFTER.json
"""
import json
import random
import sys

RESAMPLES = 10_000


def per_task(result):
    out = {}

    def put(row, loss, task, v):
        if v is not None and v == v:
            out[(row, loss, task)] = v

    for t in result["tasks"]:
        for b in t.get("budgets", []):
            for loss, f in b["found"].items():
                put(f"within {b['max_params']} parameters", loss, t["task"], f["test_mean"])
        for loss, f in t.get("found", {}).items():
            for s in f.get("shortlist", []):
                put(f"shortlist_{s['k']}", loss, t["task"], s["test_mean"])
    return out


def main(before_path, after_path):
    with open(before_path, encoding="utf-8") as f:
        before = per_task(json.load(f))
    with open(after_path, encoding="utf-8") as f:
        after = per_task(json.load(f))
    keys = sorted({k[:2] for k in before} & {k[:2] for k in after})
    print("| row | loss | tasks | mean difference | 95 % interval | wins / losses |")
    print("|---|---|---:|---:|---:|---:|")
    rng = random.Random(0)
    for row, loss in keys:
        diffs = [after[k] - before[k] for k in after if k[:2] == (row, loss) and k in before]
        n = len(diffs)
        means = sorted(sum(rng.choice(diffs) for _ in range(n)) / n for _ in range(RESAMPLES))
        lo, hi = means[int(0.025 * RESAMPLES)], means[int(0.975 * RESAMPLES) - 1]
        wins = sum(d > 0 for d in diffs)
        losses = sum(d < 0 for d in diffs)
        print(f"| {row} | {loss} | {n} | {sum(diffs) / n:+.4f} | [{lo:+.4f}, {hi:+.4f}] | {wins} / {losses} |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
