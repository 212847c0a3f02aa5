//! The child network of an architecture u: mixed input modules, mixture layers, a linear softmax
//! classifier, and its exact forward and backward passes.
//!
//! Layer l computes `h_l = a_use * sum_i s_i * pad(act_i(W_i h_{l-1} + b_i)) + a_skip * pad(h_{l-1})`
//! where `s = softmax(base logits)` and `(a_use, a_skip) = softmax(use/skip logits)`. All B base
//! layers of one mixture layer are one matrix product with their weights side by side (`k x S`,
//! S = sum of the base widths: 240 for the tiny preset), then each segment is activated, scaled by
//! its mixing weight and added into the first `width_i` columns of the layer's output, whose
//! width is the largest base width (zero padding), or its input's where a skip carries a wider
//! text bag on.
//!
//! The input `h_0 = sum_m softmax(module logits)_m * f_m` has the modules' common width W.
//! A skip path passes its input on unchanged: `pad` zero-pads a narrower input to the max width
//! (a numeric input of 64 on the paper preset's 256), and a text bag wider than the layers
//! stays whole through every layer that may skip, so the layer after it, or the classifier,
//! reads every bucket (the classifier alone is a linear model over the bag). Each `h_l` is as
//! wide as the skips let it be ([`Network::new`]'s widths), so a discrete network that uses its
//! first layer computes nothing wider than the layers.
//!
//! u is fixed while a child trains: only the weights receive gradients.

use std::ops::Range;

use archrank_core::dims::{Activation, Layout};

use super::gemm::{GemmScratch, Strided, gemm, transpose_into};
use super::mixing::Mixing;
use super::prepared::{ModuleFeatures, PreparedTask};
use crate::rng::Rng;
use archrank_core::fast_tanh::fast_tanh;

/// One base layer's place in a mixture layer's concatenated weights.
#[derive(Clone, Copy, Debug)]
struct Base {
    activation: Activation,
    width: usize,
    offset: usize,
}

/// The child network's shape and weights (one flat vector, so Adam and snapshots are one loop).
#[derive(Clone, Debug)]
pub struct Network {
    in_width: usize,
    max_width: usize,
    /// Width of `h_l` for l in 0..=layers: layer l's input, the classifier's last.
    widths: Vec<usize>,
    classes: usize,
    layers: usize,
    bases: Vec<Base>,
    total: usize,
    /// All weights: per layer `W_l` (`k x S` row-major) then `b_l` (S), then the classifier's
    /// `W_c` (`widths[layers] x classes`) and `b_c`.
    pub params: Vec<f32>,
    layer_offsets: Vec<(usize, usize)>,
    classifier: (usize, usize),
}

impl Network {
    /// A freshly initialized network for `layout` on inputs of width `in_width`, to be run
    /// mixed by `mix` (its skips decide how wide each layer's input is): He-normal weights for
    /// ReLU base layers, Glorot-normal for tanh ones and the classifier, zero biases.
    #[must_use]
    pub fn new(
        layout: &Layout,
        in_width: usize,
        classes: usize,
        mix: &Mixing,
        rng: &mut Rng,
    ) -> Self {
        let mut bases = Vec::with_capacity(layout.bases());
        let mut total = 0;
        for i in 0..layout.bases() {
            let (activation, width) = layout.base(i).unwrap_or((Activation::Relu, 0));
            bases.push(Base { activation, width, offset: total });
            total += width;
        }
        let max_width = layout.max_width();
        // An input wider than the layers stays whole through a layer that may skip.
        let mut widths = vec![in_width];
        for l in 0..layout.layers {
            let k = widths[l];
            let skips = mix.skip_weight.get(l).is_some_and(|&w| w != 0.0);
            widths.push(if skips && k > max_width { k } else { max_width });
        }
        let mut params = Vec::new();
        let mut layer_offsets = Vec::with_capacity(layout.layers);
        for &k in &widths[..layout.layers] {
            let w_off = params.len();
            params.resize(w_off + k * total, 0.0);
            let stds: Vec<f64> = bases
                .iter()
                .flat_map(|b| {
                    let std = match b.activation {
                        Activation::Relu => (2.0 / k.max(1) as f64).sqrt(),
                        Activation::Tanh => (2.0 / (k + b.width).max(1) as f64).sqrt(),
                    };
                    std::iter::repeat_n(std, b.width)
                })
                .collect();
            for row in params[w_off..].chunks_exact_mut(total.max(1)) {
                for (w, &std) in row.iter_mut().zip(&stds) {
                    *w = (rng.normal() * std) as f32;
                }
            }
            let b_off = params.len();
            params.resize(b_off + total, 0.0);
            layer_offsets.push((w_off, b_off));
        }
        let wc = params.len();
        let top = widths[layout.layers];
        let std = (2.0 / (top + classes).max(1) as f64).sqrt();
        params.extend((0..top * classes).map(|_| (rng.normal() * std) as f32));
        let bc = params.len();
        params.resize(bc + classes, 0.0);
        Self {
            in_width,
            max_width,
            widths,
            classes,
            layers: layout.layers,
            bases,
            total,
            params,
            layer_offsets,
            classifier: (wc, bc),
        }
    }

