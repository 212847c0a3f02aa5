//! What an architecture costs a device: parameters, multiply-adds per sample and peak activation
//! memory of inference — exact for a discrete architecture ([`discrete_cost`]), an expectation
//! with its gradient for a soft one ([`ExpectedCost`]), and the budget a search must respect
//! ([`Budget`], [`widest_within`]).
//!
//! The network of a discrete architecture: the input module (scratch row, then its output of
//! width W), then per layer either a dense layer `k -> w` or a skip that passes its input on
//! unchanged (a text bag wider than the layers too: the classifier over the bag alone is a
//! linear model), then a linear classifier `k -> classes`. Counted:
//! - **params**: the weights and biases of the layers and the classifier (the input module's
//!   fitted statistics and fixed projection are stored too, but not learned);
//! - **macs**: multiply-adds of the module ([`crate::space::input_modules::ModuleShape`]), the layers
//!   and the classifier, per sample (a text module's first layer counted dense);
//! - **ram_bytes**: the largest pair of activation buffers alive at once (a stage's input and
//!   output), in f32 bytes; the sample itself is the caller's;
//! - **train_ram_bytes**: the arena a device's training of the child takes on the task's
//!   samples ([`Footprint`]: four copies of the parameters with the device's optimizer, the
//!   fitted module, the samples' staged values, one sample's activations, labels and order);
//!   numeric tasks only (a text task's is `u32::MAX`: a device does not train text children).

use core::fmt;

use serde::Serialize;

use crate::child::optimizer::DEVICE_OPTIMIZER;
use crate::child::training_footprint::{Footprint, PARAMETER_COPIES};
use crate::dims::{Layout, MAX_BASE_SIZES, MAX_LAYERS, PresetId};
use crate::space::architecture::{Discrete, LayerChoice};
use crate::space::input_modules::{NUMERIC_MODULES, module_shape};
pub use crate::task::shape::TaskShape;

/// Training memory of a child with module `module` and `params` parameters in `layout` on
/// `task` (saturating; `usize::MAX` for a text task).
const fn train_ram(task: &TaskShape, layout: &Layout, module: usize, params: usize) -> usize {
    if task.text {
        return usize::MAX;
    }
    let (features, classes, samples) = (task.features, task.classes, task.samples);
    Footprint::new(layout, module, params, features, classes, samples, DEVICE_OPTIMIZER).total()
}

/// The inference cost of a discrete architecture, per sample.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cost {
    /// Learned parameters (weights and biases).
    pub params: u32,
    /// Multiply-adds per sample.
    pub macs: u32,
    /// Peak activation memory in bytes.
    pub ram_bytes: u32,
    /// Memory a device's training of it takes, in bytes.
    pub train_ram_bytes: u32,
}

const F32_BYTES: usize = 4;

fn saturate(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// The exact cost of `arch` on a task of shape `task`.
#[must_use]
pub fn discrete_cost(arch: &Discrete, task: &TaskShape) -> Cost {
    cost_of(arch, task, true)
}

/// [`discrete_cost`], its training memory reckoned only if `training` (else 0: the inference's
/// cost, what most budget checks decide on).
fn cost_of(arch: &Discrete, task: &TaskShape, training: bool) -> Cost {
    let layout = arch.preset.layout();
    let module = task.module(arch.preset, usize::from(arch.module));
    let shape = module_shape(module, task.features);
    let mut width = module.width();
    let mut params = 0_usize;
    let mut macs = shape.macs;
    let mut peak = shape.scratch.saturating_add(width);
    let mut dense = |k: usize, w: usize, params: &mut usize, macs: &mut usize| {
        let product = k.saturating_mul(w);
        *params = params.saturating_add(product.saturating_add(w));
        *macs = macs.saturating_add(product);
        peak = peak.max(k.saturating_add(w));
    };
    for choice in &arch.layers {
        match choice {
            LayerChoice::Skip => {}
            LayerChoice::Base(b) => {
                let out = layout.base(usize::from(*b)).map_or(0, |(_, w)| w);
                dense(width, out, &mut params, &mut macs);
                width = out;
            }
        }
    }
    dense(width, task.classes, &mut params, &mut macs);
    Cost {
        params: saturate(params),
        macs: saturate(macs),
        ram_bytes: saturate(peak * F32_BYTES),
        train_ram_bytes: if training {
            saturate(train_ram(task, &layout, usize::from(arch.module), params))
        } else {
            0
        },
    }
}

/// A device's limits; `None` is no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Budget {
    /// Most learned parameters.
    pub max_params: Option<u32>,
    /// Most multiply-adds per sample.
    pub max_macs: Option<u32>,
    /// Most peak activation bytes.
    pub max_ram_bytes: Option<u32>,
    /// Most bytes a device's training may take.
    pub max_train_ram_bytes: Option<u32>,
}

