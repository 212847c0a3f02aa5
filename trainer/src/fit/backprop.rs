//! One step's forward pass, through the core's own network code, and its back-propagation by
//! hand into every tensor: the set encoder, the backbone and the residual.
//!
//! The forward pass builds a [`Network`] over the little-endian bytes of the current parameters
//! and calls the core's [`SetAccumulator`] and [`archrank_core::Scorer::score_soft_traced`], so
//! the scores the trainer fits are the scores a device computes, bit for bit. The backward pass
//! reads the same parameters as `f32` and follows the core's layout (weights `[input][output]`):
//!
//! ```text
//! set:  f_ij = relu(w_v x_ij + W_l[c_i] + b),  m_j = mean_i f_ij,
//!       g_j = tanh(W2^T relu(W1^T m_j + b1) + b2),  s = mean_j g_j,  z = [s | scalars | landmarks]
//! h:    a1 = relu(Wu^T softmax(u) + Wz^T z + b1),  a2 = relu(W2^T a1 + b2),  h = w3 . a2 + b3
//! g:    the same tower over softmax(u) alone (the residual form);  score = g + h
//! ```

use std::ops::Range;

use archrank_core::architecture::softmax_groups;
use archrank_core::dims::{
    EMBED_DIM, FEATURE_HIDDEN, LANDMARK_SLOTS, RHO_HIDDEN1, RHO_HIDDEN2, SET_EMBED, SET_HIDDEN,
    TASK_SCALARS,
};
use archrank_core::network::{RhoTrace, TowerTensors, param_count};
use archrank_core::set_encoder::FeatureTrace;
use archrank_core::{
    Network, Preset, RankerForm, SetAccumulator, SetSummary, TaskEmbedding, assemble_embedding,
};

use super::error::{FitError, Result};
use super::fit_config::{FitConfig, TaskInputs};
use super::fit_data::FitTask;
use super::network_params::{le_params, tensor, tensor_ranges};
use super::pairwise_loss::batch_loss;
use super::same_task_loss::triplet_loss;

/// Rows of one task whose samples make a set summary.
#[derive(Clone, Debug)]
pub struct SampleBatch<'a> {
    /// The task.
    pub task: &'a FitTask,
    /// Indices into its samples, in the order they are accumulated.
    pub rows: Vec<usize>,
}

impl<'a> SampleBatch<'a> {
    /// Every sample of `task`, in order.
    #[must_use]
    pub fn all(task: &'a FitTask) -> Self {
        Self { task, rows: (0..task.samples.len()).collect() }
    }
}

/// What one step trains on: a batch of one task's samples (for z), the architectures scored
/// for z with their targets (pairs back to back for the ranking losses), and for the
/// "same task?" loss a second batch of the task and one of another task.
#[derive(Clone, Debug)]
pub struct StepBatch<'a> {
    /// Samples whose set summary goes into z.
    pub samples: SampleBatch<'a>,
    /// Architecture logits u, each of length U.
    pub archs: Vec<&'a [f32]>,
    /// Target of each architecture.
    pub targets: Vec<f32>,
    /// Another batch of the same task and a batch of another task.
    pub same_task: Option<(SampleBatch<'a>, SampleBatch<'a>)>,
}

/// The set encoder's activations for one batch.
#[derive(Clone, Debug)]
pub struct SetForward {
    /// The set summary s.
    pub summary: SetSummary,
    /// g's activations per feature.
    pub features: Vec<FeatureTrace>,
}

/// The activations of a forward pass, kept for back-propagation.
#[derive(Clone, Debug)]
pub struct Forward {
    /// The set encoder's.
    pub set: SetForward,
    /// The task embedding.
    pub z: TaskEmbedding,
    /// The per-group softmax of every architecture, back to back.
    pub soft: Vec<f32>,
    /// The towers' activations, per architecture.
    pub rho: Vec<RhoTrace>,
    /// The score of every architecture.
    pub scores: Vec<f32>,
}

