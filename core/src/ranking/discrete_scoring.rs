//! Scoring discrete architectures at the speed of the algebra. A discrete architecture's
//! probabilities ([`Discrete::write_soft`]) are zero but at a few rows, so the first layer of
//! each tower is its base plus a handful of weight rows, not a dense product over U; and every
//! architecture of the space shares its first rows' sums with its siblings, so enumerating the
//! space adds each row once per prefix rather than once per architecture.
//!
//! Each layer adds its use or skip row, then its base-layer rows, so that a prefix's sums hold
//! everything its layers contribute (with the use/skip rows last, in the dense product's order,
//! the firmware took 10 % more instructions), and a layer's base-layer choices share its use
//! row's sums: an architecture ending in a base layer costs one row of its own, not two (the
//! default firmware's 751 architectures within its budget: 13.55 M instructions with two rows,
//! 12.78 M with one). With int8 weights (a device's) the sums are of integers
//! times 1 or 1/B, exact in any order: every score is the same bits as
//! [`Scorer::score_soft_traced`] over [`Discrete::write_soft`]. With f32 weights the order of
//! the additions differs from the dense product's, and so may the last bits (the tests bound it:
//! within 1e-5 of the score's magnitude plus one).

use nalgebra::SVector;

use crate::dims::{Layout, MAX_LAYERS, Preset, RHO_HIDDEN1, RHO_HIDDEN2};
use crate::kernels::dense::relu_of;
use crate::kernels::tensor::Tensor;
use crate::ranking::network::{RankerForm, Scorer, TowerTensors, tensor};
use crate::space::architecture::{Discrete, LayerChoice};

/// Architectures a host scores at once in [`Scorer::for_each_discrete`]: the towers' second
/// layers then run over lanes of architectures, eight f32s, two SSE registers (the x86-64
/// baseline) or one AVX register, whatever the layers' widths. A bare-metal part (a Cortex-M)
/// has no vector unit: there one lane, which skips ReLU's zeros instead.
#[cfg(not(target_os = "none"))]
pub const SCORE_LANES: usize = 8;
/// Architectures a device scores at once: one (see the host's).
#[cfg(target_os = "none")]
pub const SCORE_LANES: usize = 1;

/// The first layer's running sums of both towers (the backbone's unused in the paper's form).
#[derive(Clone, Copy)]
struct FirstLayers {
    residual: [f32; RHO_HIDDEN1],
    backbone: [f32; RHO_HIDDEN1],
}

impl FirstLayers {
    const ZERO: Self = Self { residual: [0.0; RHO_HIDDEN1], backbone: [0.0; RHO_HIDDEN1] };
}

/// Number of discrete architectures of `layout`: M x (B + 1)^L (each layer a base layer or
/// skip), saturating.
#[must_use]
pub const fn discrete_count(layout: &Layout) -> usize {
    let mut count = layout.modules;
    let mut l = 0;
    while l < layout.layers {
        count = count.saturating_mul(layout.bases() + 1);
        l += 1;
    }
    count
}

impl<P: Preset> Scorer<'_, '_, P> {
    /// Score of discrete architecture `arch` (of this preset): the dense forward pass over its
    /// probabilities (the same bits with int8 weights; see the module's doc), from at most
    /// 1 + 2L weight rows per tower (B + 1 for a skipped layer).
    #[must_use]
    pub fn score_discrete(&self, arch: &Discrete) -> f32 {
        let rows = Rows::new(self);
        let layout = P::LAYOUT;
        let mut sums = rows.start(usize::from(arch.module));
        for (l, choice) in arch.layers.iter().enumerate() {
            rows.add_layer(&mut sums, &layout, l, *choice);
        }
        rows.finish(&sums)
    }

    /// Visits every discrete architecture of the preset, input module slowest and the last
    /// layer fastest (base layers in index order, then skip): `keep` says whether to score one
    /// (a budget's check), and is asked first of every prefix (an architecture with fewer
    /// layers than the preset's: [`crate::child::cost::PrefixBound`]), whose refusal skips every
    /// architecture it starts (keep a prefix that cannot be judged); `visit` receives each kept
    /// one with its score, the same value as [`Self::score_discrete`].
    /// [`discrete_count`] architectures in all: call it on a space small enough. Scores
    /// [`SCORE_LANES`] architectures at once.
    pub fn for_each_discrete(
        &self,
        keep: impl FnMut(&Discrete) -> bool,
        visit: impl FnMut(&Discrete, f32),
    ) {
        // A device compiles the one-by-one path alone: with the lanes' code beside it, even
        // unused, it ran 24 % slower (16.9 M instructions instead of 13.6 M for the default
        // firmware's 751 architectures).
        #[cfg(target_os = "none")]
        self.score_one_by_one(keep, visit);
        #[cfg(not(target_os = "none"))]
        self.score_in_lanes::<SCORE_LANES>(keep, visit);
    }