    /// Number of classes (outputs).
    #[must_use]
    pub const fn classes(&self) -> usize {
        self.classes
    }

    /// The weights of the discrete network `arch` inside this (one-hot mixed) child, in the
    /// model file's order: per used layer `W [in][out]` then `b`, then the classifier's. Input
    /// rows a layer never sees (zero padding past a skip's width) are left out.
    #[must_use]
    pub fn discrete_weights(&self, arch: &archrank_core::Discrete) -> Vec<f32> {
        let mut out = Vec::new();
        let mut width = self.in_width;
        for (l, choice) in arch.layers.iter().enumerate().take(self.layers) {
            match *choice {
                archrank_core::LayerChoice::Skip => {}
                archrank_core::LayerChoice::Base(b) => {
                    let Some(base) = self.bases.get(usize::from(b)) else { continue };
                    let (w_off, b_off) = self.layer_offsets.get(l).copied().unwrap_or((0, 0));
                    for row in 0..width {
                        out.extend_from_slice(
                            self.slice(w_off + row * self.total + base.offset, base.width),
                        );
                    }
                    out.extend_from_slice(self.slice(b_off + base.offset, base.width));
                    width = base.width;
                }
            }
        }
        let (wc, bc) = self.classifier;
        out.extend_from_slice(self.slice(wc, width * self.classes));
        out.extend_from_slice(self.slice(bc, self.classes));
        out
    }

    /// The columns of layer `l`'s base outputs that reach its output under `mix`: the one
    /// contributing base layer's segment when only one has a non-zero weight (an exactly one-hot
    /// layer: the discrete network's), none when none has (a skipped layer), else all. Columns
    /// outside it are multiplied by zero, so leaving them uncomputed changes no value.
    fn live_columns(&self, mix: &Mixing, l: usize) -> Range<usize> {
        let use_w = mix.use_weight.get(l).copied().unwrap_or(1.0);
        let weights = mix.bases.get(l).map_or(&[][..], Vec::as_slice);
        let mut live = self.bases.iter().zip(weights).filter(|&(_, &sw)| use_w * sw != 0.0);
        match (live.next(), live.next()) {
            (None, _) => 0..0,
            (Some((b, _)), None) => b.offset..b.offset + b.width,
            _ => 0..self.total,
        }
    }

    /// The ranges of [`Self::params`] that `mix` lets a gradient reach: each used layer's live
    /// columns (every row's) and their biases, and the classifier. Outside them the gradient is
    /// exactly zero at every step, so an optimizer that leaves them alone computes the same
    /// bits, and a text bag's skipped layers or dead base layers cost it nothing.
    #[must_use]
    pub fn live_ranges(&self, mix: &Mixing) -> Vec<Range<usize>> {
        let s = self.total;
        let mut ranges = Vec::new();
        for (l, &(w_off, b_off)) in self.layer_offsets.iter().enumerate() {
            let live = self.live_columns(mix, l);
            if live.is_empty() {
                continue;
            }
            if live.len() == s {
                ranges.push(w_off..w_off + self.width(l) * s);
            } else {
                ranges.extend(
                    (0..self.width(l))
                        .map(|r| w_off + r * s + live.start..w_off + r * s + live.end),
                );
            }
            ranges.push(b_off + live.start..b_off + live.end);
        }
        let (wc, bc) = self.classifier;
        ranges.push(wc..bc + self.classes);
        ranges
    }