/// The set summary of `batch`, accumulated in row order by the core's [`SetAccumulator`].
#[must_use]
pub fn set_forward<P: Preset>(net: &Network<'_, P>, batch: &SampleBatch<'_>) -> SetForward {
    let samples = &batch.task.samples;
    let mut acc = SetAccumulator::new();
    for &i in &batch.rows {
        acc.add(net, samples.values(i), samples.slot(i));
    }
    let mut features = Vec::with_capacity(acc.width());
    let summary = acc.summary_traced(net, |_, trace| features.push(*trace));
    SetForward { summary, features }
}

/// z of `task` from its set summary, with the parts `inputs` does not read left zero. For
/// [`TaskInputs::PRODUCT`] this is what the core's `Embedder` computes.
#[must_use]
pub fn embedding(task: &FitTask, summary: &SetSummary, inputs: TaskInputs) -> TaskEmbedding {
    let summary = if inputs.set { *summary } else { SetSummary::zeros() };
    let scalars = if inputs.scalars { task.samples.scalars() } else { [0.0; TASK_SCALARS] };
    let landmarks = if inputs.landmarks { task.landmarks } else { [0.0; LANDMARK_SLOTS] };
    assemble_embedding(&summary, &scalars, &landmarks)
}

/// The forward pass of `net` for one batch: z from `samples`, then a score per architecture.
#[must_use]
pub fn forward<P: Preset>(
    net: &Network<'_, P>,
    samples: &SampleBatch<'_>,
    inputs: TaskInputs,
    archs: &[&[f32]],
) -> Forward {
    let set = if inputs.set {
        set_forward(net, samples)
    } else {
        SetForward { summary: SetSummary::zeros(), features: Vec::new() }
    };
    let z = embedding(samples.task, &set.summary, inputs);
    let scorer = net.scorer(&z);
    let u_dim = P::ARCH_DIM;
    let mut soft = vec![0.0; archs.len() * u_dim];
    let mut rho = vec![RhoTrace::default(); archs.len()];
    let mut scores = vec![0.0; archs.len()];
    for (((u, s), trace), score) in
        archs.iter().zip(soft.chunks_exact_mut(u_dim)).zip(&mut rho).zip(&mut scores)
    {
        softmax_groups(&P::LAYOUT, u, s);
        *score = scorer.score_soft_traced(s, trace);
    }
    Forward { set, z, soft, rho, scores }
}

/// `grad_w += input (x) g_out` for a `[input][output]` weight gradient.
#[inline]
fn outer_add(grad_w: &mut [f32], input: &[f32], g_out: &[f32]) {
    for (row, &xi) in grad_w.chunks_exact_mut(g_out.len()).zip(input) {
        if xi == 0.0 {
            continue;
        }
        for (gw, &g) in row.iter_mut().zip(g_out) {
            *gw += xi * g;
        }
    }
}

/// `g_in[i] = sum_o W[i][o] g_out[o]`, zeroed where the layer's input was not active.
#[inline]
fn back_through(weights: &[f32], g_out: &[f32], active: &[f32], g_in: &mut [f32]) {
    for ((g, row), &a) in g_in.iter_mut().zip(weights.chunks_exact(g_out.len())).zip(active) {
        *g = if a > 0.0 { row.iter().zip(g_out).map(|(w, go)| w * go).sum() } else { 0.0 };
    }
}

/// `acc += v`.
#[inline]
fn add_into(acc: &mut [f32], v: &[f32]) {
    for (a, &b) in acc.iter_mut().zip(v) {
        *a += b;
    }
}

/// Back-propagates `g` (d loss / d tower output) through one tower whose first layer read
/// `soft` and had activations `hidden1`, `hidden2`; returns d loss / d first layer's
/// pre-activation in `g1`.
#[allow(clippy::too_many_arguments)]
fn tower_backward(
    params: &[f32],
    grad: &mut [f32],
    r: &[Range<usize>],
    t: TowerTensors,
    soft: &[f32],
    hidden1: &[f32],
    hidden2: &[f32],
    g: f32,
    g1: &mut [f32; RHO_HIDDEN1],
) {
    let mut g2 = [0.0f32; RHO_HIDDEN2];
    grad[r[t.b3].start] += g;
    for (((gw, &h), &w3), g2i) in
        grad[r[t.w3].clone()].iter_mut().zip(hidden2).zip(&params[r[t.w3].clone()]).zip(&mut g2)
    {
        *gw += g * h;
        *g2i = if h > 0.0 { g * w3 } else { 0.0 };
    }
    add_into(&mut grad[r[t.b2].clone()], &g2);
    outer_add(&mut grad[r[t.w2].clone()], hidden1, &g2);
    back_through(&params[r[t.w2].clone()], &g2, hidden1, g1);
    add_into(&mut grad[r[t.b1].clone()], g1);
    outer_add(&mut grad[r[t.w1].clone()], soft, g1);
}

