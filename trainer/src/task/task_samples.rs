//! A stored or loaded task seen through the core's sample interfaces, so the host encodes and
//! embeds a task exactly the way a device does (`archrank_core::encode_numeric` /
//! `encode_text`), and the samples file a device embeds from.

use archrank_core::{
    Embedder, EncodeError, Encoded, Network, NumericSamples, Preset, SamplesFile, TaskEmbedding,
    encode_numeric, encode_text,
};

use crate::task::{Task, TaskKind};

/// Largest feature count the host encodes (the encoder's statistics live on the stack).
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

/// Encodes `rows` of `task` with the core's two-pass encoder (statistics over those rows),
/// handing each encoded sample to `each` in row order.
///
/// # Errors
/// The encoder's refusal (too many features or classes, no rows).
pub fn encode_task(
    task: &Task,
    rows: &[usize],
    each: impl FnMut(&Encoded, &[f32]),
) -> Result<(), EncodeError> {
    match task.kind() {
        TaskKind::Numeric => encode_numeric::<MAX_FEATURES>(&TaskRows::new(task, rows), each),
        TaskKind::Text => {
            let samples: Vec<(&str, u32)> = rows
                .iter()
                .map(|&r| (task.text_row(r), task.labels.get(r).copied().unwrap_or(0)))
                .collect();
            encode_text(samples.iter().copied(), each)
        }
    }
}

/// The task embedding of `rows` of `task`, by the core's streaming encoder and set encoder.
///
/// # Errors
/// As [`encode_task`].
pub fn embed_task<P: Preset>(
    net: &Network<'_, P>,
    task: &Task,
    rows: &[usize],
) -> Result<TaskEmbedding, EncodeError> {
    let mut embedder = Embedder::default();
    encode_task(task, rows, |x, values| embedder.add(net, x, values))?;
    Ok(embedder.embedding(net))
}

/// Why a samples file cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum SamplesFileError {
    /// A class id does not fit a samples file's byte-sized labels.
    #[error("a samples file holds at most 256 classes, the task has class id {0}")]
    TooManyClasses(u32),
    /// postcard could not encode the file.
    #[error("while encoding the samples file: {0}")]
    Encode(#[from] postcard::Error),
}

/// A samples file of `rows` of `task`, for a device (`include_bytes!`).
///
/// # Errors
/// A task with more than 256 classes (a device's labels are bytes).
pub fn samples_file_bytes(task: &Task, rows: &[usize]) -> Result<Vec<u8>, SamplesFileError> {
    let labels: Vec<u8> = rows
        .iter()
        .map(|&r| {
            let label = task.labels.get(r).copied().unwrap_or(0);
            u8::try_from(label).map_err(|_| SamplesFileError::TooManyClasses(label))
        })
        .collect::<Result<_, _>>()?;
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
    let file = SamplesFile::new(&task.name, task.feature_count() as u32, &labels, &values, &texts);
    Ok(file.to_bytes()?)
}
