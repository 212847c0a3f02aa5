#!/usr/bin/env python3
"""Copies the redistributable tasks of the shared pool into data/tasks/ (the tasks archrank ships).

Only tasks whose data licence allows redistribution (CC BY of any version, CC0, MIT) are copied. Tasks with
more than MAX_ROWS rows are cut to MAX_ROWS by a seeded, stratified random subsample that keeps
the original row order, so the bundle stays small (children train on at most 2,000 rows anyway).
Writes data/tasks/MANIFEST.tsv and data/LICENSES.md with every task's source, licence, citation
and the processing applied. Standard library only; deterministic.

usage: scripts/bundle-tasks.py ../shared/data/tasks data
"""
import csv
import hashlib
import random
import sys
from pathlib import Path

MAX_ROWS = 5000
SEED = 20191127
ALLOWED = ("CC BY ", "CC0", "MIT")


def main(src: Path, out: Path) -> None:
    tasks_out = out / "tasks"
    tasks_out.mkdir(parents=True, exist_ok=True)
    with open(src / "MANIFEST.tsv", newline="", encoding="utf-8") as f:
        manifest = list(csv.DictReader(f, delimiter="\t"))
    kept, skipped = [], []
    for row in manifest:
        if not row["licence"].startswith(ALLOWED):
            skipped.append(row)
            continue
        with open(src / f"{row['name']}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        note = row["notes"]
        if len(body) > MAX_ROWS:
            rng = random.Random(f"{SEED}-{row['name']}")
            by_class = {}
            for i, r in enumerate(body):
                by_class.setdefault(r[0], []).append(i)
            keep = []
            for label in sorted(by_class):
                idx = by_class[label]
                share = max(1, round(len(idx) * MAX_ROWS / len(body)))
                keep.extend(rng.sample(idx, min(share, len(idx))))
            keep = sorted(keep)[:MAX_ROWS]
            body = [body[i] for i in keep]
            note = (note + "; " if note else "") + (
                f"archrank bundle: cut from {len(rows) - 1} to {len(body)} rows by a stratified "
                f"random subsample (scripts/bundle-tasks.py, seed {SEED}), original order kept"
            )
        path = tasks_out / f"{row['name']}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\r\n").writerows([header] + body)
        row = dict(row, rows=str(len(body)), notes=note,
                   sha256=hashlib.sha256(path.read_bytes()).hexdigest())
        kept.append(row)
    with open(tasks_out / "MANIFEST.tsv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(manifest[0].keys()), delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(kept)
    lines = [
        "# Bundled tasks: licences and citations",
        "",
        "archrank ships these public classification data sets (in `tasks/`, and inside",
        "`default.sqlite`) under their own licences, all of which allow redistribution with",
        "attribution. None was written or labelled by archrank. Processing: see `tasks/MANIFEST.tsv`",
        "(the upstream conversion notes, plus any archrank row cap).",
        "",
        "| task | rows | licence | citation | source |",
        "|---|---:|---|---|---|",
    ]
    for r in kept:
        lines.append(f"| {r['name']} | {r['rows']} | {r['licence']} | {r['citation']} | {r['source']} |")
    lines += ["", "Not shipped (licence does not allow it here): "
              + ", ".join(f"{r['name']} ({r['licence']})" for r in skipped) + ".", ""]
    (out / "LICENSES.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"bundled {len(kept)} tasks, skipped {len(skipped)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
