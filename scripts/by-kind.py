#!/usr/bin/env python3
"""Means of an `archrank eval loto --json` or `eval search --json` result, split by task kind.

Reads the result and a MANIFEST.tsv (name and kind columns) and prints a markdown table with a
column for all tasks, the numeric ones and the text ones: for loto, each ranker's mean Spearman
and the noise ceiling; for search, each loss's mean test accuracy (soft u*, discretized in
brackets) and each baseline. Standard library only.

usage: scripts/by-kind.py results/loto-tiny.json data/tasks/MANIFEST.tsv
"""
import csv
import json
import sys


def mean(values):
    values = [v for v in values if v is not None and v == v]
    return sum(values) / len(values) if values else None


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
    for name, cells in rows:
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
