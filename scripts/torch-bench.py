#!/usr/bin/env python3
"""archrank against PyTorch, side by side, on one thread (issue 28 item 3).

An evaluation script only: the product takes no Python dependency. It times the two host
workloads users wait for, with the same shapes on both sides, in the same run on the same machine:

1. **A ranker fit step** (`archrank fit`, its defaults: the set encoder, the residual form, the
   linear ranking loss, Adam at 1e-3, 64 samples and 32 pairs a step).
2. **A child training step** of the default (tiny) preset (`archrank train` on a numeric task:
   the core engine, SGD with momentum 0.9 at 0.05, batches of 64), on a task of about 1,700
   training rows (default: cardiotocography, 1,700 training / 213 validation rows, 21 features,
   3 classes), for one or more discrete architectures.

Set-up (the venv is gitignored; PyPI's torch wheel brings several GB of CUDA libraries but runs on
the CPU)::

    python3 -m venv scripts/.venv-torch
    scripts/.venv-torch/bin/pip install -r scripts/requirements-torch.txt

Run (a release binary of archrank; on a shared machine hold the benchmark lock for the timed run)::

    flock /tmp/bench.lock scripts/.venv-torch/bin/python scripts/torch-bench.py \\
        --archrank target/release/archrank --out results/torch-bench.json

`--quick` runs tiny step counts (a check of the script, not a measurement).

How each side is timed
----------------------
archrank: the CLI is run at two step counts and the wall times are differenced, so start-up,
loading and encoding the database's tasks, the final weights or model file cancel
(`fit --steps 500` against `--steps 5500`; `train --min-steps N --max-steps N` with `--seeds 1
--no-refit --patience 100000 --epochs 100000 --batch-size 64` (the core engine's own default is a
device's 32), so that exactly N steps run, for two spans of
whole epochs of 27 steps: N = 27 against 540, epochs 2 to 20 of the 20 the default schedule runs
on this task, and N = 270 against 2,970, epochs 11 to 110, because archrank's step gets slower as
a child trains). The median over `--reps` repetitions (the two counts alternate within a
repetition). `RAYON_NUM_THREADS=1`; both commands are single-threaded anyway (the CPU time the
children used is recorded next to the wall time). For the fit the loop's own clock (`seconds` in
`fit --json`) is differenced too, as a cross-check, and `archrank inspect` of the fitted file
gives the parameter count PyTorch's network must have.

PyTorch: `torch.set_num_threads(1)`, `set_num_interop_threads(1)`, `OMP_NUM_THREADS=1`,
`MKL_NUM_THREADS=1`, eager mode, float32. The fit: one network, a warm-up of steps, then the
median over `--reps` repetitions of `--torch-fit-steps` steps (its dense arithmetic does not
depend on how far the fit is). A child: per repetition a fresh child trained to the span's end,
timed (`time.perf_counter`) over the span's steps only, as archrank's difference; the median over
`--reps` children, after a warm-up child. Three variants of the optimizer: PyTorch's CPU default
(the per-tensor loop, `foreach=False`), `foreach=True` and `fused=True`; the ratio uses the
fastest. No `torch.compile` (eager mode, as a PyTorch user trains these by default).

What one step is, on each side
------------------------------
Ranker fit step (archrank: `trainer/src/fit/fit_loop.rs` and `backprop.rs`; the network
`core/src/ranking/{set_encoder,network}.rs`; sizes `core/src/dims.rs`):

* one task drawn uniformly from the database's 125 (all have tiny runs); a uniform draw of
  b = min(64, the task's encoded training rows (at most 1,024)) of its samples without replacement;
  32 pairs of its runs (two distinct runs each), 64 architecture vectors u of U = 35;
* set encoder over the b samples x W set values (W = min(features, 64) for a numeric task, 36 for
  a text task; the database's mean W is printed):
  ``f = relu(w_v v + W_l[slot] + b)`` (16 wide), the mean over the samples per feature,
  ``g = tanh(W2 relu(W1 m + b1) + b2)`` (16 -> 32 -> 16) per feature, the mean over features s;
  ``z = [s (16) | 7 shape scalars | 4 landmark slots (zero)]`` (27);
* per architecture: per-group softmax of u (5 | 3 x 8 | 3 x 2), the residual
  ``h = w3 . relu(W2 relu(Wu soft + Wz z + b1) + b2) + b3`` (35 + 27 -> 50 -> 10 -> 1) and the
  backbone ``g`` (35 -> 50 -> 10 -> 1), score = g + h;
* loss: the linear ranking loss over the 32 pairs (margin 0.3, gap 0.01, mean over pairs) plus
  0.1 x mean(h^2) over the 64 architectures; back-propagation into every tensor (the set
  encoder's included: z is recomputed from the step's samples, once per step, for one task);
* Adam (lr 1e-3, betas 0.9 / 0.999, eps 1e-8, bias-corrected: the same update) over the 7,224
  parameters.

The PyTorch side builds the same tensors (same shapes, `[input][output]` weights, one bias per
layer; the first residual layer has one bias for its u and z parts, as archrank) and does the same
step with autograd, the draws (task, sample rows, pairs) included. The task shapes (W, b), run
architectures u and targets are read from the same database; the set values, label slots and
shape scalars are random numbers of the same shapes (PyTorch's dense arithmetic does not depend on
them; archrank's own run uses the real encoded samples).

Differences that remain: archrank back-propagates by hand and skips work that is exactly zero
(a pair whose hinge is inactive or within the gap does not go back through the backbone; a ReLU
that is off, an input that is 0); PyTorch's autograd computes every product. archrank also checks
every gradient is finite each step (PyTorch's side reads the loss only). Neither is a change of
shapes; both are how each does the same step.

Child training step (archrank: `core/src/child/training/mod.rs` and, on a host, its `lanes.rs`:
what `archrank train`, `choose` and `populate` run for a numeric task by default; the trainer's
batched Adam engine, `trainer/src/child/`, trains text tasks and is not timed here):

* 64 training rows in a per-epoch shuffle (27 steps an epoch of 1,700 rows, the last of 36 rows);
* the input module's fixed projection of each row's staged values to 64 (zscore: the 21 z-scores
  times a fixed 21 x 64 matrix; fourier: ``sqrt(2) cos(W z + phase)``, 21 -> 64; not trained);
* the chosen layers (e.g. relu64/relu64/relu64 or tanh64/skip/relu32; skip is the identity) and
  the classifier to the task's classes; softmax cross-entropy, mean over the batch; the gradient of
  every weight and bias;
* SGD with momentum (``m = 0.9 m + g; p -= 0.05 m``, PyTorch's `SGD(momentum=0.9)` exactly), no
  weight decay;
* after each epoch (including the last, partial one) the validation rows' accuracy with the
  current weights, and a copy of the weights when it is the best so far: amortized over the
  epoch's steps on both sides.

archrank on a host runs 32 samples at a time, one sample a vector lane, in the order a device's
sample-by-sample pass sums them (the same bits; a device's memory holds one sample's
activations); PyTorch runs the batch as matrices. Same arithmetic, different order. The PyTorch side reads the task's CSV (`data/tasks/<task>.csv`),
splits it 1,700 / 213 / rest with its own seed (archrank's split is stratified by its own seed:
same counts, other rows) and z-scores the features (clip +-20) on the training rows; the module's
fixed matrix is random (archrank fits it on the training rows: same shape, other values).

Output: a markdown table on stdout, JSON at `--out` (default `results/torch-bench.json`).
"""

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

