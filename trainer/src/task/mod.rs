//! A classification task held in memory: labels as class indices plus numeric or text features;
//! how it is read from a CSV ([`task_csv`]), split ([`split`]) and seen by the core's encoder
//! ([`task_samples`]).

pub mod column_plan;
pub mod csv_error;
pub mod csv_input;
pub mod csv_options;
pub mod csv_table;
pub mod rows_csv;
pub mod split;
pub mod task_csv;
pub mod task_samples;

/// Whether a task's features are numeric columns or one text column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskKind {
    /// Every feature column holds finite decimal numbers.
    Numeric,
    /// One free-text column.
    Text,
}

impl TaskKind {
    /// Lower-case name as stored in the database and printed.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Numeric => "numeric",
            Self::Text => "text",
        }
    }
}

/// The features of every row of a task.
#[derive(Clone, Debug, PartialEq)]
pub enum Features {
    /// Row-major `rows x columns.len()` matrix of finite values.
    Numeric {
        /// Feature column names, in file order.
        columns: Vec<String>,
        /// Values, row-major.
        values: Vec<f32>,
    },
    /// One text per row.
    Text(Vec<String>),
}

/// A labelled data set.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// Unique name (file stem by default).
    pub name: String,
    /// Class names; `labels` index into this, ordered by first appearance in the file.
    pub class_names: Vec<String>,
    /// One class index per row.
    pub labels: Vec<u32>,
    /// The rows' features.
    pub features: Features,
}

impl Task {
    /// Number of rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.labels.len()
    }

    /// Number of classes.
    #[must_use]
    pub fn classes(&self) -> usize {
        self.class_names.len()
    }

    /// The facts an architecture's cost depends on: feature and class counts, modality, and the
    /// rows (the samples a device would train on).
    #[must_use]
    pub fn shape(&self) -> archrank_core::TaskShape {
        archrank_core::TaskShape {
            features: self.feature_count(),
            classes: self.classes(),
            text: self.kind() == TaskKind::Text,
            samples: self.rows(),
        }
    }

    /// Numeric or text.
    #[must_use]
    pub fn kind(&self) -> TaskKind {
        match self.features {
            Features::Numeric { .. } => TaskKind::Numeric,
            Features::Text(_) => TaskKind::Text,
        }
    }

    /// Number of feature columns (0 for text).
    #[must_use]
    pub fn feature_count(&self) -> usize {
        match &self.features {
            Features::Numeric { columns, .. } => columns.len(),
            Features::Text(_) => 0,
        }
    }

    /// Row `i` of a numeric task (empty for text).
    #[must_use]
    pub fn numeric_row(&self, i: usize) -> &[f32] {
        match &self.features {
            Features::Numeric { columns, values } => {
                let d = columns.len();
                values.get(i * d..(i + 1) * d).unwrap_or(&[])
            }
            Features::Text(_) => &[],
        }
    }

    /// Text of row `i` of a text task (empty for numeric).
    #[must_use]
    pub fn text_row(&self, i: usize) -> &str {
        match &self.features {
            Features::Text(texts) => texts.get(i).map_or("", String::as_str),
            Features::Numeric { .. } => "",
        }
    }
}

/// Row indices of a task's train, validation and test parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Rows children are fitted on.
    pub train: Vec<usize>,
    /// Rows for early stopping and the recorded performance p.
    pub validation: Vec<usize>,
    /// Rows for the reported test accuracy.
    pub test: Vec<usize>,
}
