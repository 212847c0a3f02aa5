#!/usr/bin/env python3
"""Pairs two `archrank eval search --json` results row by row.

For each row both results hold (the found architecture, soft and discretized; each parameter
budget; each shortlist size) and each loss, prints the mean per-task difference (after - before)
of the test accuracy, a 95 % bootstrap interval over tasks (10,000 resamples, seeded) and the
win/loss count, on the tasks where both have one; then, per loss, on how many tasks both found
the same discrete architecture. Used to measure a change to the search (its penalty, its
shortlist, quantized weights, fewer steps) on the same held-out tasks. Standard library only.

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
            put("found", loss, t["task"], f.get("test_mean"))
            put("found, discretized", loss, t["task"], f.get("discrete_test_mean"))
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
    with open(before_path, encoding="utf-8") as f:
        before_arch = discrete_per_task(json.load(f))
    with open(after_path, encoding="utf-8") as f:
        after_arch = discrete_per_task(json.load(f))
    for loss in sorted({k[0] for k in before_arch} & {k[0] for k in after_arch}):
        both = [k for k in after_arch if k[0] == loss and k in before_arch]
        same = sum(after_arch[k] == before_arch[k] for k in both)
        print(f"\n{loss}: the same discrete architecture on {same} of {len(both)} tasks")


def discrete_per_task(result):
    return {
        (loss, t["task"]): f.get("discrete")
        for t in result["tasks"]
        for loss, f in t.get("found", {}).items()
    }


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
