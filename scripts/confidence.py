#!/usr/bin/env python3
"""How well the confidence of `archrank eval loto --json` predicted the realized Spearman, split
into the tasks its definition was chosen on and the rest.

The confidence's definition (the score spread's percentile) was chosen on a pilot run over every
third held-out task (`eval loto --losses linear --no-controls --repeats 3 --tasks` those), so only
the other tasks measure it out of sample. Prints the Spearman between confidence and realized
Spearman on the pilot tasks, the other tasks and all, each with a 95 % bootstrap interval over
tasks (2,000 resamples, seeded), for the ensemble's confidence and one ranker's. Standard library
only.

usage: scripts/confidence.py LOTO.json [RANKER]
"""
import json
import math
import random
import sys

RESAMPLES = 2_000


def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    out = [0.0] * len(v)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2
        i = j + 1
    return out


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    num = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    den = math.sqrt(sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb))
    return num / den if den > 0 else float("nan")


def with_interval(rows):
    rng = random.Random(0)
    point = spearman([a for a, _ in rows], [b for _, b in rows])
    draws = []
    for _ in range(RESAMPLES):
        s = [rng.choice(rows) for _ in rows]
        draws.append(spearman([a for a, _ in s], [b for _, b in s]))
    draws = sorted(d for d in draws if d == d)
    lo, hi = draws[int(0.025 * len(draws))], draws[int(0.975 * len(draws)) - 1]
    return f"{point:.3f} [{lo:.3f}, {hi:.3f}]"


def main(path, ranker):
    with open(path, encoding="utf-8") as f:
        tasks = json.load(f)["tasks"]
    pilot = {t["task"] for t in tasks[::3]}
    print("| tasks | n | confidence (ensemble) | one ranker |")
    print("|---|---:|---:|---:|")
    for name, keep in [
        ("pilot (every third, where the definition was chosen)", lambda t: t in pilot),
        ("the other tasks (out of sample)", lambda t: t not in pilot),
        ("all", lambda t: True),
    ]:
        rows = [
            (t["confidence"][ranker], t["results"][ranker]["spearman_mean"])
            for t in tasks
            if keep(t["task"]) and ranker in t.get("confidence", {})
        ]
        ensemble = with_interval([(c["value"], s) for c, s in rows])
        single = with_interval([(c["first_member"], s) for c, s in rows])
        print(f"| {name} | {len(rows)} | {ensemble} | {single} |")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else "linear")
