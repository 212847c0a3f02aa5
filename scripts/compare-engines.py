#!/usr/bin/env python3
"""Pairs the core's child training in two `archrank eval engines --json` results.

Both results must draw the same architectures (same --seed, --preset, --architectures and
--max-params); they differ in the core's optimizer or step size. Prints, per task (the mean over
its architectures), the mean difference of the core's test accuracy (after - before) with a 95 %
bootstrap interval over tasks (10,000 resamples, seeded) and the win/loss count, then each
result's core and trainer means. Standard library only.

usage: scripts/compare-engines.py BEFORE.json AFTER.json
"""
import json
import random
import sys

RESAMPLES = 10_000


def per_task(result):
    rows = {}
    for r in result["rows"]:
        if r["core"] == r["core"]:
            rows.setdefault(r["task"], {})[r["discrete"]] = r["core"]
    return rows


def main():
    before, after = (json.load(open(path)) for path in sys.argv[1:3])
    b, a = per_task(before), per_task(after)
    diffs = []
    for task in sorted(set(b) & set(a)):
        shared = sorted(set(b[task]) & set(a[task]))
        if shared:
            diffs.append(sum(a[task][d] - b[task][d] for d in shared) / len(shared))
    rng = random.Random(0)
    n = len(diffs)
    means = sorted(sum(rng.choice(diffs) for _ in range(n)) / n for _ in range(RESAMPLES))
    lo, hi = means[int(0.025 * (RESAMPLES - 1))], means[int(0.975 * (RESAMPLES - 1))]
    wins = sum(d > 0 for d in diffs)
    losses = sum(d < 0 for d in diffs)
    name = lambda r: r.get('core_optimizer', 'adam 0.001')
    print(f"{name(before)} -> {name(after)}: core test accuracy "
          f"{sum(diffs) / n:+.4f} [{lo:+.4f}, {hi:+.4f}] over {n} tasks ({wins} up, {losses} down)")
    for name, r in (("before", before), ("after", after)):
        print(f"  {name}: core {r['core_mean']:.4f}, trainer {r['trainer_mean']:.4f}, core - trainer "
              f"{r['paired']['mean_diff']:+.4f} [{r['paired']['ci95'][0]:+.4f}, "
              f"{r['paired']['ci95'][1]:+.4f}]")


main()