# ---- sizes (core/src/dims.rs) ----
MODULES, LAYERS, BASES, USE_SKIP = 5, 3, 8, 2
U = MODULES + LAYERS * BASES + USE_SKIP * LAYERS  # 35
FEATURE_HIDDEN, SET_HIDDEN, SET_EMBED = 16, 32, 16
LABEL_SLOTS, TASK_SCALARS, LANDMARK_SLOTS = 8, 7, 4
EMBED_DIM = SET_EMBED + TASK_SCALARS + LANDMARK_SLOTS  # 27
RHO_HIDDEN1, RHO_HIDDEN2 = 50, 10
SET_FEATURES, TEXT_SET_VALUES = 64, 36
MAX_FIT_ROWS = 1024
NUMERIC_WIDTH, BINS, CLIP = 64, 8, 20.0
BASE_SIZES, ACTIVATIONS = (8, 16, 32, 64), ("relu", "tanh")
TINY_NUMERIC_MODULES = ("zscore", "rank_gauss", "fourier", "minmax", "binned")

# ---- the fit's defaults (trainer/src/fit/fit_config.rs) ----
BATCH_SAMPLES, PAIRS, MARGIN, GAP, PENALTY, FIT_LR = 64, 32, 0.3, 0.01, 0.1, 1e-3
# ---- a device's child schedule (core/src/child/training/mod.rs, TrainConfig::default) ----
CHILD_BATCH, CHILD_LR, CHILD_MOMENTUM = 64, 0.05, 0.9