    /// Width of `h_l`: layer l's input (l = layers: the classifier's).
    fn width(&self, l: usize) -> usize {
        self.widths.get(l).copied().unwrap_or(self.max_width)
    }

    /// The widest `h_l`.
    fn widest(&self) -> usize {
        self.widths.iter().copied().max().unwrap_or(self.max_width)
    }

    fn slice(&self, offset: usize, len: usize) -> &[f32] {
        self.params.get(offset..offset + len).unwrap_or(&[])
    }
}

/// Preallocated buffers for one child's batches, so that training allocates nothing per step.
/// A workspace serves one mixing: the gradient's entries outside its live columns are zero from
/// the start and never written.
#[derive(Clone, Debug)]
pub struct Workspace {
    capacity: usize,
    /// `hs[l]` is `h_l`, capacity x `widths[l]`: the mixed input, then each layer's output.
    hs: Vec<Vec<f32>>,
    /// Per layer, the activated base outputs (capacity x S).
    acts: Vec<Vec<f32>>,
    /// Class probabilities of the last forward pass (capacity x classes).
    pub(super) probs: Vec<f32>,
    dlogits: Vec<f32>,
    dh: Vec<f32>,
    dh_prev: Vec<f32>,
    dz: Vec<f32>,
    transposed: Vec<f32>,
    sparse: Vec<(u32, f32)>,
    sparse_offsets: Vec<usize>,
    scratch: GemmScratch,
    /// Gradient of the last [`Network::loss_and_gradient`], laid out like `Network::params`.
    pub grads: Vec<f32>,
}

impl Workspace {
    /// Class probabilities of the last forward pass, row after row.
    #[must_use]
    pub fn probabilities(&self) -> &[f32] {
        &self.probs
    }

    /// Buffers for batches of up to `capacity` rows of `net`.
    #[must_use]
    pub fn new(net: &Network, capacity: usize) -> Self {
        let widest = net.widest();
        let hs = net.widths.iter().map(|&w| vec![0.0; capacity * w]).collect();
        Self {
            capacity,
            hs,
            acts: (0..net.layers).map(|_| vec![0.0; capacity * net.total]).collect(),
            probs: vec![0.0; capacity * net.classes],
            dlogits: vec![0.0; capacity * net.classes],
            dh: vec![0.0; capacity * widest],
            dh_prev: vec![0.0; capacity * widest],
            dz: vec![0.0; capacity * net.total],
            transposed: vec![0.0; net.total.max(net.classes) * widest],
            sparse: Vec::new(),
            sparse_offsets: Vec::with_capacity(capacity + 1),
            scratch: GemmScratch::default(),
            grads: vec![0.0; net.params.len()],
        }
    }
}

impl Network {
    /// Mixes the input modules of prepared rows `rows` into `hs[0]` (and, for text, the sparse
    /// list of the batch). Returns the batch size used (at most the workspace capacity).
    fn load_batch(
        &self,
        ws: &mut Workspace,
        prepared: &PreparedTask,
        mix: &Mixing,
        rows: &[usize],
    ) -> usize {
        let m = rows.len().min(ws.capacity);
        let w = self.in_width;
        let Some(h0) = ws.hs.first_mut() else { return 0 };
        h0[..m * w].fill(0.0);
        match &prepared.features {
            ModuleFeatures::Dense(modules, _) => {
                // A module of weight 0 (not the discrete network's) adds nothing.
                for (&weight, feats) in mix.modules.iter().zip(modules).filter(|(w, _)| **w != 0.0)
                {
                    for (dst, &r) in h0.chunks_exact_mut(w).zip(&rows[..m]) {
                        let src = feats.get(r * w..(r + 1) * w).unwrap_or(&[]);
                        dst.iter_mut().zip(src).for_each(|(d, &s)| *d += weight * s);
                    }
                }
            }
            ModuleFeatures::Sparse(modules) => {
                ws.sparse.clear();
                ws.sparse_offsets.clear();
                ws.sparse_offsets.push(0);
                for (dst, &r) in h0.chunks_exact_mut(w).zip(&rows[..m]) {
                    let live = mix.modules.iter().zip(modules).filter(|(w, _)| **w != 0.0);
                    for (&weight, feats) in live {
                        for &(i, v) in feats.row(r) {
                            ws.sparse.push((i, weight * v));
                            if let Some(d) = dst.get_mut(i as usize) {
                                *d += weight * v;
                            }
                        }
                    }
                    ws.sparse_offsets.push(ws.sparse.len());
                }
            }
        }
        m
    }

