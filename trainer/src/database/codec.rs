//! Byte encodings of stored values: the task blob, the architecture blob and hashes.
//!
//! A task blob is `ARTK`, a format byte, then postcard of the class names, labels and features
//! (f32 little-endian, labels as varints): exact, and independent of the task's name. Format 1
//! stores the postcard bytes as they are, format 2 (what this build writes) deflates them. The
//! task's SHA-256, which identifies its content when databases are merged and seeds its split, is
//! always that of the format-1 blob, so a task keeps its hash and split whichever way it is stored.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::task::{Features, Task};

/// First bytes of every task blob.
const TASK_MAGIC: &[u8; 4] = b"ARTK";
/// Blob format: postcard bytes as they are.
const TASK_FORMAT_PLAIN: u8 = 1;
/// Blob format: postcard bytes deflated (what this build writes).
const TASK_FORMAT_DEFLATE: u8 = 2;
/// Deflate level: the best ratio; a task is written once and read many times.
const DEFLATE_LEVEL: u32 = 9;

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

/// The canonical content of a task (format 1): what its SHA-256 is taken of.
fn canonical_blob(body: &[u8]) -> Vec<u8> {
    let mut blob = TASK_MAGIC.to_vec();
    blob.push(TASK_FORMAT_PLAIN);
    blob.extend_from_slice(body);
    blob
}

/// A task's blob as stored (deflated, format 2) and its content hash (of the format-1 blob).
/// The name is stored beside the blob, not in it.
pub(crate) fn encode_task(task: &Task) -> Result<(Vec<u8>, String), postcard::Error> {
    let body = task_body(task)?;
    let sha256 = sha256_hex(&canonical_blob(&body));
    let mut blob = TASK_MAGIC.to_vec();
    blob.push(TASK_FORMAT_DEFLATE);
    let mut deflate =
        flate2::write::DeflateEncoder::new(blob, flate2::Compression::new(DEFLATE_LEVEL));
    // Writing into a Vec cannot fail.
    let _ = deflate.write_all(&body);
    Ok((deflate.finish().unwrap_or_default(), sha256))
}

/// A task's content hash, as [`encode_task`] gives it, without compressing the blob.
pub(crate) fn task_sha256(task: &Task) -> Result<String, postcard::Error> {
    Ok(sha256_hex(&canonical_blob(&task_body(task)?)))
}

/// The postcard body of a task's blob (class names, labels, features; not the name).
fn task_body(task: &Task) -> Result<Vec<u8>, postcard::Error> {
    let features = match &task.features {
        Features::Numeric { columns, values } => FeaturesRef::Numeric { columns, values },
        Features::Text(texts) => FeaturesRef::Text(texts),
    };
    let data = TaskDataRef { class_names: &task.class_names, labels: &task.labels, features };
    postcard::to_allocvec(&data)
}

/// The postcard body of a stored blob, inflated if needed.
fn blob_body(blob: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    let Some(body) = blob.strip_prefix(TASK_MAGIC.as_slice()) else {
        return Err("task data does not start with the task magic".into());
    };
    match body.split_first() {
        Some((&TASK_FORMAT_PLAIN, body)) => Ok(std::borrow::Cow::Borrowed(body)),
        Some((&TASK_FORMAT_DEFLATE, body)) => {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(body)
                .read_to_end(&mut out)
                .map_err(|e| format!("task data does not inflate: {e}"))?;
            Ok(std::borrow::Cow::Owned(out))
        }
        Some((&format, _)) => Err(format!(
            "task data format {format}, expected {TASK_FORMAT_PLAIN} or {TASK_FORMAT_DEFLATE}"
        )),
        None => Err("task data is truncated".into()),
    }
}

/// The content hash of a stored blob (of its format-1 form), or why the blob is unreadable.
pub(crate) fn content_hash(blob: &[u8]) -> Result<String, String> {
    Ok(sha256_hex(&canonical_blob(&blob_body(blob)?)))
}

/// The task stored as `blob` under `name`, or why the blob is unreadable.
pub(crate) fn decode_task(name: &str, blob: &[u8]) -> Result<Task, String> {
    let body = blob_body(blob)?;
    let data: TaskData = postcard::from_bytes(&body).map_err(|e| e.to_string())?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn task() -> Task {
        Task {
            name: "t".into(),
            class_names: vec!["a".into(), "b".into()],
            labels: (0..200).map(|i| i % 2).collect(),
            features: Features::Numeric {
                columns: vec!["x".into(), "y".into()],
                values: (0..400).map(|i| (i % 7) as f32 * 0.5).collect(),
            },
        }
    }

    #[test]
    fn deflated_blobs_keep_the_content_hash_of_the_plain_form() {
        let task = task();
        let (blob, sha256) = encode_task(&task).unwrap();
        assert_eq!(blob[4], TASK_FORMAT_DEFLATE);
        // The plain (format-1) blob of the same content, as earlier builds stored it.
        let features = match &task.features {
            Features::Numeric { columns, values } => FeaturesRef::Numeric { columns, values },
            Features::Text(texts) => FeaturesRef::Text(texts),
        };
        let body = postcard::to_allocvec(&TaskDataRef {
            class_names: &task.class_names,
            labels: &task.labels,
            features,
        })
        .unwrap();
        let plain = canonical_blob(&body);
        assert!(blob.len() < plain.len() / 2, "{} vs {}", blob.len(), plain.len());
        assert_eq!(sha256, sha256_hex(&plain));
        assert_eq!(content_hash(&blob).unwrap(), sha256);
        assert_eq!(content_hash(&plain).unwrap(), sha256);
        assert_eq!(decode_task("t", &blob).unwrap(), task);
        assert_eq!(decode_task("t", &plain).unwrap(), task);
        // Same task, same bytes.
        assert_eq!(encode_task(&task).unwrap().0, blob);
    }

    #[test]
    fn damaged_blobs_are_refused_with_a_reason() {
        let (mut blob, _) = encode_task(&task()).unwrap();
        blob[4] = 9;
        assert!(decode_task("t", &blob).unwrap_err().contains("format 9"));
        let (mut blob, _) = encode_task(&task()).unwrap();
        blob.truncate(blob.len() / 2);
        assert!(decode_task("t", &blob).is_err());
        assert!(content_hash(&blob).is_err());
    }
}
