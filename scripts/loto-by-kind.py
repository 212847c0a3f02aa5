#!/usr/bin/env python3
"""Mean leave-one-task-out Spearman per ranker, split by task kind (numeric / text).

Reads `archrank eval loto --json` output and a MANIFEST.tsv (name and kind columns) and prints a
markdown table. Standard library only.

usage: scripts/loto-by-kind.py results/loto-tiny.json data/tasks/MANIFEST.tsv
"""
import csv
import json
import sys


def main(loto_path: str, manifest_path: str) -> None:
    with open(loto_path, encoding="utf-8") as f:
        loto = json.load(f)
    with open(manifest_path, newline="", encoding="utf-8") as f:
        kinds = {r["name"]: r["kind"] for r in csv.DictReader(f, delimiter="\t")}
    rankers = list(loto["summary"])
    groups = {"all": [t for t in loto["tasks"]]}
    for kind in ("numeric", "text"):
        groups[kind] = [t for t in loto["tasks"] if kinds.get(t["task"]) == kind]
    missing = [t["task"] for t in loto["tasks"] if t["task"] not in kinds]
    if missing:
        sys.exit(f"{manifest_path} does not list: {', '.join(missing)}")
    print("| ranker | " + " | ".join(f"{g} ({len(ts)})" for g, ts in groups.items()) + " |")
    print("|---|" + "---:|" * len(groups))
    for r in rankers:
        cells = []
        for ts in groups.values():
            values = [t["results"][r]["spearman_mean"] for t in ts if r in t["results"]]
            cells.append(f"{sum(values) / len(values):.3f}" if values else "-")
        print(f"| {r} | " + " | ".join(cells) + " |")
    ceilings = {g: [t["noise_ceiling"] for t in ts if t.get("noise_ceiling") is not None]
                for g, ts in groups.items()}
    print("| noise ceiling | " + " | ".join(
        f"{sum(c) / len(c):.2f}" if c else "-" for c in ceilings.values()) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