# (rows, width) of the ranking network's 20 tensors, in storage order (network.rs).
TENSOR_SHAPES = [
    (1, FEATURE_HIDDEN), (LABEL_SLOTS, FEATURE_HIDDEN), (1, FEATURE_HIDDEN),
    (FEATURE_HIDDEN, SET_HIDDEN), (1, SET_HIDDEN), (SET_HIDDEN, SET_EMBED), (1, SET_EMBED),
    (U, RHO_HIDDEN1), (1, RHO_HIDDEN1), (RHO_HIDDEN1, RHO_HIDDEN2), (1, RHO_HIDDEN2),
    (1, RHO_HIDDEN2), (1, 1),
    (U, RHO_HIDDEN1), (EMBED_DIM, RHO_HIDDEN1), (1, RHO_HIDDEN1), (RHO_HIDDEN1, RHO_HIDDEN2),
    (1, RHO_HIDDEN2), (1, RHO_HIDDEN2), (1, 1),
]
PARAM_COUNT = sum(r * w for r, w in TENSOR_SHAPES)  # 7,224 at U = 35


# ======================================================================================
# Ranker fit
# ======================================================================================

class FitTask:
    """One task as the fit's step sees it: shapes from the database, runs from the database."""

    def __init__(self, name, width, rows, classes, archs, targets, gen):
        self.name, self.width, self.rows = name, width, rows
        self.batch = min(BATCH_SAMPLES, rows)
        self.values = torch.rand(rows, width, generator=gen) * 2 - 1
        self.slots = torch.randint(0, max(1, min(classes, LABEL_SLOTS)), (rows,), generator=gen)
        self.scalars = torch.rand(TASK_SCALARS, generator=gen)
        self.archs = torch.from_numpy(archs)
        self.targets = torch.from_numpy(targets)


def load_fit_tasks(db, gen):
    """Every task with at least two tiny population runs, as `load_fit_data` keeps them: one run
    per architecture (the seeds' mean of val_acc), the set width and the encoded row count."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    tasks = []
    query = "SELECT id, name, kind, features, classes FROM tasks ORDER BY name"
    for tid, name, kind, features, classes in con.execute(query).fetchall():
        by_arch, train_rows = {}, 0
        for arch, acc, rows in con.execute(
            "SELECT arch, val_acc, train_rows FROM runs WHERE task_id = ? AND preset = 'tiny' "
            "AND purpose = 'population' ORDER BY id",
            (tid,),
        ):
            train_rows = max(train_rows, rows)
            if acc is not None and math.isfinite(acc) and len(arch) == 4 * U:
                by_arch.setdefault(bytes(arch), []).append(acc)
        if len(by_arch) < 2:
            continue
        archs = np.stack([np.frombuffer(a, "<f4") for a in by_arch]).astype(np.float32)
        targets = np.array([sum(v) / len(v) for v in by_arch.values()], dtype=np.float32)
        width = TEXT_SET_VALUES if kind == "text" else min(features, SET_FEATURES)
        rows = max(1, min(train_rows, MAX_FIT_ROWS))
        tasks.append(FitTask(name, width, rows, classes, archs, targets, gen))
    con.close()
    return tasks


def grouped_softmax(u):
    """Softmax per group of the tiny layout: modules | L base groups | L use/skip pairs."""
    n = u.shape[0]
    a = MODULES + LAYERS * BASES
    return torch.cat(
        [
            torch.softmax(u[:, :MODULES], dim=1),
            torch.softmax(u[:, MODULES:a].reshape(n, LAYERS, BASES), dim=2).reshape(n, -1),
            torch.softmax(u[:, a:].reshape(n, LAYERS, USE_SKIP), dim=2).reshape(n, -1),
        ],
        dim=1,
    )


class TorchRanker:
    """The ranking network's 20 tensors, `[input][output]` as archrank stores them."""

    def __init__(self, gen):
        self.params = []
        for rows, width in TENSOR_SHAPES:
            if rows == 1:  # a bias or a weight vector
                t = torch.randn(width, generator=gen) * (0.1 if width > 1 else 0.0)
            else:
                t = torch.randn(rows, width, generator=gen) / math.sqrt(rows)
            self.params.append(t.requires_grad_())
        assert sum(p.numel() for p in self.params) == PARAM_COUNT

    def loss(self, task, rows, runs):
        (wv, wl, fb, s1w, s1b, s2w, s2b, b1w, b1b, b2w, b2b, b3w, b3b,
         wu, wz, r1b, r2w, r2b, r3w, r3b) = self.params
        # Set encoder over the step's samples.
        x = task.values[rows]  # [b, W]
        label_part = wl[task.slots[rows]] + fb  # [b, 16]
        f = torch.relu(x.unsqueeze(2) * wv + label_part.unsqueeze(1))  # [b, W, 16]
        m = f.mean(dim=0)  # [W, 16]
        g = torch.tanh(torch.addmm(s2b, torch.relu(torch.addmm(s1b, m, s1w)), s2w))  # [W, 16]
        s = g.mean(dim=0)
        z = torch.cat([s, task.scalars, torch.zeros(LANDMARK_SLOTS)])  # [27]
        # Both towers over the step's architectures.
        soft = grouped_softmax(task.archs[runs])  # [64, 35]
        base = torch.addmv(r1b, wz.t(), z)  # [50]
        h1 = torch.relu(soft @ wu + base)
        h2 = torch.relu(torch.addmm(r2b, h1, r2w))
        h = h2 @ r3w + r3b  # [64]
        g1 = torch.relu(torch.addmm(b1b, soft, b1w))
        g2 = torch.relu(torch.addmm(b2b, g1, b2w))
        score = g2 @ b3w + b3b + h
        # Linear ranking loss over the pairs (0, 1), (2, 3), ... plus the residual's penalty.
        p = task.targets[runs]
        d = p[0::2] - p[1::2]
        sign = (d > GAP).float() - (d < -GAP).float()
        hinge = torch.relu(MARGIN - sign * (score[0::2] - score[1::2])) * sign.abs()
        return hinge.sum() / PAIRS + PENALTY * (h * h).mean()