    /// [`Self::for_each_discrete`] scoring `N` architectures at once: the same bits for any
    /// `N` (0 and 1 score one by one), visited in the same order, each after the batch it
    /// belongs to is scored.
    pub fn for_each_discrete_in_lanes<const N: usize>(
        &self,
        keep: impl FnMut(&Discrete) -> bool,
        visit: impl FnMut(&Discrete, f32),
    ) {
        if N <= 1 {
            self.score_one_by_one(keep, visit);
        } else {
            self.score_in_lanes::<N>(keep, visit);
        }
    }

    /// Each kept architecture scored where the enumeration stands.
    fn score_one_by_one(
        &self,
        mut keep: impl FnMut(&Discrete) -> bool,
        mut visit: impl FnMut(&Discrete, f32),
    ) {
        let rows = Rows::new(self);
        let mut take = |arch: &Discrete, sums: &FirstLayers| visit(arch, rows.finish(sums));
        rows.enumerate(&mut keep, &mut take);
    }

    /// Kept architectures scored `N` at a time.
    fn score_in_lanes<const N: usize>(
        &self,
        mut keep: impl FnMut(&Discrete) -> bool,
        mut visit: impl FnMut(&Discrete, f32),
    ) {
        let rows = Rows::new(self);
        let mut lanes = Lanes::<N>::new();
        rows.enumerate(&mut keep, &mut |arch, sums| lanes.push(&rows, arch, sums, &mut visit));
        lanes.flush(&rows, &mut visit);
    }
}

/// Architectures waiting to be scored together: their towers' first layers after the ReLU,
/// unit-major (`residual[i][l]` is unit i of architecture l).
struct Lanes<const N: usize> {
    residual: [[f32; N]; RHO_HIDDEN1],
    backbone: [[f32; N]; RHO_HIDDEN1],
    archs: heapless::Vec<Discrete, N>,
}

impl<const N: usize> Lanes<N> {
    fn new() -> Self {
        Self {
            residual: [[0.0; N]; RHO_HIDDEN1],
            backbone: [[0.0; N]; RHO_HIDDEN1],
            archs: heapless::Vec::new(),
        }
    }

    /// Takes architecture `arch` with its first layers' sums; scores the lanes when full.
    fn push<P: Preset>(
        &mut self,
        rows: &Rows<'_, '_, '_, P>,
        arch: &Discrete,
        sums: &FirstLayers,
        visit: &mut impl FnMut(&Discrete, f32),
    ) {
        let lane = self.archs.len();
        rows.residual_hidden1(sums, lane_writer(&mut self.residual, lane));
        if rows.backbone {
            rows.backbone_hidden1(sums, lane_writer(&mut self.backbone, lane));
        }
        // Lanes are flushed when full, so there is always room (and N >= 2 here).
        let _ = self.archs.push(arch.clone());
        if self.archs.is_full() {
            self.flush(rows, visit);
        }
    }

    /// Scores the architectures taken and visits them in the order taken.
    fn flush<P: Preset>(
        &mut self,
        rows: &Rows<'_, '_, '_, P>,
        visit: &mut impl FnMut(&Discrete, f32),
    ) {
        if self.archs.is_empty() {
            return;
        }
        let mut scores = [0.0; N];
        rows.scorer.tower(TowerTensors::RESIDUAL).finish_lanes(&self.residual, &mut scores);
        if rows.backbone {
            let mut backbone = [0.0; N];
            rows.scorer.tower(TowerTensors::BACKBONE).finish_lanes(&self.backbone, &mut backbone);
            for (s, b) in scores.iter_mut().zip(backbone) {
                *s += b;
            }
        }
        for (arch, score) in self.archs.iter().zip(scores) {
            visit(arch, score + 0.0);
        }
        self.archs.clear();
    }
}

/// Writes unit `i` of one architecture's first layer into lane `lane` of unit-major `units`.
fn lane_writer<const N: usize>(
    units: &mut [[f32; N]; RHO_HIDDEN1],
    lane: usize,
) -> impl FnMut(usize, f32) + '_ {
    move |i, value| {
        if let Some(u) = units.get_mut(i).and_then(|unit| unit.get_mut(lane)) {
            *u = value;
        }
    }
}

