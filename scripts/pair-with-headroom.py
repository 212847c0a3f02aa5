#!/usr/bin/env python3
"""Pairs what `archrank eval search --json` found with `archrank eval headroom --json` on the
same database, task by task and budget by budget (none, then each --max-params of the search).

For each budget: the mean per-task difference of test accuracy between the found discrete
architecture and the constant default (95 % bootstrap interval over tasks, 10,000 resamples,
seeded; wins / losses), the mean headroom (oracle - constant), the share of it captured
(mean found - constant over mean headroom), and, over the tasks whose headroom is at least 2
points, the share of their gap recovered (sum of found - constant over sum of headroom); then
the found architecture against the best of 5, 10 and 25 random trainings (by validation, within
the budget). The found architectures' accuracies come from the search evaluation's own
trainings, the constant default's, the oracle's and the best of K's from the database's seed
means. Standard library only.

usage: scripts/pair-with-headroom.py SEARCH.json HEADROOM.json
"""
import json
import random
import sys

RESAMPLES = 10_000
WORTH_A_CHOICE = 0.02
BEST_OF = ("best_of_5", "best_of_10", "best_of_25")


def interval(diffs, seed=0):
    rng = random.Random(seed)
    means = sorted(
        sum(diffs[rng.randrange(len(diffs))] for _ in diffs) / len(diffs) for _ in range(RESAMPLES)
    )
    return means[int(0.025 * RESAMPLES)], means[int(0.975 * RESAMPLES)]


def found_within(task, max_params):
    if max_params is None:
        return task["found"]["linear"]["discrete_test_mean"]
    for budget in task["budgets"]:
        if budget["max_params"] == max_params and "linear" in budget["found"]:
            return budget["found"]["linear"]["test_mean"]
    return None


def main(search_path, headroom_path):
    search = json.load(open(search_path))
    headroom = json.load(open(headroom_path))
    for budget in headroom["budgets"]:
        max_params = budget["max_params"]
        by_task = {t["task"]: t for t in budget["tasks"]}
        diffs, room, worth = [], [], []
        against_best_of = {k: [] for k in BEST_OF}
        for task in search["tasks"]:
            found = found_within(task, max_params)
            h = by_task.get(task["task"])
            if found is None or h is None or h["constant"] is None or h["oracle"] is None:
                continue
            diffs.append(found - h["constant"])
            for k, best in against_best_of.items():
                if h.get(k) is not None:
                    best.append(found - h[k])
            room.append(h["oracle"] - h["constant"])
            if room[-1] >= WORTH_A_CHOICE:
                worth.append((diffs[-1], room[-1]))
        if not diffs:
            continue
        mean, mean_room = sum(diffs) / len(diffs), sum(room) / len(room)
        low, high = interval(diffs)
        recovered = sum(d for d, _ in worth) / sum(r for _, r in worth) if worth else float("nan")
        print(
            f"budget {max_params or 'none'}: found - constant {mean:+.4f} [{low:+.4f}, {high:+.4f}] "
            f"{sum(d > 0 for d in diffs)}/{sum(d < 0 for d in diffs)} of {len(diffs)} tasks; "
            f"headroom {mean_room:+.4f}, share captured {mean / mean_room:.2f}; "
            f"{len(worth)} tasks with >= 2 points of headroom, their gap recovered {recovered:.2f}"
        )
        for k, d in against_best_of.items():
            if d:
                low, high = interval(d)
                print(
                    f"    found - {k}: {sum(d) / len(d):+.4f} [{low:+.4f}, {high:+.4f}] "
                    f"{sum(x > 0 for x in d)}/{sum(x < 0 for x in d)} of {len(d)} tasks"
                )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
