//! A stored or loaded task seen through the core's sample interfaces, so the host embeds a task
//! exactly the way a device does (`archrank_core::embed_numeric` / `embed_text`), and the samples
//! file a device embeds from.

use anyhow::{Context, Result};
use archrank_core::samples_format::{SAMPLES_MAGIC, SAMPLES_VERSION, SamplesFile};
use archrank_core::{
    EncodeError, Network, NumericSamples, Preset, TaskEmbedding, embed_numeric, embed_text,
};

use crate::task::{Task, TaskKind};

/// Largest feature count the host encodes.
pub const MAX_FEATURES: usize = 1024;

/// Rows of a numeric task, in a fixed order.
pub struct TaskRows<'a> {
    task: &'a Task,
    rows: &'a [usize],
}

impl<'a> TaskRows<'a> {
    /// The given rows of `task`.
    #[must_use]
    pub fn new(task: &'a Task, rows: &'a [usize]) -> Self {
        Self { task, rows }
    }
}

impl NumericSamples for TaskRows<'_> {
    fn count(&self) -> usize {
        self.rows.len()
    }

    fn features(&self) -> usize {
        self.task.feature_count()
    }

    fn sample_into(&self, i: usize, row: &mut [f32]) -> u32 {
        let r = self.rows.get(i).copied().unwrap_or(0);
        row.copy_from_slice(self.task.numeric_row(r));
        self.task.labels.get(r).copied().unwrap_or(0)
    }
}

/// The task embedding of `rows` of `task`, by the core's streaming encoder and phi.
///
/// # Errors
/// The encoder's refusal (too many features or classes, no rows).
pub fn embed_task<P: Preset>(
    net: &Network<'_, P>,
    task: &Task,
    rows: &[usize],
) -> Result<TaskEmbedding, EncodeError> {
    match task.kind() {
        TaskKind::Numeric => embed_numeric::<P, MAX_FEATURES>(net, &TaskRows::new(task, rows)),
        TaskKind::Text => {
            let samples: Vec<(&str, u32)> = rows
                .iter()
                .map(|&r| (task.text_row(r), task.labels.get(r).copied().unwrap_or(0)))
                .collect();
            embed_text(net, samples.iter().copied())
        }
    }
}

/// A samples file of `rows` of `task`, for a device (`include_bytes!`).
///
/// # Errors
/// A task with more than 256 classes (a device's labels are bytes).
pub fn samples_file_bytes(task: &Task, rows: &[usize]) -> Result<Vec<u8>> {
    let labels: Vec<u8> = rows
        .iter()
        .map(|&r| u8::try_from(task.labels.get(r).copied().unwrap_or(0)))
        .collect::<Result<_, _>>()
        .context("a samples file holds at most 256 classes")?;
    let mut values = Vec::new();
    let mut texts = Vec::new();
    for &r in rows {
        match task.kind() {
            TaskKind::Numeric => {
                values.extend(task.numeric_row(r).iter().flat_map(|v| v.to_le_bytes()))
            }
            TaskKind::Text => texts.push(task.text_row(r).replace(['\n', '\r'], " ")),
        }
    }
    let texts = texts.join("\n");
    let file = SamplesFile {
        magic: SAMPLES_MAGIC,
        format_version: SAMPLES_VERSION,
        task: &task.name,
        features: task.feature_count() as u32,
        labels: &labels,
        values: &values,
        texts: &texts,
    };
    Ok(file.to_bytes()?)
}
