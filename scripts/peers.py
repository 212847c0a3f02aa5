#!/usr/bin/env python3
"""The product's delivered model beside the one-line scikit-learn models a user would otherwise type.

For every task CSV in a folder, this asks `archrank export-samples --format csv` for exactly the
rows the product trains on (the task's training and validation rows) and the rows it is scored on
(its test rows), encoded as the product reads them (the column plan). On those rows it fits:
- numeric tasks: LogisticRegression and MLPClassifier (each after a StandardScaler, as their
  documentation advises; otherwise defaults), RandomForestClassifier and
  HistGradientBoostingClassifier (defaults), all with random_state 0;
- text tasks: tf-idf over word uni- and bigrams + LogisticRegression, and word counts +
  MultinomialNB (defaults otherwise);
and runs `archrank choose` with its default candidates (`--trainings K` for K; within 3,000 parameters: `--max-params 3000`) on the
task, reading the delivered model's test accuracy on the same test rows.

Writes JSON (`--out`, default results/peers.json):
  {"tasks": [{"task", "kind", "test_rows", "test_accuracy": {...}, "params": {...}}], "summary": {...}}
and prints a markdown table of means and paired differences (choose minus each peer, mean with a
95 % bootstrap interval over tasks, wins/losses).

Evaluation only: never a dependency of the product or its tests. Set-up:
  python3 -m venv scripts/.venv && scripts/.venv/bin/pip install -r scripts/requirements.txt
usage:
  scripts/.venv/bin/python scripts/peers.py [--archrank target/release/archrank] [--tasks data/tasks]
      [--reuse results/peers.json] [--choose-args "..."] [--label choose] [--only a,b] [--out F]
`--reuse` keeps the scikit-learn columns of an earlier run (they do not depend on the product) and
refits only the product's; `--label` names the product's columns, so two recipes can sit in one file.
"""
import argparse
import warnings
import io
import json
import random
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

NUMERIC_PEERS = ("lr", "mlp", "rf", "hgb")
TEXT_PEERS = ("tfidf_lr", "nb")


def export(archrank: str, task: Path, split: str, out: Path) -> pd.DataFrame:
    subprocess.run(
        [archrank, "export-samples", "--task", str(task), "--split", split, "--format", "csv",
         "--max-samples", "100000000", "-o", str(out)],
        check=True, capture_output=True)
    return pd.read_csv(out, keep_default_na=False, dtype={"label": str})


def is_text(frame: pd.DataFrame) -> bool:
    return list(frame.columns) == ["text", "label"] and frame["text"].dtype == object


def tree_nodes(model) -> int:
    """Nodes of every tree: what a tree ensemble stores, as a parameter count."""
    if hasattr(model, "estimators_"):
        return int(sum(t.tree_.node_count for t in model.estimators_))
    return int(sum(p.get_n_leaf_nodes() * 2 - 1 for stage in model._predictors for p in stage))


def linear_params(model) -> int:
    return int(model.coef_.size + model.intercept_.size)


def fit_peers(train: pd.DataFrame, test: pd.DataFrame, text: bool):
    y, y_test = train["label"].to_numpy(), test["label"].to_numpy()
    accuracy, params = {}, {}
    if text:
        x, x_test = train["text"].astype(str), test["text"].astype(str)
        peers = {
            "tfidf_lr": make_pipeline(TfidfVectorizer(ngram_range=(1, 2)),
                                      LogisticRegression(max_iter=1000, random_state=0)),
            "nb": make_pipeline(CountVectorizer(), MultinomialNB()),
        }
    else:
        x = train.drop(columns="label").to_numpy(dtype=np.float64)
        x_test = test.drop(columns="label").to_numpy(dtype=np.float64)
        peers = {
            "lr": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=0)),
            "mlp": make_pipeline(StandardScaler(), MLPClassifier(random_state=0)),
            "rf": RandomForestClassifier(random_state=0, n_jobs=2),
            "hgb": HistGradientBoostingClassifier(random_state=0),
        }
    for name, model in peers.items():
        model.fit(x, y)
        accuracy[name] = float((model.predict(x_test) == y_test).mean())
        last = model[-1] if hasattr(model, "steps") else model
        if name in ("lr", "tfidf_lr"):
            params[name] = linear_params(last)
        elif name == "nb":
            params[name] = int(last.feature_log_prob_.size + last.class_log_prior_.size)
        elif name == "mlp":
            params[name] = int(sum(w.size for w in last.coefs_) + sum(b.size for b in last.intercepts_))
        else:
            params[name] = tree_nodes(last)
    return accuracy, params


def choose(archrank: str, task: Path, extra: list[str], trainings: int | None = None):
    count = ["--trainings", str(trainings)] if trainings is not None else []
    out = subprocess.run([archrank, "choose", "--task", str(task), *count,
                          "--json", "--quiet", *extra], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout)
    kept = result["candidates"][result["kept"]]
    return float(result["test_accuracy"]), int(kept["cost"]["params"]), int(result["test_rows"])


def bootstrap(diffs: list[float], seed: int = 0, draws: int = 10000):
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(rng.choice(diffs) for _ in range(n)) / n for _ in range(draws))
    return means[int(0.025 * draws)], means[int(0.975 * draws) - 1]


