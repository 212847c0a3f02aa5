//! One step's forward pass, through the core's own network code, and its back-propagation by
//! hand into every tensor of phi and rho.
//!
//! The forward pass builds a [`Network`] over the little-endian bytes of the current parameters
//! and calls [`Network::phi_traced`] and [`archrank_core::Scorer::score_soft_traced`], so the
//! scores the trainer fits are the scores a device computes, bit for bit. The backward pass
//! reads the same parameters as `f32` and follows the core's layout (weights `[input][output]`):
//!
//! ```text
//! phi:  h = relu(W1^T x + b1),  o = tanh(W2^T h + b2),     z = mean over the batch of o
//! rho:  a1 = relu(Wu^T softmax(u) + Wz^T z + b1),  a2 = relu(W2^T a1 + b2),  v = w3 . a2 + b3
//! ```

use archrank_core::architecture::softmax_groups;
use archrank_core::dims::{EMBED_DIM, PHI_HIDDEN, RHO_HIDDEN1, RHO_HIDDEN2};
use archrank_core::network::{PhiTrace, RhoTrace, param_count};
use archrank_core::{Encoded, Network, Preset, TaskEmbedding};

use super::error::{FitError, Result};
use super::network_params::{le_params, tensor, tensor_ranges};
use super::pairwise_loss::{LossSpec, batch_loss};

/// What one step trains on: a batch of one task's encoded samples (for z), and the
/// architectures scored for z with their targets (pairs back to back for the ranking losses).
#[derive(Clone, Debug, Default)]
pub struct StepBatch<'a> {
    /// Encoded samples whose mean phi is z.
    pub samples: Vec<&'a Encoded>,
    /// Architecture logits u, each of length U.
    pub archs: Vec<&'a [f32]>,
    /// Target of each architecture.
    pub targets: Vec<f32>,
}

/// The activations of a forward pass, kept for back-propagation.
#[derive(Clone, Debug)]
pub struct Forward {
    /// phi's activations, per sample.
    pub phi: Vec<PhiTrace>,
    /// The task embedding: the mean of phi over the samples, as the core's `Embedder` computes
    /// it.
    pub z: TaskEmbedding,
    /// The per-group softmax of every architecture, back to back.
    pub soft: Vec<f32>,
    /// rho's activations, per architecture.
    pub rho: Vec<RhoTrace>,
    /// The score of every architecture.
    pub scores: Vec<f32>,
}