    /// Class probabilities of prepared rows `rows` (at most the workspace capacity), left in the
    /// first `rows.len() * classes` values of the workspace's probabilities; returns the row count.
    /// `mix` is the mixing the network was made for ([`Network::new`]).
    pub fn predict(
        &self,
        ws: &mut Workspace,
        prepared: &PreparedTask,
        mix: &Mixing,
        rows: &[usize],
    ) -> usize {
        let m = self.load_batch(ws, prepared, mix, rows);
        forward(self, ws, mix, m, prepared.is_sparse());
        m
    }

    /// Mean cross-entropy of prepared rows `rows` and its gradient with respect to every weight,
    /// left in `ws.grads` (`mix` the network's own, `ws` serving only it).
    pub fn loss_and_gradient(
        &self,
        ws: &mut Workspace,
        prepared: &PreparedTask,
        mix: &Mixing,
        rows: &[usize],
    ) -> f32 {
        let m = self.predict(ws, prepared, mix, rows);
        if m == 0 {
            ws.grads.fill(0.0);
            return 0.0;
        }
        let c = self.classes;
        let mut loss = 0.0_f64;
        let inv_m = 1.0 / m as f32;
        for ((drow, prow), &r) in
            ws.dlogits.chunks_exact_mut(c).zip(ws.probs.chunks_exact(c)).zip(rows)
        {
            let y = prepared.labels.get(r).copied().unwrap_or(0) as usize;
            loss -= f64::from(prow.get(y).copied().unwrap_or(1.0).max(1e-30).ln());
            for (j, (d, &p)) in drow.iter_mut().zip(prow).enumerate() {
                *d = (p - if j == y { 1.0 } else { 0.0 }) * inv_m;
            }
        }
        backward(self, ws, mix, m, prepared.is_sparse());
        (loss / m as f64) as f32
    }
}