/// Writes unit `i` of a first layer into `out`.
fn unit_writer(out: &mut [f32; RHO_HIDDEN1]) -> impl FnMut(usize, f32) + '_ {
    move |i, value| {
        if let Some(o) = out.get_mut(i) {
            *o = value;
        }
    }
}

/// A scorer read row by row: its first layers' weights and bases.
struct Rows<'s, 'n, 'a, P: Preset> {
    scorer: &'s Scorer<'n, 'a, P>,
    residual_w1: Tensor<'a>,
    backbone_w1: Tensor<'a>,
    /// The backbone's first bias (the residual's base is the scorer's).
    backbone_bias: [f32; RHO_HIDDEN1],
    /// Whether the backbone is computed (the residual form).
    backbone: bool,
}

impl<'s, 'n, 'a, P: Preset> Rows<'s, 'n, 'a, P> {
    fn new(scorer: &'s Scorer<'n, 'a, P>) -> Self {
        let t = &scorer.net.t;
        let mut backbone_bias = [0.0; RHO_HIDDEN1];
        for (k, b) in backbone_bias.iter_mut().enumerate() {
            *b = t[tensor::BACKBONE1_B].get(k);
        }
        Self {
            scorer,
            residual_w1: t[tensor::RHO1_WU],
            backbone_w1: t[tensor::BACKBONE1_W],
            backbone_bias,
            backbone: scorer.net.form() == RankerForm::Residual,
        }
    }

    /// Hands every kept architecture of the preset with its first layers' sums to `take`, in
    /// the enumeration's order.
    fn enumerate(
        &self,
        keep: &mut impl FnMut(&Discrete) -> bool,
        take: &mut impl FnMut(&Discrete, &FirstLayers),
    ) {
        let layout = P::LAYOUT;
        let mut arch = Discrete { preset: layout.preset, module: 0, layers: heapless::Vec::new() };
        for m in 0..layout.modules {
            let sums = self.start(m);
            arch.module = m as u8;
            self.descend(&layout, &sums, &mut arch, keep, take);
        }
    }

    /// Chooses every option of layer `arch.layers.len()` on top of `sums`, recursing to the
    /// last layer, then hands each kept architecture with its first layers' sums to `take`
    /// (a preset has at least one layer).
    fn descend(
        &self,
        layout: &Layout,
        sums: &FirstLayers,
        arch: &mut Discrete,
        keep: &mut impl FnMut(&Discrete) -> bool,
        take: &mut impl FnMut(&Discrete, &FirstLayers),
    ) {
        let l = arch.layers.len();
        let last = l + 1 >= layout.layers.min(MAX_LAYERS);
        // The use row's sums, once for every base-layer choice of this layer (the order of
        // [`Self::add_layer`]), at the first one kept (under most prefixes a budget keeps none).
        let mut used = FirstLayers::ZERO;
        let mut with_use = false;
        let mut next = FirstLayers::ZERO;
        let options = (0..layout.bases()).map(|b| LayerChoice::Base(b as u8));
        for choice in options.chain([LayerChoice::Skip]) {
            if arch.layers.push(choice).is_err() {
                return;
            }
            // Rows only for the prefixes and architectures kept.
            if keep(arch) {
                match choice {
                    LayerChoice::Base(b) => {
                        if !with_use {
                            self.add_onto(sums, layout.use_skip_offset(l), &mut used);
                            with_use = true;
                        }
                        self.add_onto(&used, layout.base_offset(l) + usize::from(b), &mut next);
                    }
                    LayerChoice::Skip => {
                        self.add_onto(sums, layout.use_skip_offset(l) + 1, &mut next);
                        self.add_uniform(&mut next, layout, l);
                    }
                }
                if last {
                    take(arch, &next);
                } else {
                    self.descend(layout, &next, arch, keep, take);
                }
            }
            arch.layers.pop();
        }
    }

    /// The first layers' sums of input module `module`'s row.
    fn start(&self, module: usize) -> FirstLayers {
        let mut sums = FirstLayers::ZERO;
        self.residual_w1.start_rows(self.scorer.base.as_slice(), &mut sums.residual);
        self.backbone_w1.start_rows(&self.backbone_bias, &mut sums.backbone);
        self.add(&mut sums, module, 1.0);
        sums
    }