/// Back-propagates `d_scores` (d loss / d score) and `d_residual` (d loss / d h, the
/// residual's own penalty) of every architecture of `fwd` into `grad` (accumulated), returning
/// d loss / d z.
fn scores_backward<P: Preset>(
    params: &[f32],
    form: RankerForm,
    fwd: &Forward,
    d_scores: &[f32],
    d_residual: &[f32],
    grad: &mut [f32],
) -> [f32; EMBED_DIM] {
    let r = tensor_ranges(P::ARCH_DIM);
    let w_z = &params[r[tensor::RHO1_WZ].clone()];
    let z = fwd.z.as_slice();
    let mut gz = [0.0f32; EMBED_DIM];
    let mut g1 = [0.0f32; RHO_HIDDEN1];
    for (((&g, &gh), trace), soft) in
        d_scores.iter().zip(d_residual).zip(&fwd.rho).zip(fwd.soft.chunks_exact(P::ARCH_DIM))
    {
        if form == RankerForm::Residual && g != 0.0 {
            let (h1, h2) = (trace.backbone1.as_slice(), trace.backbone2.as_slice());
            tower_backward(params, grad, &r, TowerTensors::BACKBONE, soft, h1, h2, g, &mut g1);
        }
        let g = g + gh;
        if g == 0.0 {
            continue;
        }
        let (h1, h2) = (trace.hidden1.as_slice(), trace.hidden2.as_slice());
        tower_backward(params, grad, &r, TowerTensors::RESIDUAL, soft, h1, h2, g, &mut g1);
        outer_add(&mut grad[r[tensor::RHO1_WZ].clone()], z, &g1);
        for (gzk, row) in gz.iter_mut().zip(w_z.chunks_exact(RHO_HIDDEN1)) {
            *gzk += row.iter().zip(&g1).map(|(a, b)| a * b).sum::<f32>();
        }
    }
    gz
}