/// The forward pass of `net` for one batch: z from `samples`, then a score per architecture.
#[must_use]
pub fn forward<P: Preset>(net: &Network<'_, P>, samples: &[&Encoded], archs: &[&[f32]]) -> Forward {
    let mut phi = vec![PhiTrace::default(); samples.len()];
    // The same sum and division as `archrank_core::Embedder`, so z is bit-identical to it.
    let mut sum = TaskEmbedding::zeros();
    for (x, trace) in samples.iter().zip(&mut phi) {
        net.phi_traced(x, trace);
        sum += trace.out;
    }
    let count = u32::try_from(samples.len()).unwrap_or(u32::MAX);
    let z = if count == 0 { TaskEmbedding::zeros() } else { sum / count as f32 };
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
    Forward { phi, z, soft, rho, scores }
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

/// Back-propagates `d_scores` (d loss / d score of every architecture of `fwd`) into `grad`
/// (overwritten; the layout of `params`), through rho into z and through the mean into phi of
/// every sample.
///
/// # Errors
///
/// When `params` or `grad` does not have the preset's parameter count.
pub fn backward<P: Preset>(
    params: &[f32],
    samples: &[&Encoded],
    fwd: &Forward,
    d_scores: &[f32],
    grad: &mut [f32],
) -> Result<()> {
    let n = param_count(P::ARCH_DIM);
    for len in [params.len(), grad.len()] {
        if len != n {
            return Err(FitError::ParamCount { expected: n, found: len });
        }
    }
    grad.iter_mut().for_each(|g| *g = 0.0);
    let r = tensor_ranges(P::ARCH_DIM);
    let w = |t: usize| &params[r[t].clone()];
    let (w_rho2, w_rho3, w_z) = (w(tensor::RHO2_W), w(tensor::RHO3_W), w(tensor::RHO1_WZ));
    let u_dim = P::ARCH_DIM;

    let mut gz = [0.0f32; EMBED_DIM];
    let mut g2 = [0.0f32; RHO_HIDDEN2];
    let mut g1 = [0.0f32; RHO_HIDDEN1];
    let z = fwd.z.as_slice();
    for ((&g, trace), soft) in d_scores.iter().zip(&fwd.rho).zip(fwd.soft.chunks_exact(u_dim)) {
        if g == 0.0 {
            continue;
        }
        grad[r[tensor::RHO3_B].start] += g;
        for (((gw, &h), &w3), g2i) in grad[r[tensor::RHO3_W].clone()]
            .iter_mut()
            .zip(trace.hidden2.as_slice())
            .zip(w_rho3)
            .zip(&mut g2)
        {
            *gw += g * h;
            *g2i = if h > 0.0 { g * w3 } else { 0.0 };
        }
        add_into(&mut grad[r[tensor::RHO2_B].clone()], &g2);
        outer_add(&mut grad[r[tensor::RHO2_W].clone()], trace.hidden1.as_slice(), &g2);
        back_through(w_rho2, &g2, trace.hidden1.as_slice(), &mut g1);
        add_into(&mut grad[r[tensor::RHO1_B].clone()], &g1);
        outer_add(&mut grad[r[tensor::RHO1_WU].clone()], soft, &g1);
        outer_add(&mut grad[r[tensor::RHO1_WZ].clone()], z, &g1);
        for (gzk, row) in gz.iter_mut().zip(w_z.chunks_exact(RHO_HIDDEN1)) {
            *gzk += row.iter().zip(&g1).map(|(a, b)| a * b).sum::<f32>();
        }
    }
    if gz.iter().all(|&g| g == 0.0) || samples.is_empty() {
        return Ok(());
    }

    // z is the mean of phi: each sample's output receives gz / count.
    let scale = 1.0 / samples.len() as f32;
    let w_phi2 = w(tensor::PHI2_W);
    let mut d_out = [0.0f32; EMBED_DIM];
    let mut d_hidden = [0.0f32; PHI_HIDDEN];
    for (x, trace) in samples.iter().zip(&fwd.phi) {
        for ((d, &o), &g) in d_out.iter_mut().zip(trace.out.as_slice()).zip(&gz) {
            *d = g * scale * (1.0 - o * o);
        }
        add_into(&mut grad[r[tensor::PHI2_B].clone()], &d_out);
        outer_add(&mut grad[r[tensor::PHI2_W].clone()], trace.hidden.as_slice(), &d_out);
        back_through(w_phi2, &d_out, trace.hidden.as_slice(), &mut d_hidden);
        add_into(&mut grad[r[tensor::PHI1_B].clone()], &d_hidden);
        outer_add(&mut grad[r[tensor::PHI1_W].clone()], x.as_slice(), &d_hidden);
    }
    Ok(())
}

/// The batch's mean loss under `spec`, with its gradient in every parameter written into
/// `grad`. The forward pass is the core's, over the little-endian bytes of `params`.
///
/// # Errors
///
/// When `params` or `grad` does not have the preset's parameter count.
pub fn loss_and_gradient<P: Preset>(
    params: &[f32],
    batch: &StepBatch<'_>,
    spec: &LossSpec,
    grad: &mut [f32],
) -> Result<f32> {
    let le = le_params(params);
    let net = Network::<P>::from_params(&le)
        .ok_or(FitError::ParamCount { expected: param_count(P::ARCH_DIM), found: params.len() })?;
    let fwd = forward(&net, &batch.samples, &batch.archs);
    let mut d_scores = vec![0.0; fwd.scores.len()];
    let loss = batch_loss(spec, &fwd.scores, &batch.targets, &mut d_scores);
    backward::<P>(params, &batch.samples, &fwd, &d_scores, grad)?;
    Ok(loss)
}