VARIANTS = ("default", "foreach", "fused")


def variant_kw(variant):
    """PyTorch's CPU default is the per-tensor loop (`foreach=False`); `foreach` and `fused` are
    the multi-tensor and fused kernels."""
    return {"default": {"foreach": False}, "foreach": {"foreach": True},
            "fused": {"fused": True}}[variant]


def make_adam(params, variant):
    return torch.optim.Adam(params, lr=FIT_LR, betas=(0.9, 0.999), eps=1e-8, **variant_kw(variant))


def torch_fit_steps(model, opt, tasks, steps, rng):
    """`steps` fit steps, the draws included (archrank: fit_loop.rs)."""
    total = 0.0
    for _ in range(steps):
        task = tasks[rng.randrange(len(tasks))]
        rows = torch.randperm(task.rows)[: task.batch]
        n = task.targets.shape[0]
        i = torch.randint(0, n, (PAIRS,))
        j = torch.randint(0, n - 1, (PAIRS,))
        j = j + (j >= i).long()
        runs = torch.stack([i, j], dim=1).reshape(-1)
        loss = model.loss(task, rows, runs)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.item()
    return total / max(1, steps)


def time_torch_fit(tasks, variant, steps, reps, warmup, seed):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = TorchRanker(gen)
    try:
        opt = make_adam(model.params, variant)
    except (RuntimeError, TypeError, ValueError) as e:
        return {"variant": variant, "error": str(e)}
    torch_fit_steps(model, opt, tasks, warmup, rng)
    per_step, losses = [], []
    for _ in range(reps):
        start = time.perf_counter()
        losses.append(torch_fit_steps(model, opt, tasks, steps, rng))
        per_step.append((time.perf_counter() - start) / steps * 1e3)
    return {
        "variant": variant, "steps_per_rep": steps, "warmup_steps": warmup,
        "ms_per_step_reps": per_step, "ms_per_step": statistics.median(per_step),
        "mean_loss_per_rep": losses,
    }


# ======================================================================================
# Child training
# ======================================================================================

def parse_arch(spec):
    """`module/l1/l2/l3` of the tiny preset: the module's name (or m<i>) and (activation, width)
    or None (skip) per layer."""
    parts = spec.split("/")
    if len(parts) != 1 + LAYERS:
        raise ValueError(f"{spec}: want a module and {LAYERS} layers")
    module = parts[0]
    if module.startswith("m") and module[1:].isdigit():
        module = TINY_NUMERIC_MODULES[int(module[1:])]
    if module not in TINY_NUMERIC_MODULES:
        raise ValueError(f"{spec}: unknown module {module}")
    layers = []
    for p in parts[1:]:
        if p == "skip":
            layers.append(None)
            continue
        act = next((a for a in ACTIVATIONS if p.startswith(a)), None)
        if act is None or int(p[len(act):]) not in BASE_SIZES:
            raise ValueError(f"{spec}: unknown layer {p}")
        layers.append((act, int(p[len(act):])))
    return module, layers