impl Budget {
    /// No limit at all.
    pub const UNLIMITED: Self =
        Self { max_params: None, max_macs: None, max_ram_bytes: None, max_train_ram_bytes: None };

    /// Whether any limit is set.
    #[must_use]
    pub const fn is_limited(&self) -> bool {
        self.max_params.is_some()
            || self.max_macs.is_some()
            || self.max_ram_bytes.is_some()
            || self.max_train_ram_bytes.is_some()
    }

    /// Whether `cost` is within every limit.
    #[must_use]
    pub fn allows(&self, cost: &Cost) -> bool {
        let within = |limit: Option<u32>, value: u32| limit.is_none_or(|l| value <= l);
        within(self.max_params, cost.params)
            && within(self.max_macs, cost.macs)
            && within(self.max_ram_bytes, cost.ram_bytes)
            && within(self.max_train_ram_bytes, cost.train_ram_bytes)
    }

    /// Whether discrete architecture `arch` on a task of shape `task` is within every limit:
    /// [`Self::allows`] of its [`discrete_cost`], its training memory reckoned only where a
    /// limit on it is set and the rest is within (a device's exhaustive scoring checks every
    /// architecture of the space, most of them over a cheaper limit).
    #[must_use]
    pub fn allows_discrete(&self, arch: &Discrete, task: &TaskShape) -> bool {
        if !self.is_limited() {
            return true;
        }
        // The inference's part is counted again with the training memory: on the small part,
        // keeping it instead cost 150 B of flash it does not have.
        self.allows(&cost_of(arch, task, false))
            && (self.max_train_ram_bytes.is_none() || self.allows(&discrete_cost(arch, task)))
    }

    fn limits(&self) -> [Option<u32>; 3] {
        [self.max_params, self.max_macs, self.max_ram_bytes]
    }
}

/// No architecture of the preset fits the budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetError {
    /// The search space.
    pub preset: PresetId,
    /// The least each quantity can be on this task (each minimized on its own).
    pub least: Cost,
    /// The budget asked for.
    pub budget: Budget,
}

impl fmt::Display for BudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no architecture of the {} preset fits the budget on this task (", self.preset)?;
        if self.least.train_ram_bytes == u32::MAX && self.budget.max_train_ram_bytes.is_some() {
            return f.write_str("a training budget, but a device trains numeric children only)");
        }
        let mut first = true;
        let mut part = |f: &mut fmt::Formatter<'_>, name: &str, limit: Option<u32>, least: u32| {
            let Some(limit) = limit else { return Ok(()) };
            let sep = if first { "" } else { "; " };
            first = false;
            write!(f, "{sep}{name} at most {limit}, the least possible is {least}")
        };
        part(f, "parameters", self.budget.max_params, self.least.params)?;
        part(f, "multiply-adds", self.budget.max_macs, self.least.macs)?;
        part(f, "activation bytes", self.budget.max_ram_bytes, self.least.ram_bytes)?;
        part(f, "training bytes", self.budget.max_train_ram_bytes, self.least.train_ram_bytes)?;
        f.write_str(")")
    }
}

impl core::error::Error for BudgetError {}

/// Index of each quantity in the per-quantity arrays below.
const PARAMS: usize = 0;
const MACS: usize = 1;
const RAM: usize = 2;

/// Widths a layer's input can have: the module's width (through skips) and each base width.
struct WidthStates {
    widths: heapless::Vec<usize, { MAX_BASE_SIZES + 1 }>,
}

impl WidthStates {
    fn new(layout: &Layout, input: usize) -> Self {
        let mut widths = heapless::Vec::new();
        for w in core::iter::once(input).chain(layout.base_sizes.iter().copied()) {
            if !widths.contains(&w) {
                let _ = widths.push(w);
            }
        }
        Self { widths }
    }

