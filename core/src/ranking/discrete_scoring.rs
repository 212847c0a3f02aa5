//! Scoring discrete architectures at the speed of the algebra. A discrete architecture's
//! probabilities ([`Discrete::write_soft`]) are zero but at a few rows, so the first layer of
//! each tower is its base plus a handful of weight rows, not a dense product over U; and every
//! architecture of the space shares its first rows' sums with its siblings, so enumerating the
//! space adds each row once per prefix rather than once per architecture.
//!
//! Each layer adds its base-layer rows and its use or skip row together, so that a prefix's sums
//! hold everything its layers contribute (measured on the firmware: 9.7 M instructions for the
//! default build's 515 architectures within its budget when the use/skip rows came last, in the
//! dense product's order; 8.8 M so). With int8 weights (a device's) the sums are of integers
//! times 1 or 1/B, exact in any order: every score is the same bits as
//! [`Scorer::score_soft_traced`] over [`Discrete::write_soft`]. With f32 weights the order of
//! the additions differs from the dense product's, and so may the last bits (the tests bound it:
//! within 1e-5 of the score's magnitude plus one).

use nalgebra::SVector;

use crate::dims::{Layout, MAX_LAYERS, Preset, RHO_HIDDEN1, RHO_HIDDEN2};
use crate::kernels::dense::relu;
use crate::kernels::tensor::Tensor;
use crate::ranking::network::{RankerForm, Scorer, TowerTensors, tensor};
use crate::space::architecture::{Discrete, LayerChoice};

/// The first layer's running sums of both towers (the backbone's unused in the paper's form).
#[derive(Clone, Copy)]
struct FirstLayers {
    residual: [f32; RHO_HIDDEN1],
    backbone: [f32; RHO_HIDDEN1],
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
        let mut sums = rows.start();
        rows.add(&mut sums, usize::from(arch.module), 1.0);
        for (l, choice) in arch.layers.iter().enumerate() {
            rows.add_layer(&mut sums, &layout, l, *choice);
        }
        rows.finish(&sums)
    }

    /// Visits every discrete architecture of the preset, input module slowest and the last
    /// layer fastest (base layers in index order, then skip): `keep` says whether to score one
    /// (a budget's check; the sums of the first layer are shared whatever it says), `visit`
    /// receives each kept one with its score, the same bits as [`Self::score_discrete`].
    /// [`discrete_count`] architectures in all: call it on a space small enough.
    pub fn for_each_discrete(
        &self,
        mut keep: impl FnMut(&Discrete) -> bool,
        mut visit: impl FnMut(&Discrete, f32),
    ) {
        let rows = Rows::new(self);
        let layout = P::LAYOUT;
        let mut arch = Discrete { preset: layout.preset, module: 0, layers: heapless::Vec::new() };
        for m in 0..layout.modules {
            let mut sums = rows.start();
            rows.add(&mut sums, m, 1.0);
            arch.module = m as u8;
            rows.descend(&layout, &sums, &mut arch, &mut keep, &mut visit);
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

    /// Chooses every option of layer `arch.layers.len()` on top of `sums`, recursing to the
    /// last layer, then scores (a preset has at least one layer).
    fn descend(
        &self,
        layout: &Layout,
        sums: &FirstLayers,
        arch: &mut Discrete,
        keep: &mut impl FnMut(&Discrete) -> bool,
        visit: &mut impl FnMut(&Discrete, f32),
    ) {
        let l = arch.layers.len();
        let last = l + 1 >= layout.layers.min(MAX_LAYERS);
        let options = (0..layout.bases()).map(|b| LayerChoice::Base(b as u8));
        for choice in options.chain([LayerChoice::Skip]) {
            if arch.layers.push(choice).is_err() {
                return;
            }
            // The last layer's rows only for the architectures kept.
            if !last || keep(arch) {
                let mut next = *sums;
                self.add_layer(&mut next, layout, l, choice);
                if last {
                    let score = self.finish(&next);
                    visit(arch, score);
                } else {
                    self.descend(layout, &next, arch, keep, visit);
                }
            }
            arch.layers.pop();
        }
    }

    /// The first layers' sums before any row.
    fn start(&self) -> FirstLayers {
        let mut sums = FirstLayers { residual: [0.0; RHO_HIDDEN1], backbone: [0.0; RHO_HIDDEN1] };
        self.residual_w1.start_rows(self.scorer.base.as_slice(), &mut sums.residual);
        self.backbone_w1.start_rows(&self.backbone_bias, &mut sums.backbone);
        sums
    }

    /// Adds row `row` of both towers' first layers, times `x`.
    fn add(&self, sums: &mut FirstLayers, row: usize, x: f32) {
        self.residual_w1.add_row(row, x, &mut sums.residual);
        if self.backbone {
            self.backbone_w1.add_row(row, x, &mut sums.backbone);
        }
    }

    /// Adds layer `l`'s rows for `choice`: the chosen base layer's and the use row, or every base
    /// layer's at 1/B (a skipped layer's probabilities) and the skip row.
    fn add_layer(&self, sums: &mut FirstLayers, layout: &Layout, l: usize, choice: LayerChoice) {
        let offset = layout.base_offset(l);
        match choice {
            LayerChoice::Base(b) => self.add(sums, offset + usize::from(b), 1.0),
            LayerChoice::Skip => {
                let uniform = 1.0 / layout.bases() as f32;
                (0..layout.bases()).for_each(|b| self.add(sums, offset + b, uniform));
            }
        }
        let skip = usize::from(choice == LayerChoice::Skip);
        self.add(sums, layout.use_skip_offset(l) + skip, 1.0);
    }

    /// Runs both towers from their first layers' sums.
    fn finish(&self, sums: &FirstLayers) -> f32 {
        let residual = self.run_tower(
            self.residual_w1,
            self.scorer.base.as_slice(),
            &sums.residual,
            TowerTensors::RESIDUAL,
        );
        if !self.backbone {
            return residual;
        }
        let backbone = self.run_tower(
            self.backbone_w1,
            &self.backbone_bias,
            &sums.backbone,
            TowerTensors::BACKBONE,
        );
        backbone + residual
    }

    /// One tower from its first layer's sums: the sums' end, ReLU, then layers 2 and 3.
    fn run_tower(&self, w1: Tensor<'_>, base: &[f32], sums: &[f32], tower: TowerTensors) -> f32 {
        let mut hidden1 = [0.0; RHO_HIDDEN1];
        w1.finish_rows(base, sums, &mut hidden1);
        relu(&mut hidden1);
        let mut hidden2 = SVector::<f32, RHO_HIDDEN2>::zeros();
        self.scorer.tower(tower).finish(&hidden1, &mut hidden2)
    }
}