def summarize(tasks: list[dict], label: str) -> dict:
    summary = {}
    for kind, peers in (("numeric", NUMERIC_PEERS), ("text", TEXT_PEERS)):
        rows = [t for t in tasks if t["kind"] == kind]
        if not rows:
            continue
        columns = [c for c in rows[0]["test_accuracy"] if all(c in r["test_accuracy"] for r in rows)]
        means = {c: sum(r["test_accuracy"][c] for r in rows) / len(rows) for c in columns}
        median_params = {
            c: float(np.median([r["params"][c] for r in rows if c in r["params"]]))
            for c in columns if any(c in r["params"] for r in rows)}
        paired = {}
        for ours in (label, f"{label}_3000"):
            if ours not in columns:
                continue
            for peer in peers:
                d = [r["test_accuracy"][ours] - r["test_accuracy"][peer] for r in rows]
                lo, hi = bootstrap(d)
                paired[f"{ours} - {peer}"] = {
                    "mean": sum(d) / len(d), "ci95": [lo, hi],
                    "wins": sum(v > 0 for v in d), "losses": sum(v < 0 for v in d)}
        summary[kind] = {"tasks": len(rows), "mean_test_accuracy": means,
                         "median_params": median_params, "paired": paired}
    return summary


def markdown(summary: dict) -> str:
    lines = []
    for kind, s in summary.items():
        lines.append(f"\n{kind} ({s['tasks']} tasks)\n")
        lines.append("| model | mean test accuracy | median parameters |")
        lines.append("|---|---:|---:|")
        for c, m in s["mean_test_accuracy"].items():
            p = s["median_params"].get(c)
            lines.append(f"| {c} | {m:.4f} | {'' if p is None else f'{p:,.0f}'} |")
        lines.append("\n| paired | mean | 95 % interval | wins / losses |")
        lines.append("|---|---:|---|---:|")
        for name, d in s["paired"].items():
            lines.append(f"| {name} | {d['mean']:+.4f} | [{d['ci95'][0]:+.4f}, {d['ci95'][1]:+.4f}] "
                         f"| {d['wins']} / {d['losses']} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archrank", default="target/release/archrank")
    ap.add_argument("--tasks", type=Path, default=Path("data/tasks"))
    ap.add_argument("--out", type=Path, default=Path("results/peers.json"))
    ap.add_argument("--reuse", type=Path, help="keep the scikit-learn columns of this earlier run")
    ap.add_argument("--choose-args", default="", help="extra arguments for archrank choose")
    ap.add_argument("--trainings", type=int,
                    help="candidates choose trains (default: the product's, 8 numeric / 3 text)")
    ap.add_argument("--label", default="choose", help="name of the product's columns")
    ap.add_argument("--only", default="", help="comma-separated task names (default: all)")
    ap.add_argument("--no-3000", action="store_true", help="skip the run within 3,000 parameters")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")  # convergence notes of the default settings: the point
    only = {t for t in args.only.split(",") if t}
    paths = sorted(p for p in args.tasks.glob("*.csv") if not only or p.stem in only)
    earlier = {}
    if args.reuse and args.reuse.exists():
        earlier = {t["task"]: t for t in json.loads(args.reuse.read_text())["tasks"]}
    extra = shlex.split(args.choose_args)
    tasks = []
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(paths):
            entry = earlier.get(path.stem)
            if entry is None:
                train = export(args.archrank, path, "train-validation", Path(tmp) / "train.csv")
                test = export(args.archrank, path, "test", Path(tmp) / "test.csv")
                kind = "text" if is_text(train) else "numeric"
                accuracy, params = fit_peers(train, test, kind == "text")
                entry = {"task": path.stem, "kind": kind, "test_rows": len(test),
                         "test_accuracy": accuracy, "params": params}
            acc, params, rows = choose(args.archrank, path, extra, args.trainings)
            if rows != entry["test_rows"]:
                sys.exit(f"{path.stem}: choose scored {rows} test rows, the export has {entry['test_rows']}")
            entry["test_accuracy"][args.label] = acc
            entry["params"][args.label] = params
            if not args.no_3000:
                try:
                    acc, params, _ = choose(args.archrank, path, [*extra, "--max-params", "3000"],
                                            args.trainings)
                    entry["test_accuracy"][f"{args.label}_3000"] = acc
                    entry["params"][f"{args.label}_3000"] = params
                except subprocess.CalledProcessError as e:
                    # No architecture fits (a text task: its smallest is a linear model on the
                    # bag); the column is left out for this task, said on stderr.
                    if "fits the budget" not in e.stderr:
                        raise
                    entry["test_accuracy"].pop(f"{args.label}_3000", None)
                    entry["params"].pop(f"{args.label}_3000", None)
                    print(f"{path.stem}: nothing fits 3,000 parameters", file=sys.stderr)
            tasks.append(entry)
            print(f"[{i + 1}/{len(paths)} {time.time() - start:.0f} s] {path.stem}: "
                  + ", ".join(f"{k} {v:.3f}" for k, v in entry["test_accuracy"].items()),
                  file=sys.stderr, flush=True)
    summary = summarize(tasks, args.label)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"tasks": tasks, "summary": summary}, indent=1) + "\n")
    print(markdown(summary))


if __name__ == "__main__":
    main()