    fn index(&self, width: usize) -> usize {
        self.widths.iter().position(|&w| w == width).unwrap_or(0)
    }

    /// Width state `s`'s width (0 past the states).
    fn width(&self, s: usize) -> usize {
        self.widths.get(s).copied().unwrap_or(0)
    }
}

/// Per quantity, the least the layers from `layer` on and the classifier can cost, given the
/// width entering `layer` (a dynamic program over the width states).
struct LeastRemaining {
    states: WidthStates,
    /// Per layer and width state: `[params, macs, ram]`.
    least: [[[usize; 3]; MAX_BASE_SIZES + 1]; MAX_LAYERS + 1],
}

impl LeastRemaining {
    fn new(layout: &Layout, input: usize, classes: usize) -> Self {
        let states = WidthStates::new(layout, input);
        let mut table = Self { least: [[[0; 3]; MAX_BASE_SIZES + 1]; MAX_LAYERS + 1], states };
        let widths = table.states.widths.len();
        for s in 0..widths {
            let k = table.states.width(s);
            let classifier = [
                k.saturating_mul(classes).saturating_add(classes),
                k.saturating_mul(classes),
                k.saturating_add(classes),
            ];
            table.set(layout.layers, s, classifier);
        }
        for l in (0..layout.layers).rev() {
            for s in 0..widths {
                let k = table.states.width(s);
                let mut best = table.cell(l + 1, s);
                for &w in layout.base_sizes {
                    let next = table.cell(l + 1, table.states.index(w));
                    let product = k.saturating_mul(w);
                    best[PARAMS] =
                        best[PARAMS].min(product.saturating_add(w).saturating_add(next[PARAMS]));
                    best[MACS] = best[MACS].min(product.saturating_add(next[MACS]));
                    best[RAM] = best[RAM].min(k.saturating_add(w).max(next[RAM]));
                }
                table.set(l, s, best);
            }
        }
        table
    }

    /// The least costs from `layer` on entering in width state `s` (zero past the table, where
    /// no layer or state reaches).
    fn cell(&self, layer: usize, s: usize) -> [usize; 3] {
        self.least.get(layer).and_then(|row| row.get(s)).copied().unwrap_or([0; 3])
    }

    fn set(&mut self, layer: usize, s: usize, value: [usize; 3]) {
        if let Some(cell) = self.least.get_mut(layer).and_then(|row| row.get_mut(s)) {
            *cell = value;
        }
    }

    fn at(&self, layer: usize, width: usize) -> [usize; 3] {
        self.cell(layer, self.states.index(width))
    }
}

/// Costs so far of a partial architecture, in the units of the budget (RAM in floats).
#[derive(Clone, Copy)]
struct Partial {
    params: usize,
    macs: usize,
    peak: usize,
}

impl Partial {
    /// Input module `module`'s costs on `task`, before any layer, and its output width.
    fn start(task: &TaskShape, layout: &Layout, module: usize) -> (Self, usize) {
        let input = task.module(layout.preset, module);
        let (shape, width) = (module_shape(input, task.features), input.width());
        (Self { params: 0, macs: shape.macs, peak: shape.scratch.saturating_add(width) }, width)
    }

    /// These costs after a layer of choice `choice` on an input of `width`, and its output width.
    fn then(&self, layout: &Layout, width: usize, choice: LayerChoice) -> (Self, usize) {
        let LayerChoice::Base(b) = choice else {
            return (*self, width);
        };
        let w = layout.base(usize::from(b)).map_or(0, |(_, w)| w);
        let product = width.saturating_mul(w);
        let next = Self {
            params: self.params.saturating_add(product).saturating_add(w),
            macs: self.macs.saturating_add(product),
            peak: self.peak.max(width.saturating_add(w)),
        };
        (next, w)
    }
}

/// The most parameters a module's architectures may have within `budget`: its limit on them,
/// tightened by its limit on training memory, which is the module's `fixed` part (`train_ram` of
/// no parameters) plus a fixed size per parameter. `None` when the fixed part alone is over it.
fn params_limit(budget: &Budget, fixed: usize) -> Option<Option<usize>> {
    let mut params = limits_in_floats(budget)[PARAMS];
    // A limit of u32::MAX allows every cost, whose training memory saturates at it.
    if let Some(train) = budget.max_train_ram_bytes.filter(|&t| t < u32::MAX) {
        let spare = (train as usize).checked_sub(fixed)?;
        let most = spare / (PARAMETER_COPIES * F32_BYTES);
        params = Some(params.map_or(most, |p| p.min(most)));
    }
    Some(params)
}

