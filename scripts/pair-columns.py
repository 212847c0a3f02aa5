#!/usr/bin/env python3
"""Pairs two columns of `scripts/peers.py` outputs task by task: the mean difference with a 95 %
bootstrap interval over tasks, and wins/losses, per kind (numeric, text).

Columns are merged over every file given (a recipe's run with `--label NAME --reuse` carries
the earlier columns too), so recipes measured in separate runs pair on the same tasks.

With `--params`, the columns' parameter counts are paired instead: per task the ratio A / B,
their geometric mean with a 95 % bootstrap interval over tasks, their median, and on how many
tasks A has at most as many parameters as B.

usage: scripts/pair-columns.py FILE [FILE ...] --pairs new:choose,wd1e-3:new [--params] [--json OUT]
Standard library only.
"""
import argparse
import json
import math
import random
import statistics


def bootstrap(diffs, seed=0, draws=10000):
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(rng.choice(diffs) for _ in range(n)) / n for _ in range(draws))
    return means[int(0.025 * draws)], means[int(0.975 * draws) - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--pairs", required=True, help="comma-separated A:B pairs of column labels")
    ap.add_argument("--json", help="write the comparisons here too")
    ap.add_argument("--params", action="store_true", help="pair parameter counts (ratios)")
    args = ap.parse_args()
    tasks = {}
    for path in args.files:
        for t in json.load(open(path))["tasks"]:
            entry = tasks.setdefault(t["task"], {"kind": t["kind"], "acc": {}, "params": {}})
            entry["acc"].update(t["test_accuracy"])
            entry["params"].update(t.get("params", {}))
    if args.params:
        return pair_params(tasks, args)
    out = []
    print("| A - B | kind | tasks | mean A | mean B | A - B | 95 % interval | wins / losses |")
    print("|---|---|---:|---:|---:|---:|---|---:|")
    for pair in args.pairs.split(","):
        a, b = pair.split(":")
        for kind in ("numeric", "text"):
            rows = [t["acc"] for t in tasks.values() if t["kind"] == kind and a in t["acc"] and b in t["acc"]]
            if not rows:
                continue
            d = [r[a] - r[b] for r in rows]
            lo, hi = bootstrap(d)
            ma, mb = sum(r[a] for r in rows) / len(rows), sum(r[b] for r in rows) / len(rows)
            res = {"a": a, "b": b, "kind": kind, "tasks": len(rows), "mean_a": ma, "mean_b": mb,
                   "mean": sum(d) / len(d), "ci95": [lo, hi],
                   "wins": sum(v > 0 for v in d), "losses": sum(v < 0 for v in d)}
            out.append(res)
            print(f"| {a} - {b} | {kind} | {len(rows)} | {ma:.4f} | {mb:.4f} | {res['mean']:+.4f} "
                  f"| [{lo:+.4f}, {hi:+.4f}] | {res['wins']} / {res['losses']} |")
    if args.json:
        json.dump(out, open(args.json, "w"), indent=1)


def pair_params(tasks, args):
    out = []
    print("| A / B parameters | kind | tasks | geometric mean A / B | 95 % interval | median A / B "
          "| tasks A <= B |")
    print("|---|---|---:|---:|---|---:|---:|")
    for pair in args.pairs.split(","):
        a, b = pair.split(":")
        for kind in ("numeric", "text"):
            rows = [t["params"] for t in tasks.values()
                    if t["kind"] == kind and a in t["params"] and b in t["params"]]
            if not rows:
                continue
            logs = [math.log(r[a] / r[b]) for r in rows]
            lo, hi = bootstrap(logs)
            res = {"a": a, "b": b, "kind": kind, "tasks": len(rows),
                   "geometric_mean_ratio": math.exp(sum(logs) / len(logs)),
                   "ci95": [math.exp(lo), math.exp(hi)],
                   "median_ratio": statistics.median(r[a] / r[b] for r in rows),
                   "at_most": sum(r[a] <= r[b] for r in rows)}
            out.append(res)
            print(f"| {a} / {b} | {kind} | {len(rows)} | {res['geometric_mean_ratio']:.2f} "
                  f"| [{res['ci95'][0]:.2f}, {res['ci95'][1]:.2f}] | {res['median_ratio']:.2f} "
                  f"| {res['at_most']} / {len(rows)} |")
    if args.json:
        json.dump(out, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