    /// Adds row `row` of both towers' first layers, times `x`.
    fn add(&self, sums: &mut FirstLayers, row: usize, x: f32) {
        self.residual_w1.add_row(row, x, &mut sums.residual);
        if self.backbone {
            self.backbone_w1.add_row(row, x, &mut sums.backbone);
        }
    }

    /// `to = from` plus row `row` of both towers' first layers: a copy and [`Self::add`], the
    /// same bits. A host does both in one pass ([`Tensor::add_row_onto`]: every tiny discrete
    /// architecture in 0.36 ms instead of 0.47, one run each); a device copies, then adds, so
    /// that its flash holds one kernel (the second cost the small part 156 B it does not have).
    fn add_onto(&self, from: &FirstLayers, row: usize, to: &mut FirstLayers) {
        #[cfg(not(target_os = "none"))]
        {
            self.residual_w1.add_row_onto(row, 1.0, &from.residual, &mut to.residual);
            if self.backbone {
                self.backbone_w1.add_row_onto(row, 1.0, &from.backbone, &mut to.backbone);
            }
        }
        #[cfg(target_os = "none")]
        {
            *to = *from;
            self.add(to, row, 1.0);
        }
    }

    /// Adds layer `l`'s rows for `choice`: the use row, then the chosen base layer's; or the skip
    /// row, then every base layer's at 1/B (a skipped layer's probabilities). What
    /// [`Self::descend`] adds, in the same order.
    fn add_layer(&self, sums: &mut FirstLayers, layout: &Layout, l: usize, choice: LayerChoice) {
        match choice {
            LayerChoice::Base(b) => {
                self.add(sums, layout.use_skip_offset(l), 1.0);
                self.add(sums, layout.base_offset(l) + usize::from(b), 1.0);
            }
            LayerChoice::Skip => {
                self.add(sums, layout.use_skip_offset(l) + 1, 1.0);
                self.add_uniform(sums, layout, l);
            }
        }
    }

    /// Adds every base layer's row of layer `l` at 1/B.
    fn add_uniform(&self, sums: &mut FirstLayers, layout: &Layout, l: usize) {
        let (offset, uniform) = (layout.base_offset(l), 1.0 / layout.bases() as f32);
        (0..layout.bases()).for_each(|b| self.add(sums, offset + b, uniform));
    }

    /// Runs both towers from their first layers' sums.
    fn finish(&self, sums: &FirstLayers) -> f32 {
        let mut hidden1 = [0.0; RHO_HIDDEN1];
        self.residual_hidden1(sums, unit_writer(&mut hidden1));
        let residual = self.tower_out(&hidden1, TowerTensors::RESIDUAL);
        if !self.backbone {
            return residual + 0.0;
        }
        self.backbone_hidden1(sums, unit_writer(&mut hidden1));
        let backbone = self.tower_out(&hidden1, TowerTensors::BACKBONE);
        // + 0.0 makes a zero score +0 whichever path scored it (the lanes' sums add the zeros
        // the one-by-one path skips, which can flip a zero's sign and nothing else).
        backbone + residual + 0.0
    }

    /// The residual tower's first layer after its ReLU, from its sums, unit by unit to `put`.
    fn residual_hidden1(&self, sums: &FirstLayers, put: impl FnMut(usize, f32)) {
        hidden1(self.residual_w1, self.scorer.base.as_slice(), &sums.residual, put);
    }

    /// The backbone's first layer after its ReLU, from its sums, unit by unit to `put`.
    fn backbone_hidden1(&self, sums: &FirstLayers, put: impl FnMut(usize, f32)) {
        hidden1(self.backbone_w1, &self.backbone_bias, &sums.backbone, put);
    }

    /// Layers 2 and 3 of `tower` over its first layer `hidden1`.
    fn tower_out(&self, hidden1: &[f32; RHO_HIDDEN1], tower: TowerTensors) -> f32 {
        let mut hidden2 = SVector::<f32, RHO_HIDDEN2>::zeros();
        self.scorer.tower(tower).finish(hidden1, &mut hidden2)
    }
}

/// A tower's first layer from its running sums: the sums' end
/// ([`Tensor::finish_rows_with`]), then the ReLU, unit by unit to `put`.
fn hidden1(w1: Tensor<'_>, base: &[f32], sums: &[f32], mut put: impl FnMut(usize, f32)) {
    w1.finish_rows_with(base, sums, |i, v| put(i, relu_of(v)));
}