/// Whether a prefix of a discrete architecture (its module and first layers) can still end
/// within a budget: its costs so far plus the least its remaining layers can add. It never
/// refuses a prefix with a completion within the budget, so an enumeration that skips the
/// prefixes it refuses ([`crate::Scorer::for_each_discrete`]) visits the same architectures; of
/// a whole architecture it says exactly what [`Budget::allows_discrete`] says, in fewer steps
/// (its modules' costs and limits reckoned once).
pub struct PrefixBound {
    layout: Layout,
    least: LeastRemaining,
    modules: heapless::Vec<ModuleStart, MAX_MODULES>,
}

/// An input module's costs before any layer, its output width, and its limits on parameters,
/// multiply-adds and RAM in floats (`None`: nothing with it fits).
type ModuleStart = (Partial, usize, Option<[Option<usize>; 3]>);

/// Most input modules a preset has.
const MAX_MODULES: usize = NUMERIC_MODULES.len();
const _: () = assert!(PresetId::Tiny.layout().modules <= MAX_MODULES);
const _: () = assert!(PresetId::Paper.layout().modules <= MAX_MODULES);

impl PrefixBound {
    /// The bound of `budget` on a task of shape `task` in `layout`.
    #[must_use]
    pub fn new(layout: &Layout, task: &TaskShape, budget: &Budget) -> Self {
        let input = task.module(layout.preset, 0).width();
        let limits = limits_in_floats(budget);
        let mut modules = heapless::Vec::new();
        for m in 0..layout.modules {
            let (start, width) = Partial::start(task, layout, m);
            let within = params_limit(budget, train_ram(task, layout, m, 0))
                .map(|p| [p, limits[MACS], limits[RAM]]);
            let _ = modules.push((start, width, within));
        }
        Self { layout: *layout, least: LeastRemaining::new(layout, input, task.classes), modules }
    }

    /// Whether some architecture starting with `prefix` may be within the budget (false: none
    /// is); for a whole architecture, whether it is.
    #[must_use]
    pub fn may_fit(&self, prefix: &Discrete) -> bool {
        let Some(&(mut partial, mut width, Some(limits))) =
            self.modules.get(usize::from(prefix.module))
        else {
            return false;
        };
        for choice in &prefix.layers {
            (partial, width) = partial.then(&self.layout, width, *choice);
        }
        let bounds = Bounds { layout: &self.layout, least: &self.least, limits };
        bounds.can_fit(prefix.layers.len(), width, &partial)
    }
}

/// A budget's limits on parameters, multiply-adds and RAM, the last in floats; a limit of
/// u32::MAX is none (every cost saturates at it, so [`Budget::allows`] takes any).
fn limits_in_floats(budget: &Budget) -> [Option<usize>; 3] {
    let mut limits = budget.limits().map(|l| l.filter(|&v| v < u32::MAX).map(|v| v as usize));
    limits[RAM] = limits[RAM].map(|bytes| bytes / F32_BYTES);
    limits
}

