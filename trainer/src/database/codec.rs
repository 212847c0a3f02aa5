//! Byte encodings of stored values: the task blob, the architecture blob and hashes.
//!
//! A task blob is `ARTK`, a format byte, then postcard of the class names, labels and features
//! (f32 little-endian, labels as varints): compact, exact, and independent of the task's name,
//! so that its SHA-256 identifies the content when databases are merged.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::task::{Features, Task};

/// First bytes of every task blob.
const TASK_MAGIC: &[u8; 4] = b"ARTK";
/// Version of the task blob layout after the magic.
const TASK_FORMAT: u8 = 1;

#[derive(Serialize)]
struct TaskDataRef<'a> {
    class_names: &'a [String],
    labels: &'a [u32],
    features: FeaturesRef<'a>,
}

#[derive(Serialize)]
enum FeaturesRef<'a> {
    Numeric { columns: &'a [String], values: &'a [f32] },
    Text(&'a [String]),
}

#[derive(Deserialize)]
struct TaskData {
    class_names: Vec<String>,
    labels: Vec<u32>,
    features: FeaturesOwned,
}

#[derive(Deserialize)]
enum FeaturesOwned {
    Numeric { columns: Vec<String>, values: Vec<f32> },
    Text(Vec<String>),
}

/// Why a task cannot be stored, if it is inconsistent.
pub(crate) fn task_problem(task: &Task) -> Option<String> {
    let rows = task.rows();
    let classes = task.classes();
    if task.name.trim().is_empty() {
        return Some("empty name".into());
    }
    if let Some(&bad) = task.labels.iter().find(|&&l| l as usize >= classes) {
        return Some(format!("label {bad} but only {classes} class names"));
    }
    match &task.features {
        Features::Numeric { columns, values } => {
            if values.len() != rows * columns.len() {
                return Some(format!(
                    "{} values for {rows} rows of {} columns",
                    values.len(),
                    columns.len()
                ));
            }
            if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                return Some(format!("non-finite value at row {}", i / columns.len().max(1)));
            }
        }
        Features::Text(texts) => {
            if texts.len() != rows {
                return Some(format!("{} texts for {rows} rows", texts.len()));
            }
        }
    }
    None
}

/// The task's content as a blob (the name is stored beside it, not in it).
pub(crate) fn encode_task(task: &Task) -> Result<Vec<u8>, postcard::Error> {
    let features = match &task.features {
        Features::Numeric { columns, values } => FeaturesRef::Numeric { columns, values },
        Features::Text(texts) => FeaturesRef::Text(texts),
    };
    let data = TaskDataRef { class_names: &task.class_names, labels: &task.labels, features };
    let mut blob = TASK_MAGIC.to_vec();
    blob.push(TASK_FORMAT);
    blob.extend_from_slice(&postcard::to_allocvec(&data)?);
    Ok(blob)
}

/// The task stored as `blob` under `name`, or why the blob is unreadable.
pub(crate) fn decode_task(name: &str, blob: &[u8]) -> Result<Task, String> {
    let Some(body) = blob.strip_prefix(TASK_MAGIC.as_slice()) else {
        return Err("task data does not start with the task magic".into());
    };
    let Some((&format, body)) = body.split_first() else {
        return Err("task data is truncated".into());
    };
    if format != TASK_FORMAT {
        return Err(format!("task data format {format}, expected {TASK_FORMAT}"));
    }
    let data: TaskData = postcard::from_bytes(body).map_err(|e| e.to_string())?;
    let features = match data.features {
        FeaturesOwned::Numeric { columns, values } => Features::Numeric { columns, values },
        FeaturesOwned::Text(texts) => Features::Text(texts),
    };
    let task = Task {
        name: name.to_owned(),
        class_names: data.class_names,
        labels: data.labels,
        features,
    };
    match task_problem(&task) {
        Some(problem) => Err(problem),
        None => Ok(task),
    }
}

/// SHA-256 of `bytes`, lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A split seed derived from the content hash: the same task splits the same way in every
/// database, whatever order tasks were added in.
pub(crate) fn split_seed_from_hash(sha256: &str) -> u64 {
    let digest = Sha256::digest(sha256.as_bytes());
    let mut word = [0u8; 8];
    word.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    u64::from_le_bytes(word)
}

/// The architecture as little-endian f32 bytes.
pub(crate) fn encode_arch(arch: &[f32]) -> Vec<u8> {
    arch.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The architecture stored as `blob`, or `None` if its length is not a multiple of 4.
pub(crate) fn decode_arch(blob: &[u8]) -> Option<Vec<f32>> {
    if !blob.len().is_multiple_of(4) {
        return None;
    }
    Some(blob.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}