#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
/// Forward pass over `m` loaded rows, leaving class probabilities in `ws.probs`.
fn forward(net: &Network, ws: &mut Workspace, mix: &Mixing, m: usize, sparse_input: bool) {
    let s = net.total;
    for l in 0..net.layers {
        let (k, wo) = (net.width(l), net.width(l + 1));
        let (w_off, b_off) = net.layer_offsets.get(l).copied().unwrap_or((0, 0));
        let weights = net.slice(w_off, k * s);
        let bias = net.slice(b_off, s);
        let (before, after) = ws.hs.split_at_mut(l + 1);
        let (Some(x), Some(h), Some(act)) = (before.last(), after.first_mut(), ws.acts.get_mut(l))
        else {
            return;
        };
        let act = &mut act[..m * s];
        let live = net.live_columns(mix, l);
        if l == 0 && sparse_input {
            for (b, arow) in act.chunks_exact_mut(s).enumerate() {
                let arow = &mut arow[live.clone()];
                arow.fill(0.0);
                let (lo, hi) = (ws.sparse_offsets.get(b), ws.sparse_offsets.get(b + 1));
                let entries = match (lo, hi) {
                    (Some(&lo), Some(&hi)) => ws.sparse.get(lo..hi).unwrap_or(&[]),
                    _ => &[],
                };
                for &(i, v) in entries {
                    let from = i as usize * s;
                    let wrow = weights.get(from + live.start..from + live.end).unwrap_or(&[]);
                    arow.iter_mut().zip(wrow).for_each(|(a, &w)| *a += v * w);
                }
            }
        } else if !live.is_empty() {
            gemm(
                m,
                k,
                live.len(),
                Strided::rows(&x[..m * k], k),
                weights.get(live.start..).unwrap_or(&[]),
                s,
                &mut act[live.start..],
                s,
                false,
                &mut ws.scratch,
            );
        }
        let use_w = mix.use_weight.get(l).copied().unwrap_or(1.0);
        let skip_w = mix.skip_weight.get(l).copied().unwrap_or(0.0);
        let weights_l = mix.bases.get(l).map_or(&[][..], Vec::as_slice);
        // The widths were set for the network's own mixing (`Network::new`): a layer whose input
        // is wider than its output never skips.
        debug_assert!(skip_w == 0.0 || k <= wo, "a network run with another mixing than its own");
        for ((arow, hrow), xrow) in
            act.chunks_exact_mut(s).zip(h.chunks_exact_mut(wo)).zip(x.chunks_exact(k))
        {
            hrow.fill(0.0);
            // The skip path (padded); an input wider than `wo` is one this layer never skips.
            if k <= wo {
                hrow[..k].iter_mut().zip(xrow).for_each(|(o, &v)| *o = skip_w * v);
            }
            for (base, &sw) in net.bases.iter().zip(weights_l) {
                let c = use_w * sw;
                if c == 0.0 {
                    // Outside the live columns: never computed, and worth nothing here.
                    continue;
                }
                let range = base.offset..base.offset + base.width;
                let seg = &mut arow[range.clone()];
                seg.iter_mut().zip(&bias[range]).for_each(|(a, &b)| *a += b);
                match base.activation {
                    Activation::Relu => seg.iter_mut().for_each(|a| *a = a.max(0.0)),
                    Activation::Tanh => seg.iter_mut().for_each(|a| *a = fast_tanh(*a)),
                }
                hrow[..base.width].iter_mut().zip(seg.iter()).for_each(|(o, &a)| *o += c * a);
            }
        }
    }
    // Classifier and softmax.
    let c = net.classes;
    let (wc, bc) = net.classifier;
    let tw = net.width(net.layers);
    let Some(top) = ws.hs.last() else { return };
    let probs = &mut ws.probs[..m * c];
    gemm(
        m,
        tw,
        c,
        Strided::rows(&top[..m * tw], tw),
        net.slice(wc, tw * c),
        c,
        probs,
        c,
        false,
        &mut ws.scratch,
    );
    for row in probs.chunks_exact_mut(c) {
        row.iter_mut().zip(net.slice(bc, c)).for_each(|(p, &b)| *p += b);
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        row.iter_mut().for_each(|p| {
            *p = (*p - max).exp();
            sum += *p;
        });
        row.iter_mut().for_each(|p| *p /= sum);
    }
}

