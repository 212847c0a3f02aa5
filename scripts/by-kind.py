#!/usr/bin/env python3
"""Means of an `archrank eval loto --json` or `eval search --json` result, split by task kind.

Reads the result and a MANIFEST.tsv (name and kind columns) and prints a markdown table with a
column for all tasks, the numeric ones and the text ones: for loto, each ranker's mean Spearman
and the noise ceiling, then the learned rankers against `agnostic` and `meta_features` paired
per task (mean difference, 95 % bootstrap interval, 10,000 resamples, seeded); for search, each loss's mean test accuracy (soft u*, discretized in
brackets) and each baseline. Standard library only.

usage: scripts/by-kind.py results/loto-tiny.json data/tasks/MANIFEST.tsv
"""
import csv
import json
import random
import sys

RESAMPLES = 10_000


def mean(values):
    values = [v for v in values if v is not None and v == v]
    return sum(values) / len(values) if values else None


def interval(diffs, seed=0):
    rng = random.Random(seed)
    means = sorted(sum(rng.choice(diffs) for _ in diffs) / len(diffs) for _ in range(RESAMPLES))
    return means[int(0.025 * RESAMPLES)], means[int(0.975 * RESAMPLES) - 1]


def paired(groups, a, b):
    """Cells of `a - b` per group: mean difference [95 % interval]."""
    cells = []
    for ts in groups.values():
        diffs = [t["results"][a]["spearman_mean"] - t["results"][b]["spearman_mean"]
                 for t in ts if a in t["results"] and b in t["results"]]
        diffs = [d for d in diffs if d == d]
        if not diffs:
            cells.append("-")
            continue
        lo, hi = interval(diffs)
        cells.append(f"{mean(diffs):+.3f} [{lo:+.3f}, {hi:+.3f}]")
    return cells


def fmt(v, digits=3):
    return "-" if v is None else f"{v:.{digits}f}"


def main(result_path: str, manifest_path: str) -> None:
    with open(result_path, encoding="utf-8") as f:
        result = json.load(f)
    with open(manifest_path, newline="", encoding="utf-8") as f:
        kinds = {r["name"]: r["kind"] for r in csv.DictReader(f, delimiter="\t")}
    tasks = result["tasks"]
    missing = [t["task"] for t in tasks if t["task"] not in kinds]
    if missing:
        sys.exit(f"{manifest_path} does not list: {', '.join(missing)}")
    groups = {"all": tasks}
    for kind in ("numeric", "text"):
        groups[kind] = [t for t in tasks if kinds[t["task"]] == kind]
    print("| | " + " | ".join(f"{g} ({len(ts)})" for g, ts in groups.items()) + " |")
    print("|---|" + "---:|" * len(groups))
    rows = []
    if "found" in result["summary"]:
        for loss in result["summary"]["found"]:
            cells = []
            for ts in groups.values():
                soft = mean([t["found"][loss]["test_mean"] for t in ts if loss in t["found"]])
                disc = mean([t["found"][loss]["discrete_test_mean"] for t in ts if loss in t["found"]])
                cells.append(f"{fmt(soft)} ({fmt(disc)})")
            rows.append((f"found, {loss} loss", cells))
        for key in result["summary"]["baselines"]:
            rows.append((key, [fmt(mean([t["baselines"][key] for t in ts])) for ts in groups.values()]))
    else:
        for ranker in result["summary"]:
            rows.append((ranker, [fmt(mean([t["results"][ranker]["spearman_mean"]
                                            for t in ts if ranker in t["results"]]))
                                  for ts in groups.values()]))
        rows.append(("noise ceiling", [fmt(mean([t.get("noise_ceiling") for t in ts]), 2)
                                       for ts in groups.values()]))
        learned = [r for r in result["summary"] if r in ("l2", "linear", "quadratic")]
        for ranker in learned:
            for control in ("agnostic", "meta_features"):
                if control in result["summary"]:
                    rows.append((f"{ranker} - {control}", paired(groups, ranker, control)))
    for name, cells in rows:
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
