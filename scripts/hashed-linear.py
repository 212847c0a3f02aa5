#!/usr/bin/env python3
"""How wide a hashed bag a linear text model needs: scikit-learn's LogisticRegression on hashed
word uni- and bigrams (HashingVectorizer: counts, L2-normalized, no sign; scikit-learn's own
hash, so the same widths and collision rates as the product's bags, not the same buckets) at several widths and penalties, beside tf-idf + LogisticRegression (the peer in
scripts/peers.py), on exactly the product's train+validation and test rows of every bundled text
task (`archrank export-samples`).

Evaluation only: never a dependency of the product or its tests. Set-up as scripts/peers.py.
usage:
  scripts/.venv/bin/python scripts/hashed-linear.py [--archrank target/release/archrank]
      [--tasks data/tasks] [--widths 1024,4096] [--penalties 1,10,100]
Prints one line per task and the means over the text tasks.
"""
import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import export  # noqa: E402


def is_text_csv(path: Path) -> bool:
    """A bundled text task's columns are a label and a text."""
    with open(path, encoding="utf-8") as f:
        return sorted(f.readline().strip().split(",")) == ["label", "text"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archrank", default="target/release/archrank")
    ap.add_argument("--tasks", type=Path, default=Path("data/tasks"))
    ap.add_argument("--widths", default="1024,4096")
    ap.add_argument("--penalties", default="1,10,100", help="LogisticRegression's C values")
    args = ap.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    penalties = [float(c) for c in args.penalties.split(",")]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(args.tasks.glob("*.csv")):
            if not is_text_csv(path):
                continue
            train = export(args.archrank, path, "train-validation", Path(tmp) / "train.csv")
            test = export(args.archrank, path, "test", Path(tmp) / "test.csv")
            x, y = train["text"].astype(str), train["label"].to_numpy()
            xt, yt = test["text"].astype(str), test["label"].to_numpy()
            row = {"tfidf_lr": make_pipeline(
                TfidfVectorizer(ngram_range=(1, 2)),
                LogisticRegression(max_iter=1000, random_state=0)).fit(x, y).score(xt, yt)}
            for n in widths:
                # Hashing is stateless: each width's bags are computed once for every penalty.
                bag = HashingVectorizer(n_features=n, ngram_range=(1, 2), alternate_sign=False,
                                        norm="l2")
                xb, xtb = bag.transform(x), bag.transform(xt)
                for c in penalties:
                    model = LogisticRegression(C=c, max_iter=2000, random_state=0)
                    row[f"hashed{n}_C{c:g}"] = model.fit(xb, y).score(xtb, yt)
            results[path.stem] = row
            print(path.stem, " ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True)
    if not results:
        sys.exit(f"no text task in {args.tasks}")
    keys = list(next(iter(results.values())))
    print(f"mean over {len(results)} text tasks:",
          " ".join(f"{k} {np.mean([r[k] for r in results.values()]):.4f}" for k in keys))


if __name__ == "__main__":
    main()