/// The discrete architecture within `budget` that is widest layer by layer (the first found
/// trying every layer's widest option first, skip last; modules in order), or the least each
/// quantity can be when none fits. Exact: a depth-first search pruned by the least cost of the
/// remaining layers.
///
/// # Errors
/// [`BudgetError`] when no architecture of the preset fits.
pub fn widest_within(
    layout: &Layout,
    task: &TaskShape,
    budget: &Budget,
) -> Result<Discrete, BudgetError> {
    let limits = limits_in_floats(budget);
    let input = task.module(layout.preset, 0).width();
    let least = LeastRemaining::new(layout, input, task.classes);
    let mut overall = [usize::MAX; 3];
    let mut least_train = usize::MAX;
    for m in 0..layout.modules {
        // Every module of a task has the same output width (`input`).
        let (start, _) = Partial::start(task, layout, m);
        let rest = least.at(0, input);
        overall[PARAMS] = overall[PARAMS].min(rest[PARAMS]);
        overall[MACS] = overall[MACS].min(start.macs.saturating_add(rest[MACS]));
        overall[RAM] = overall[RAM].min(start.peak.max(rest[RAM]));
        // Training memory is the module's fixed part plus a fixed size per parameter: a limit on
        // it is a limit on this module's parameters.
        let fixed = train_ram(task, layout, m, 0);
        least_train = least_train
            .min(fixed.saturating_add(rest[PARAMS].saturating_mul(PARAMETER_COPIES * F32_BYTES)));
        let Some(params) = params_limit(budget, fixed) else { continue };
        let mut arch =
            Discrete { preset: layout.preset, module: m as u8, layers: heapless::Vec::new() };
        let bounds = Bounds { layout, least: &least, limits: [params, limits[MACS], limits[RAM]] };
        if bounds.descend(0, input, start, &mut arch) {
            return Ok(arch);
        }
    }
    let least = Cost {
        params: saturate(overall[PARAMS]),
        macs: saturate(overall[MACS]),
        ram_bytes: saturate(overall[RAM].saturating_mul(F32_BYTES)),
        train_ram_bytes: saturate(least_train),
    };
    Err(BudgetError { preset: layout.preset, least, budget: *budget })
}

struct Bounds<'a> {
    layout: &'a Layout,
    least: &'a LeastRemaining,
    limits: [Option<usize>; 3],
}

impl Bounds<'_> {
    /// Whether `partial` plus the least the rest can cost fits every limit.
    fn can_fit(&self, layer: usize, width: usize, partial: &Partial) -> bool {
        let rest = self.least.at(layer, width);
        let totals = [
            partial.params.saturating_add(rest[PARAMS]),
            partial.macs.saturating_add(rest[MACS]),
            partial.peak.max(rest[RAM]),
        ];
        totals.iter().zip(&self.limits).all(|(&t, l)| l.is_none_or(|l| t <= l))
    }

    /// Chooses layers `layer..` into `arch`; true when a fitting completion was found.
    fn descend(&self, layer: usize, width: usize, partial: Partial, arch: &mut Discrete) -> bool {
        if !self.can_fit(layer, width, &partial) {
            return false;
        }
        if layer == self.layout.layers {
            return true;
        }
        // Widest first (relu: the activation costs nothing), skip last.
        let widest_first =
            (0..self.layout.base_sizes.len()).rev().map(|i| LayerChoice::Base(i as u8));
        for choice in widest_first.chain([LayerChoice::Skip]) {
            let (next, w) = partial.then(self.layout, width, choice);
            if arch.layers.push(choice).is_ok() {
                if self.descend(layer + 1, w, next, arch) {
                    return true;
                }
                arch.layers.pop();
            }
        }
        false
    }
}

/// The expected cost of a soft architecture (every group read through its softmax, groups
/// independent), and its gradient.
///
/// Parameters and multiply-adds are exact expectations (a layer's input width and its own choice
/// are independent, so `E[k w] = E[k] E[w]`). RAM is the largest *expected* stage, a differentiable
/// stand-in for the expected peak (a lower bound of it).
#[derive(Clone, Copy, Debug)]
pub struct ExpectedCost {
    /// Expected parameters.
    pub params: f32,
    /// Expected multiply-adds.
    pub macs: f32,
    /// Largest expected stage, in bytes.
    pub ram_bytes: f32,
    /// Expected training memory, in bytes (0 for a text task).
    pub train_ram_bytes: f32,
    classes: f32,
    /// Per layer: expected input width (the skip path's too), expected base width.
    layers: [(f32, f32); MAX_LAYERS],
    /// Which stage is the largest: 0 the module, 1 + l layer l, 1 + L the classifier.
    peak_stage: usize,
}

