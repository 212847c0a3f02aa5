//! What a model file tells the host beyond the core's fields, as JSON in the file's `columns`
//! string (a device never reads it): how the training CSV was read, so `predict` reads new rows
//! the same way, and the identity of the data the model learned from, so `predict` knows a
//! file of its training rows from another and a split of that data from a split of another.

use anyhow::{Context, Result};
use archrank_core::text_input::{FNV_OFFSET, fnv1a};
use serde::{Deserialize, Serialize};

use crate::task::column_plan::ColumnPlan;
use crate::task::{Features, Split, Task};

/// The host's notes in a model file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelNotes {
    /// How the training CSV's columns were read (none for a task from a database).
    pub columns: Option<ColumnPlan>,
    /// The feature cells' missing-value markers it was read with (empty: the defaults).
    #[serde(default)]
    pub na: Vec<String>,
    /// The label cells read as "no label" besides the empty one.
    #[serde(default)]
    pub label_na: Vec<String>,
    /// The data the model learned from (none in files written before it was recorded).
    pub data: Option<DataIdentity>,
}

/// Which data a model learned from: its task's content and the split that chose the rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataIdentity {
    /// The task's labelled rows.
    pub rows: usize,
    /// Its classes, in class-id order.
    pub classes: usize,
    /// FNV-1a of the class names, labels and features (16 hex digits).
    pub content: String,
    /// Rows of the split's training, validation and test parts.
    pub split: [usize; 3],
    /// FNV-1a of the split's row indices (16 hex digits).
    pub split_hash: String,
}

impl DataIdentity {
    /// The identity of `task` split as `split`.
    #[must_use]
    pub fn of(task: &Task, split: &Split) -> Self {
        let mut h = fnv1a(FNV_OFFSET, task.class_names.join("\n").as_bytes());
        for l in &task.labels {
            h = fnv1a(h, &l.to_le_bytes());
        }
        match &task.features {
            Features::Numeric { columns, values } => {
                h = fnv1a(h, columns.join("\n").as_bytes());
                for v in values {
                    h = fnv1a(h, &v.to_bits().to_le_bytes());
                }
            }
            Features::Text(texts) => {
                for t in texts {
                    h = fnv1a(fnv1a(h, t.as_bytes()), &[0]);
                }
            }
        }
        let mut s = FNV_OFFSET;
        for part in [&split.train, &split.validation, &split.test] {
            for &r in part {
                s = fnv1a(s, &(r as u64).to_le_bytes());
            }
            s = fnv1a(s, &[0xff]);
        }
        Self {
            rows: task.rows(),
            classes: task.classes(),
            content: format!("{h:016x}"),
            split: [split.train.len(), split.validation.len(), split.test.len()],
            split_hash: format!("{s:016x}"),
        }
    }

    /// How `other` differs from this identity, for a person (empty when it is the same data).
    #[must_use]
    pub fn differences(&self, other: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if self.rows != other.rows {
            out.push(format!(
                "{} labelled rows where the model's data had {}",
                other.rows, self.rows
            ));
        }
        if self.classes != other.classes {
            out.push(format!("{} classes where it had {}", other.classes, self.classes));
        }
        if out.is_empty() && self.content != other.content {
            out.push("the same row and class counts, but other labels or values".to_owned());
        }
        if out.is_empty() && self.split_hash != other.split_hash {
            out.push("the same rows, split otherwise (a build with another split rule)".to_owned());
        }
        out
    }
}

impl ModelNotes {
    /// The notes as the model file stores them.
    ///
    /// # Errors
    /// Never in practice (serializing plain data).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).context("cannot encode the model's notes")
    }

    /// Reads a model file's notes: empty (a device's file), a bare column plan (files written
    /// before the data was recorded), or the notes.
    ///
    /// # Errors
    /// JSON that is none of these.
    pub fn parse(text: &str) -> Result<Self> {
        if text.is_empty() {
            return Ok(Self::default());
        }
        if let Ok(notes) = serde_json::from_str::<Self>(text) {
            return Ok(notes);
        }
        let columns: ColumnPlan =
            serde_json::from_str(text).context("the model's notes are unreadable")?;
        Ok(Self { columns: Some(columns), ..Self::default() })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn task(values: Vec<f32>) -> Task {
        Task {
            name: "t".into(),
            class_names: vec!["a".into(), "b".into()],
            labels: vec![0, 1, 0, 1],
            features: Features::Numeric { columns: vec!["x".into()], values },
        }
    }

    fn split() -> Split {
        Split { train: vec![0, 1], validation: vec![2], test: vec![3] }
    }

    #[test]
    fn the_same_data_is_told_from_other_data() {
        let id = DataIdentity::of(&task(vec![1.0, 2.0, 3.0, 4.0]), &split());
        assert!(id.differences(&id.clone()).is_empty());
        let other = DataIdentity::of(&task(vec![1.0, 2.0, 3.0, 5.0]), &split());
        assert_eq!(
            id.differences(&other),
            ["the same row and class counts, but other labels or values"]
        );
        let resplit = DataIdentity::of(
            &task(vec![1.0, 2.0, 3.0, 4.0]),
            &Split { test: vec![2], validation: vec![3], ..split() },
        );
        assert_eq!(id.differences(&resplit).len(), 1);
        let mut fewer = task(vec![1.0, 2.0, 3.0]);
        fewer.labels.pop();
        let fewer = DataIdentity::of(&fewer, &Split { test: vec![], ..split() });
        assert_eq!(id.differences(&fewer), ["3 labelled rows where the model's data had 4"]);
    }

    #[test]
    fn notes_read_back_and_older_files_read_as_a_bare_plan() {
        assert_eq!(ModelNotes::parse("").unwrap(), ModelNotes::default());
        let notes = ModelNotes {
            na: vec!["-999".into()],
            data: Some(DataIdentity::of(&task(vec![1.0; 4]), &split())),
            ..ModelNotes::default()
        };
        assert_eq!(ModelNotes::parse(&notes.to_json().unwrap()).unwrap(), notes);
        assert!(ModelNotes::parse("{\"delimiter\": 3}").is_err());
    }
}
