//! Why a CSV file could not be read as a task: every variant names the file and, where there is
//! one, the 1-based line and the column (DESIGN §9).

/// Why a CSV file could not be read as a task.
#[derive(Debug, thiserror::Error)]
pub enum TaskCsvError {
    /// The file could not be read.
    #[error("{source_name}: cannot read the file: {error}")]
    Io {
        /// The file.
        source_name: String,
        /// What the operating system said.
        #[source]
        error: std::io::Error,
    },
    /// The CSV parser failed (other than on UTF-8 or row lengths, which have their own variants).
    #[error("{source_name}:{line}: malformed CSV: {message}")]
    Csv {
        /// The file.
        source_name: String,
        /// 1-based line where the parser stopped.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// A gzipped file does not decompress.
    #[error("{source_name}: not a valid gzip stream: {message}")]
    Gzip {
        /// The file.
        source_name: String,
        /// What the decompressor said.
        message: String,
    },
    /// A gzipped file inflates to far more than CSV compresses to: refused before it fills
    /// memory (a gzip bomb).
    #[error(
        "{source_name}: it inflates to more than {cap} bytes (64 times its size plus 64 MiB), more than a CSV compresses: gunzip it yourself if it is real"
    )]
    GzipTooLarge {
        /// The file.
        source_name: String,
        /// The most bytes it may inflate to.
        cap: u64,
    },
    /// The text is not UTF-8.
    #[error(
        "{source_name}:{line}: not UTF-8 at byte {offset}{} (save the file as UTF-8)",
        if *decompressed { " of the decompressed data" } else { "" }
    )]
    NotUtf8 {
        /// The file.
        source_name: String,
        /// 0-based offset of the first byte that is not UTF-8 (after a byte-order mark).
        offset: u64,
        /// 1-based line holding it.
        line: u64,
        /// Whether the offset counts bytes of the gunzipped data.
        decompressed: bool,
    },
    /// The file has no header row or no data rows.
    #[error("{source_name}: {what}")]
    Empty {
        /// The file.
        source_name: String,
        /// "no header row" or "no data rows".
        what: &'static str,
    },
    /// The header does not contain the label column.
    #[error(
        "{source_name}:1: no label column `{wanted}` in the header (columns: {found}); name it with --label-column NAME or a column number"
    )]
    NoLabelColumn {
        /// The file.
        source_name: String,
        /// Name looked for.
        wanted: String,
        /// The header's columns, comma-separated.
        found: String,
    },
    /// Two header cells have the same name.
    #[error("{source_name}:1: column `{column}` appears twice in the header")]
    DuplicateColumn {
        /// The file.
        source_name: String,
        /// The repeated name.
        column: String,
    },
    /// The header has only the label column.
    #[error("{source_name}:1: no feature column besides the label column `{label}`")]
    NoFeatures {
        /// The file.
        source_name: String,
        /// The label column.
        label: String,
    },
    /// The header lacks columns the given column plan (a model's training CSV) reads.
    #[error(
        "{source_name}:1: the model reads column(s) {missing}, which the header lacks (columns: {found})"
    )]
    MissingColumns {
        /// The file.
        source_name: String,
        /// The plan's feature columns the header lacks, comma-separated.
        missing: String,
        /// The file's columns.
        found: String,
    },
    /// A text task must have exactly one feature column.
    #[error(
        "{source_name}:1: a text task needs exactly one column besides the label, found {found}"
    )]
    TextColumns {
        /// The file.
        source_name: String,
        /// Number of non-label columns.
        found: usize,
    },
    /// A free-text column beside other feature columns: archrank reads either one text or
    /// numbers and categories.
    #[error(
        "{source_name}:1: column `{text}` is free text but the task has other feature columns ({others}); give --ignore {text} to use the others, or --ignore {others} for a text task"
    )]
    MixedText {
        /// The file.
        source_name: String,
        /// The free-text column.
        text: String,
        /// The other kept feature columns, comma-separated.
        others: String,
    },
    /// An option names a column the header does not have.
    #[error(
        "{source_name}:1: {option} names column `{column}`, which is not in the header (columns: {found})"
    )]
    UnknownColumn {
        /// The file.
        source_name: String,
        /// The option (`--ignore`, `--categorical`, `--text`).
        option: &'static str,
        /// The name given.
        column: String,
        /// The header's columns, comma-separated.
        found: String,
    },
    /// A record has a different number of cells from the header.
    #[error("{source_name}:{line}: {found} cells where the header has {expected}")]
    RaggedRow {
        /// The file.
        source_name: String,
        /// 1-based line of the record.
        line: u64,
        /// Cells in the header.
        expected: usize,
        /// Cells in this record.
        found: usize,
    },
    /// A cell of a column that is otherwise numbers (or of a task forced numeric) is not a
    /// number and not a missing-value marker.
    #[error(
        "{source_name}:{line}: column `{column}`: {value:?} is not a number (if it means a missing value, add --na {value:?}; if the column is categorical, --categorical {column})"
    )]
    NonNumeric {
        /// The file.
        source_name: String,
        /// 1-based line of the record.
        line: u64,
        /// Header name of the column.
        column: String,
        /// The cell as written.
        value: String,
    },
    /// A cell of a numeric column is a number but not finite (infinity, or out of f32 range;
    /// `NaN` is a missing-value marker).
    #[error("{source_name}:{line}: column `{column}`: {value:?} is not a finite number")]
    NonFinite {
        /// The file.
        source_name: String,
        /// 1-based line of the record.
        line: u64,
        /// Header name of the column.
        column: String,
        /// The cell as written.
        value: String,
    },
    /// Every row has the same label.
    #[error("{source_name}: every row has the label {class:?}; a task needs at least 2 classes")]
    SingleClass {
        /// The file.
        source_name: String,
        /// The only class.
        class: String,
    },
    /// Too few rows to split into train, validation and test parts.
    #[error("{source_name}: {rows} data rows; a task needs at least {min}")]
    TooFewRows {
        /// The file.
        source_name: String,
        /// Data rows found.
        rows: usize,
        /// The minimum.
        min: usize,
    },
}