def load_child_task(path, train_rows, val_rows, seed):
    """The task CSV's rows, shuffled with `seed`: `train_rows` training and `val_rows` validation
    rows, features z-scored on the training rows and clipped to +-20 (the staged values of the
    zscore and fourier modules)."""
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        label_at = header.index("label") if "label" in header else len(header) - 1
        labels, rows = [], []
        for rec in reader:
            labels.append(rec[label_at])
            rows.append([float(v) if v not in ("", "NA", "?") else 0.0
                         for k, v in enumerate(rec) if k != label_at])
    x = np.array(rows, dtype=np.float64)
    names = sorted(set(labels))
    y = np.array([names.index(v) for v in labels], dtype=np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    if len(order) < train_rows + val_rows:
        raise SystemExit(f"{path}: {len(order)} rows, fewer than {train_rows} + {val_rows}")
    tr, va = order[:train_rows], order[train_rows: train_rows + val_rows]
    mu, sd = x[tr].mean(axis=0), x[tr].std(axis=0)
    inv = np.where(sd > 0, 1.0 / np.where(sd > 0, sd, 1.0), 0.0)
    z = np.clip((x - mu) * inv, -CLIP, CLIP).astype(np.float32)
    return (torch.from_numpy(z[tr]), torch.from_numpy(y[tr]), torch.from_numpy(z[va]),
            torch.from_numpy(y[va]), len(names))


class TorchChild:
    """A discrete child: the fixed input module (not trained) and its dense stages."""

    def __init__(self, spec, features, classes, gen):
        self.module, layers = parse_arch(spec)
        d = features
        if self.module == "fourier":
            self.proj = torch.randn(d, NUMERIC_WIDTH, generator=gen)
            self.phase = torch.rand(NUMERIC_WIDTH, generator=gen) * 2 * math.pi
        elif self.module == "binned":
            self.proj = torch.randn(d * BINS, NUMERIC_WIDTH, generator=gen) / math.sqrt(d)
        else:  # zscore, rank_gauss, minmax: staged values times a fixed matrix
            self.proj = torch.randn(d, NUMERIC_WIDTH, generator=gen) / math.sqrt(d)
        self.stages = []  # (weight [in][out], bias, activation)
        width = NUMERIC_WIDTH
        for layer in layers:
            if layer is None:
                continue  # skip: the identity (every width fits the preset's widest)
            act, w = layer
            fan = width if act == "relu" else width + w
            self.stages.append(self._stage(width, w, fan, act, gen))
            width = w
        self.stages.append(self._stage(width, classes, width + classes, None, gen))
        self.params = [t for s in self.stages for t in s[:2]]

    @staticmethod
    def _stage(k, w, fan, act, gen):
        weight = (torch.randn(k, w, generator=gen) * math.sqrt(2.0 / fan)).requires_grad_()
        return (weight, torch.zeros(w).requires_grad_(), act)

    def param_count(self):
        return sum(p.numel() for p in self.params)

    def inputs(self, staged):
        """The module's 64 values of staged rows (no gradient: the module is fitted, not trained)."""
        with torch.no_grad():
            if self.module == "fourier":
                return math.sqrt(2.0) * torch.cos(torch.addmm(self.phase, staged, self.proj))
            if self.module == "binned":
                bins = staged.clamp(0, BINS - 1).long() + BINS * torch.arange(staged.shape[1])
                return self.proj[bins].sum(dim=1)
            return staged @ self.proj

    def logits(self, a):
        for weight, bias, act in self.stages:
            a = torch.addmm(bias, a, weight)
            if act == "relu":
                a = torch.relu(a)
            elif act == "tanh":
                a = torch.tanh(a)
        return a


def torch_child_run(child, opt, data, steps, gen, timed_from=0):
    """`steps` optimizer steps of the core's schedule from a fresh child: per-epoch shuffles,
    batches of 64, after each epoch (the last, partial one too) the validation accuracy and a copy
    of the best weights. Returns the validation accuracy and the seconds from step `timed_from`
    on: archrank's `--max-steps hi` minus `--max-steps lo` (at an epoch's end, after its
    validation, as a run of `lo` steps ends)."""
    x_tr, y_tr, x_va, y_va = data
    n = x_tr.shape[0]
    best_params = [p.detach().clone() for p in child.params]
    best, done = -1, 0
    start = time.perf_counter() if timed_from == 0 else None
    while done < steps:
        perm = torch.randperm(n, generator=gen)
        for at in range(0, n, CHILD_BATCH):
            if done >= steps:
                break
            idx = perm[at: at + CHILD_BATCH]
            loss = F.cross_entropy(child.logits(child.inputs(x_tr[idx])), y_tr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            done += 1
            if done == timed_from and at + CHILD_BATCH < n:  # lo mid-epoch
                start = time.perf_counter()
        with torch.no_grad():
            correct = int((child.logits(child.inputs(x_va)).argmax(dim=1) == y_va).sum())
            if correct > best:
                best = correct
                for b, p in zip(best_params, child.params):
                    b.copy_(p)
        if start is None and done >= timed_from:
            start = time.perf_counter()
    return best / max(1, x_va.shape[0]), time.perf_counter() - start


def make_sgd(params, variant):
    return torch.optim.SGD(params, lr=CHILD_LR, momentum=CHILD_MOMENTUM, dampening=0.0,
                           weight_decay=0.0, **variant_kw(variant))


def time_torch_child(spec, data, classes, variant, span, reps, warmup, seed):
    """The median over `reps` fresh children of the per-step time over steps span[0]..span[1]
    (after a warm-up child of `warmup` steps)."""
    lo, hi = span
    per_step, accs = [], []
    features = data[0].shape[1]
    for rep in range(reps + 1):  # the first is the warm-up
        gen = torch.Generator().manual_seed(seed + rep)
        child = TorchChild(spec, features, classes, gen)
        try:
            opt = make_sgd(child.params, variant)
        except (RuntimeError, TypeError, ValueError) as e:
            return {"variant": variant, "error": str(e)}
        if rep == 0:
            torch_child_run(child, opt, data, warmup, gen)
            continue
        acc, seconds = torch_child_run(child, opt, data, hi, gen, timed_from=lo)
        per_step.append(seconds / (hi - lo) * 1e3)
        accs.append(acc)
    return {
        "variant": variant, "steps": [lo, hi], "warmup_steps": warmup,
        "params": child.param_count(), "ms_per_step_reps": per_step,
        "ms_per_step": statistics.median(per_step), "validation_accuracy_per_rep": accs,
    }


# ======================================================================================
# archrank's side: two step counts, differenced
# ======================================================================================

def run_cli(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def differenced(make_cmd, counts, reps, env, check):
    """Runs `make_cmd(n)` for both step counts `reps` times; per-step ms of the difference."""
    lo, hi = counts
    runs, per_step = [], []
    for rep in range(reps):
        pair = {}
        for n in (lo, hi) if rep % 2 == 0 else (hi, lo):
            wall, cpu, out = run_cli(make_cmd(n), env)
            extra = check(n, out)
            pair[n] = {"wall_s": wall, "cpu_s": cpu, **extra}
        per_step.append((pair[hi]["wall_s"] - pair[lo]["wall_s"]) / (hi - lo) * 1e3)
        runs.append({"rep": rep, str(lo): pair[lo], str(hi): pair[hi]})
    return {"steps": [lo, hi], "runs": runs, "ms_per_step_reps": per_step,
            "ms_per_step": statistics.median(per_step)}


def archrank_fit(exe, db, counts, reps, env, tmp):
    out = os.path.join(tmp, "ranker.postcard")

    def cmd(n):
        return [exe, "fit", "--db", db, "--preset", "tiny", "--ranker", "residual",
                "--loss", "linear", "--optimizer", "adam", "--lr", "0.001",
                "--batch-samples", str(BATCH_SAMPLES), "--pairs", str(PAIRS),
                "--steps", str(n), "-o", out, "-q", "--json"]

    def check(n, stdout):
        j = json.loads(stdout)
        if j["steps"] != n or j["ranker"] != "residual":
            raise SystemExit(f"fit ran {j['steps']} steps of {j['ranker']}, wanted {n} residual")
        return {"loop_seconds": j["seconds"], "tasks": j["tasks"], "final_loss": j["final_loss"]}

    result = differenced(cmd, counts, reps, env, check)
    lo, hi = (str(c) for c in counts)
    loop = [(r[hi]["loop_seconds"] - r[lo]["loop_seconds"]) / (counts[1] - counts[0]) * 1e3
            for r in result["runs"]]
    result["loop_clock_ms_per_step_reps"] = loop
    result["loop_clock_ms_per_step"] = statistics.median(loop)
    result["command"] = " ".join(cmd("N"))
    # The fitted file's network section: 4 bytes a parameter (f32), to check PyTorch's count.
    shown = subprocess.run([exe, "inspect", out], env=env, capture_output=True, text=True,
                           check=True).stdout
    match = re.search(r"network (\d+) bytes", shown)
    result["param_count"] = int(match.group(1)) // 4 if match else None
    return result


def archrank_child(exe, db, task, spec, counts, reps, env, tmp, steps_per_epoch):
    out = os.path.join(tmp, "child.model")

    def cmd(n):
        return [exe, "train", "--db", db, "--db-task", task, "--preset", "tiny",
                "--discrete", spec, "--engine", "core", "--batch-size", "64", "--seeds", "1", "--no-refit",
                "--min-steps", str(n), "--max-steps", str(n), "--epochs", "100000",
                "--patience", "100000", "-o", out, "-q", "--json"]

    def check(n, stdout):
        j = json.loads(stdout)
        epochs = j["seeds"][0]["epochs"]
        if epochs != math.ceil(n / steps_per_epoch):
            raise SystemExit(f"train ran {epochs} epochs, wanted {math.ceil(n / steps_per_epoch)}"
                             f" ({n} steps): stopped early (diverged?)")
        return {"epochs": epochs, "params": j["cost"]["params"], "engine": j["engine"],
                "trained_rows": j["trained_rows"], "validation_accuracy": j["validation_accuracy"]}

    result = differenced(cmd, counts, reps, env, check)
    result["command"] = " ".join(cmd("N"))
    return result


# ======================================================================================

def machine():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": cpu, "logical_cpus": os.cpu_count(), "python": platform.python_version(),
        "torch": torch.__version__, "numpy": np.__version__,
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
        "loadavg_at_start": os.getloadavg(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    default_exe = "target/release/archrank"
    ap.add_argument("--archrank", default=default_exe if os.path.exists(default_exe) else
                    (shutil.which("archrank") or default_exe), help="a release binary")
    ap.add_argument("--db", default="data/default.sqlite")
    ap.add_argument("--out", default="results/torch-bench.json")
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions a side")
    ap.add_argument("--fit-steps", type=int, nargs=2, default=[500, 5500],
                    help="archrank fit's two step counts")
    ap.add_argument("--torch-fit-steps", type=int, default=300, help="PyTorch steps a rep")
    ap.add_argument("--child-task", default="cardiotocography")
    ap.add_argument("--child-train-rows", type=int, default=1700)
    ap.add_argument("--child-val-rows", type=int, default=213)
    ap.add_argument("--child-arch", action="append",
                    help="tiny discrete architecture (repeatable; default: zscore/relu64/relu64/"
                         "relu64, the preset's widest, and fourier/tanh64/skip/relu32)")
    ap.add_argument("--child-span", action="append", metavar="LO:HI",
                    help="steps LO..HI of a fresh child are timed (archrank: `--max-steps HI` "
                         "minus `--max-steps LO`; repeatable; default: 27:540, epochs 2 to 20 of "
                         "the default schedule's 20 on this task, and 270:2970, epochs 11 to 110)")
    ap.add_argument("--only", choices=["fit", "child"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true",
                    help="tiny step counts: a check of the script, not a measurement")
    args = ap.parse_args()
    archs = args.child_arch or ["zscore/relu64/relu64/relu64", "fourier/tanh64/skip/relu32"]
    spans = [tuple(int(v) for v in s.split(":")) for s in (args.child_span or ["27:540",
                                                                               "270:2970"])]
    if args.quick:
        args.reps, args.fit_steps, args.torch_fit_steps, spans = 1, [20, 120], 20, [(27, 81)]
    if any(not 0 <= lo < hi for lo, hi in spans):
        raise SystemExit("--child-span LO:HI wants 0 <= LO < HI")
    fit_warmup, child_warmup = max(20, args.torch_fit_steps // 5), 54

    env = dict(os.environ, RAYON_NUM_THREADS="1")
    version = subprocess.run([args.archrank, "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    started = datetime.datetime.now(datetime.timezone.utc)
    report = {
        "issue": "28 item 3", "date_utc": started.isoformat(timespec="seconds"),
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "archrank": {"binary": args.archrank, "version": version, "env": "RAYON_NUM_THREADS=1"},
        "machine": machine(), "reps": args.reps, "quick": args.quick, "workloads": [],
    }
    rows = []
    with tempfile.TemporaryDirectory(prefix="torch-bench-") as tmp:
        if args.only in (None, "fit"):
            gen = torch.Generator().manual_seed(args.seed)
            tasks = load_fit_tasks(args.db, gen)
            widths = [t.width for t in tasks]
            batches = [t.batch for t in tasks]
            shapes = (f"1 task a step of {len(tasks)}; b = {statistics.mean(batches):.1f} samples "
                      f"(64 on {sum(b == 64 for b in batches)} tasks) x W = "
                      f"{statistics.mean(widths):.1f} set values (mean; 4..64); 32 pairs = 64 "
                      f"archs, U = {U}; {PARAM_COUNT} params, Adam")
            print(f"ranker fit: {shapes}", file=sys.stderr)
            torch_runs = [time_torch_fit(tasks, v, args.torch_fit_steps, args.reps, fit_warmup,
                                         args.seed) for v in VARIANTS]
            print(f"  PyTorch: {[r.get('ms_per_step', r.get('error')) for r in torch_runs]}",
                  file=sys.stderr)
            ar = archrank_fit(args.archrank, args.db, args.fit_steps, args.reps, env, tmp)
            fit_tasks = ar["runs"][0][str(args.fit_steps[0])]["tasks"]
            if ar["param_count"] != PARAM_COUNT or fit_tasks != len(tasks):
                raise SystemExit(f"shape mismatch: archrank {ar['param_count']} params over "
                                 f"{fit_tasks} tasks, PyTorch {PARAM_COUNT} over {len(tasks)}")
            print(f"  archrank: {ar['ms_per_step']:.4f} ms/step (loop clock "
                  f"{ar['loop_clock_ms_per_step']:.4f})", file=sys.stderr)
            short = (f"1 of {len(tasks)} tasks, {statistics.mean(batches):.1f} samples x "
                     f"{statistics.mean(widths):.1f} set values (means), 32 pairs, "
                     f"{PARAM_COUNT} params, steps {args.fit_steps[0]}..{args.fit_steps[1]}")
            rows.append(("ranker fit step, set encoder + residual form", short, ar, torch_runs))
            report["workloads"].append({
                "workload": "ranker_fit_step", "shapes": shapes, "tasks": len(tasks),
                "mean_set_width": statistics.mean(widths), "mean_batch": statistics.mean(batches),
                "param_count": PARAM_COUNT, "archrank": ar, "torch": torch_runs,
            })
        if args.only in (None, "child"):
            csv_path = os.path.join(os.path.dirname(args.db) or ".", "tasks",
                                    f"{args.child_task}.csv")
            x_tr, y_tr, x_va, y_va, classes = load_child_task(
                csv_path, args.child_train_rows, args.child_val_rows, args.seed)
            data = (x_tr, y_tr, x_va, y_va)
            steps_per_epoch = math.ceil(args.child_train_rows / CHILD_BATCH)
            for spec, span in ((a, sp) for a in archs for sp in spans):
                probe = TorchChild(spec, x_tr.shape[1], classes, torch.Generator().manual_seed(0))
                shapes = (f"{args.child_task}: {args.child_train_rows} training rows "
                          f"({steps_per_epoch} steps an epoch), {args.child_val_rows} validation "
                          f"rows, {x_tr.shape[1]} features, {classes} classes; {spec}, "
                          f"{probe.param_count()} params; batch 64, SGD momentum 0.9; "
                          f"steps {span[0]}..{span[1]} of a fresh child")
                print(f"child step: {shapes}", file=sys.stderr)
                torch_runs = [time_torch_child(spec, data, classes, v, span, args.reps,
                                               child_warmup, args.seed) for v in VARIANTS]
                print(f"  PyTorch: {[r.get('ms_per_step', r.get('error')) for r in torch_runs]}",
                      file=sys.stderr)
                ar = archrank_child(args.archrank, args.db, args.child_task, spec, list(span),
                                    args.reps, env, tmp, steps_per_epoch)
                got = ar["runs"][0][str(span[0])]
                if (got["params"] != probe.param_count()
                        or got["trained_rows"] != args.child_train_rows):
                    raise SystemExit(f"shape mismatch: archrank {got['params']} params on "
                                     f"{got['trained_rows']} rows, PyTorch {probe.param_count()} "
                                     f"on {args.child_train_rows}")
                print(f"  archrank: {ar['ms_per_step']:.4f} ms/step", file=sys.stderr)
                short = (f"{args.child_train_rows} rows ({classes} classes, {x_tr.shape[1]} "
                         f"features), batch 64, {probe.param_count()} params, steps "
                         f"{span[0]}..{span[1]}")
                rows.append((f"child training step, {spec}", short, ar, torch_runs))
                report["workloads"].append({
                    "workload": "child_training_step", "arch": spec, "span": list(span),
                    "shapes": shapes, "task": args.child_task, "param_count": probe.param_count(),
                    "archrank": ar, "torch": torch_runs,
                })

    lines = ["| workload | one step | archrank ms/step | PyTorch ms/step, optimizer default / "
             "foreach / fused | PyTorch (fastest) / archrank |",
             "|---|---|---:|---:|---:|"]
    for (name, shapes, ar, torch_runs), w in zip(rows, report["workloads"]):
        ms = {r["variant"]: r.get("ms_per_step") for r in torch_runs}
        timed = [v for v in ms if ms[v] is not None]
        if not timed:
            sys.exit(f"{name}: no PyTorch optimizer variant could be timed")
        best_variant = min(timed, key=ms.get)
        best = ms[best_variant]
        ratio = best / ar["ms_per_step"]
        w["torch_best_variant"], w["torch_best_ms_per_step"] = best_variant, best
        w["ratio_torch_over_archrank"] = ratio
        fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
        torch_ms = " / ".join(fmt(ms.get(v)) for v in VARIANTS)
        lines.append(f"| {name} | {shapes} | {ar['ms_per_step']:.3f} | {torch_ms} | "
                     f"{ratio:.2f}x |")
    report["table_markdown"] = "\n".join(lines)
    report["machine"]["loadavg_at_end"] = os.getloadavg()
    report["seconds"] = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
    print(report["table_markdown"])
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(report, fh, indent=2)
        fh.write("\n")
    print(f"wrote {args.out} ({report['seconds']:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