/// Back-propagates the loss of the last forward pass over `m` rows into `ws.grads`.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
fn backward(net: &Network, ws: &mut Workspace, mix: &Mixing, m: usize, sparse_input: bool) {
    let (c, s, tw) = (net.classes, net.total, net.width(net.layers));
    let (wc, bc) = net.classifier;
    let Workspace {
        hs,
        acts,
        dlogits,
        dh,
        dh_prev,
        dz,
        transposed,
        sparse,
        sparse_offsets,
        scratch,
        grads,
        ..
    } = ws;
    let dlogits = &dlogits[..m * c];
    let Some(top) = hs.last() else { return };
    let (g_layers, g_class) = grads.split_at_mut(wc);
    gemm(
        tw,
        m,
        c,
        Strided::transposed(&top[..m * tw], tw),
        dlogits,
        c,
        &mut g_class[..tw * c],
        c,
        false,
        scratch,
    );
    let gb = &mut g_class[bc - wc..bc - wc + c];
    gb.fill(0.0);
    for row in dlogits.chunks_exact(c) {
        gb.iter_mut().zip(row).for_each(|(g, &d)| *g += d);
    }
    transpose_into(net.slice(wc, tw * c), tw, c, transposed);
    gemm(
        m,
        c,
        tw,
        Strided::rows(dlogits, c),
        transposed,
        tw,
        &mut dh[..m * tw],
        tw,
        false,
        scratch,
    );
    for l in (0..net.layers).rev() {
        let (k, wo) = (net.width(l), net.width(l + 1));
        let (w_off, b_off) = net.layer_offsets.get(l).copied().unwrap_or((0, 0));
        let use_w = mix.use_weight.get(l).copied().unwrap_or(1.0);
        let skip_w = mix.skip_weight.get(l).copied().unwrap_or(0.0);
        let weights_l = mix.bases.get(l).map_or(&[][..], Vec::as_slice);
        let (Some(x), Some(act)) = (hs.get(l), acts.get(l)) else { return };
        let dz = &mut dz[..m * s];
        for ((zrow, arow), hrow) in
            dz.chunks_exact_mut(s).zip(act.chunks_exact(s)).zip(dh.chunks_exact(wo))
        {
            for (base, &sw) in net.bases.iter().zip(weights_l) {
                let cw = use_w * sw;
                let range = base.offset..base.offset + base.width;
                if cw == 0.0 {
                    // Never activated in the forward pass: no gradient flows through it.
                    zrow[range].fill(0.0);
                    continue;
                }
                let it = zrow[range.clone()].iter_mut().zip(&arow[range]).zip(&hrow[..base.width]);
                match base.activation {
                    Activation::Relu => {
                        it.for_each(|((z, &a), &g)| *z = if a > 0.0 { cw * g } else { 0.0 })
                    }
                    Activation::Tanh => it.for_each(|((z, &a), &g)| *z = cw * g * (1.0 - a * a)),
                }
            }
        }
        let gw = &mut g_layers[w_off..w_off + k * s];
        let live = net.live_columns(mix, l);
        if l == 0 && sparse_input {
            for row in gw.chunks_exact_mut(s) {
                row[live.clone()].fill(0.0);
            }
            for (b, zrow) in dz.chunks_exact(s).enumerate() {
                let (Some(&lo), Some(&hi)) = (sparse_offsets.get(b), sparse_offsets.get(b + 1))
                else {
                    continue;
                };
                let zrow = &zrow[live.clone()];
                for &(i, v) in sparse.get(lo..hi).unwrap_or(&[]) {
                    let from = i as usize * s;
                    if let Some(grow) = gw.get_mut(from + live.start..from + live.end) {
                        grow.iter_mut().zip(zrow).for_each(|(g, &d)| *g += v * d);
                    }
                }
            }
        } else if !live.is_empty() {
            let (dz_live, gw_live) = (&dz[live.start..], &mut gw[live.start..]);
            let xt = Strided::transposed(&x[..m * k], k);
            gemm(k, m, live.len(), xt, dz_live, s, gw_live, s, false, scratch);
        }
        let gb = &mut g_layers[b_off..b_off + s];
        gb.fill(0.0);
        for row in dz.chunks_exact(s) {
            gb.iter_mut().zip(row).for_each(|(g, &d)| *g += d);
        }
        if l > 0 {
            // Wᵀ's rows of the live columns only: (live x k).
            let n = live.len();
            let w = net.slice(w_off, k * s);
            for (j, col) in live.clone().enumerate() {
                for i in 0..k {
                    if let Some(t) = transposed.get_mut(j * k + i) {
                        *t = w.get(i * s + col).copied().unwrap_or(0.0);
                    }
                }
            }
            let dz_live = Strided::rows(dz.get(live.start..).unwrap_or(&[]), s);
            gemm(m, n, k, dz_live, transposed, k, &mut dh_prev[..m * k], k, false, scratch);
            // The skip path's gradient: into the first `min(k, wo)` values of each row.
            for (prow, grow) in dh_prev[..m * k].chunks_exact_mut(k).zip(dh.chunks_exact(wo)) {
                prow.iter_mut().zip(grow).for_each(|(p, &g)| *p += skip_w * g);
            }
            std::mem::swap(dh, dh_prev);
        }
    }
}