/// Back-propagates `d_summary` (d loss / d s) of `batch` into the set encoder's tensors of
/// `grad` (accumulated): through the mean over features into g, through the mean over samples
/// into f of every (value, label slot) pair.
pub fn set_backward<P: Preset>(
    params: &[f32],
    net: &Network<'_, P>,
    batch: &SampleBatch<'_>,
    set: &SetForward,
    d_summary: &SetSummary,
    grad: &mut [f32],
) {
    let width = set.features.len();
    if width == 0 || batch.rows.is_empty() || d_summary.iter().all(|&g| g == 0.0) {
        return;
    }
    let r = tensor_ranges(P::ARCH_DIM);
    let (w1, w2) = (&params[r[tensor::SET1_W].clone()], &params[r[tensor::SET2_W].clone()]);
    let per_feature = 1.0 / width as f32;
    let mut d_means = vec![[0.0f32; FEATURE_HIDDEN]; width];
    let mut d_out = [0.0f32; SET_EMBED];
    let mut d_hidden = [0.0f32; SET_HIDDEN];
    for (trace, d_mean) in set.features.iter().zip(&mut d_means) {
        for ((d, &o), &g) in d_out.iter_mut().zip(trace.out.as_slice()).zip(d_summary.as_slice()) {
            *d = g * per_feature * (1.0 - o * o);
        }
        add_into(&mut grad[r[tensor::SET2_B].clone()], &d_out);
        outer_add(&mut grad[r[tensor::SET2_W].clone()], trace.hidden.as_slice(), &d_out);
        back_through(w2, &d_out, trace.hidden.as_slice(), &mut d_hidden);
        add_into(&mut grad[r[tensor::SET1_B].clone()], &d_hidden);
        outer_add(&mut grad[r[tensor::SET1_W].clone()], trace.mean.as_slice(), &d_hidden);
        // g reads m_j directly (no activation in between): every input is "active".
        back_through(w1, &d_hidden, &[1.0; FEATURE_HIDDEN], d_mean);
    }
    // m_j is the mean of f over the samples: each pair receives d m_j / count.
    let per_sample = 1.0 / batch.rows.len() as f32;
    let samples = &batch.task.samples;
    let (wv, wl, b) = (
        r[tensor::FEATURE_WV].clone(),
        r[tensor::FEATURE_WL].clone(),
        r[tensor::FEATURE_B].clone(),
    );
    let mut f = [0.0f32; FEATURE_HIDDEN];
    for &i in &batch.rows {
        let slot = samples.slot(i);
        let label_part = net.label_part(slot);
        for (&v, d_mean) in samples.values(i).iter().zip(&d_means) {
            net.feature_layer_from(&label_part, v, &mut f);
            for (k, (&fk, &dm)) in f.iter().zip(d_mean).enumerate() {
                if fk <= 0.0 {
                    continue;
                }
                let d = dm * per_sample;
                grad[wv.start + k] += d * v;
                grad[wl.start + slot * FEATURE_HIDDEN + k] += d;
                grad[b.start + k] += d;
            }
        }
    }
}

/// The batch's mean loss under `config` (ranking loss, residual penalty, "same task?" loss),
/// with its gradient in every parameter written into `grad`. The forward pass is the core's,
/// over the little-endian bytes of `params`.
///
/// # Errors
///
/// When `params` or `grad` does not have the preset's parameter count.
pub fn loss_and_gradient<P: Preset>(
    params: &[f32],
    batch: &StepBatch<'_>,
    config: &FitConfig,
    grad: &mut [f32],
) -> Result<f32> {
    let n = param_count(P::ARCH_DIM);
    for len in [params.len(), grad.len()] {
        if len != n {
            return Err(FitError::ParamCount { expected: n, found: len });
        }
    }
    grad.iter_mut().for_each(|g| *g = 0.0);
    let le = le_params(params);
    let net = Network::<P>::from_params(&le, config.form)
        .ok_or(FitError::ParamCount { expected: n, found: params.len() })?;
    let fwd = forward(&net, &batch.samples, config.inputs, &batch.archs);
    let mut d_scores = vec![0.0; fwd.scores.len()];
    let mut loss = batch_loss(&config.loss_spec(), &fwd.scores, &batch.targets, &mut d_scores);
    let mut d_residual = vec![0.0; fwd.scores.len()];
    if config.form == RankerForm::Residual && config.residual_penalty > 0.0 {
        let scale = config.residual_penalty / fwd.rho.len().max(1) as f32;
        for (d, trace) in d_residual.iter_mut().zip(&fwd.rho) {
            loss += scale * trace.residual * trace.residual;
            *d = 2.0 * scale * trace.residual;
        }
    }
    let gz = scores_backward::<P>(params, config.form, &fwd, &d_scores, &d_residual, grad);
    if !config.inputs.set {
        return Ok(loss);
    }
    let mut d_summary = SetSummary::from_fn(|i, _| gz[i]);
    if let (Some((positive, negative)), true) = (&batch.same_task, config.same_task_weight > 0.0) {
        let (pos, neg) = (set_forward(&net, positive), set_forward(&net, negative));
        let t = triplet_loss(&fwd.set.summary, &pos.summary, &neg.summary);
        let w = config.same_task_weight;
        loss += w * t.loss;
        d_summary += t.d_anchor * w;
        set_backward(params, &net, positive, &pos, &(t.d_positive * w), grad);
        set_backward(params, &net, negative, &neg, &(t.d_negative * w), grad);
    }
    set_backward(params, &net, &batch.samples, &fwd.set, &d_summary, grad);
    Ok(loss)
}