impl ExpectedCost {
    /// The expected cost of the architecture whose per-group softmax is `soft`.
    #[must_use]
    pub fn new(layout: &Layout, soft: &[f32], task: &TaskShape) -> Self {
        let at = |i: usize| soft.get(i).copied().unwrap_or(0.0);
        let input = task.module(layout.preset, 0).width() as f32;
        let mut macs = 0.0;
        let mut scratch = 0.0;
        for m in 0..layout.modules {
            let shape = module_shape(task.module(layout.preset, m), task.features);
            macs += at(m) * shape.macs as f32;
            scratch += at(m) * shape.scratch as f32;
        }
        let mut stages = [0.0_f32; MAX_LAYERS + 2];
        stages[0] = scratch + input;
        let mut params = 0.0;
        let mut layers = [(0.0, 0.0); MAX_LAYERS];
        let mut width = input;
        let count = layout.layers.min(MAX_LAYERS);
        for (l, slot) in layers.iter_mut().enumerate().take(count) {
            let use_at = layout.use_skip_offset(l);
            let (use_w, skip_w) = (at(use_at), at(use_at + 1));
            let off = layout.base_offset(l);
            let base: f32 = (0..layout.bases())
                .map(|i| at(off + i) * layout.base(i).map_or(0.0, |(_, w)| w as f32))
                .sum();
            params += use_w * (width * base + base);
            macs += use_w * width * base;
            if let Some(stage) = stages.get_mut(1 + l) {
                *stage = width + use_w * base;
            }
            *slot = (width, base);
            width = use_w * base + skip_w * width;
        }
        let classes = task.classes as f32;
        params += width * classes + classes;
        macs += width * classes;
        if let Some(stage) = stages.get_mut(1 + count) {
            *stage = width + classes;
        }
        // The largest stage, the first of equals.
        let (mut peak_stage, mut peak) = (0, stages[0]);
        for (i, &s) in stages.iter().enumerate().take(count + 2) {
            if s > peak {
                (peak_stage, peak) = (i, s);
            }
        }
        let mut train_ram_bytes = 0.0;
        if !task.text {
            train_ram_bytes = params * (PARAMETER_COPIES * F32_BYTES) as f32;
            for m in 0..layout.modules {
                train_ram_bytes += at(m) * train_ram(task, layout, m, 0) as f32;
            }
        }
        Self {
            params,
            macs,
            ram_bytes: peak * F32_BYTES as f32,
            train_ram_bytes,
            classes,
            layers,
            peak_stage,
        }
    }

    /// Adds the gradient of `weights . (params, macs, ram_bytes, train_ram_bytes)` with respect
    /// to `soft` into `grad_soft` (the softmax outputs; see
    /// [`crate::space::architecture::softmax_groups_backward`] for the logits).
    pub fn backward(
        &self,
        layout: &Layout,
        soft: &[f32],
        task: &TaskShape,
        weights: [f32; 4],
        grad_soft: &mut [f32],
    ) {
        let [wp, wm, wr, wt] = weights;
        // Training memory is a fixed size per parameter plus each module's fixed part.
        let wt = if task.text { 0.0 } else { wt };
        let wp = wp + wt * (PARAMETER_COPIES * F32_BYTES) as f32;
        let at = |i: usize| soft.get(i).copied().unwrap_or(0.0);
        let mut add = |i: usize, v: f32| {
            if let Some(g) = grad_soft.get_mut(i) {
                *g += v;
            }
        };
        let bytes = F32_BYTES as f32;
        let count = layout.layers.min(MAX_LAYERS);
        let stage_weight = |stage: usize| if stage == self.peak_stage { wr * bytes } else { 0.0 };
        for m in 0..layout.modules {
            let shape = module_shape(task.module(layout.preset, m), task.features);
            let fixed = if wt == 0.0 { 0.0 } else { train_ram(task, layout, m, 0) as f32 };
            add(m, wm * shape.macs as f32 + stage_weight(0) * shape.scratch as f32 + wt * fixed);
        }
        // d cost / d (the width leaving the current layer), from the classifier down.
        let mut d_width = (wp + wm) * self.classes + stage_weight(1 + count);
        for l in (0..count).rev() {
            let (width, base) = self.layers[l];
            let use_at = layout.use_skip_offset(l);
            let (use_w, skip_w) = (at(use_at), at(use_at + 1));
            let r = stage_weight(1 + l);
            let d_base =
                d_width * use_w + wp * use_w * (width + 1.0) + wm * use_w * width + r * use_w;
            add(use_at, d_width * base + wp * (width * base + base) + wm * width * base + r * base);
            add(use_at + 1, d_width * width);
            let off = layout.base_offset(l);
            for i in 0..layout.bases() {
                add(off + i, d_base * layout.base(i).map_or(0.0, |(_, w)| w as f32));
            }
            // The skip path passes the width on unchanged.
            d_width = wp * use_w * base + wm * use_w * base + r + d_width * skip_w;
        }
    }
}

#[cfg(test)]
mod tests;
