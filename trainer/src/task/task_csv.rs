//! Reading a classification task from a CSV file (RFC 4180, header row, one label column).
//!
//! Numeric tasks have finite decimal numbers in every non-label column; text tasks have exactly
//! one non-label column. Every rejection names the file, the 1-based line and the column, so a
//! user can fix the file without guessing (DESIGN §9).

use std::collections::HashMap;
use std::path::Path;

use crate::task::{Features, Task, TaskKind};

/// The label column's name when none is given.
pub const DEFAULT_LABEL_COLUMN: &str = "label";

/// Fewest data rows a task may have.
pub const MIN_ROWS: usize = 10;

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
    /// A cell is not valid UTF-8.
    #[error("{source_name}:{line}: column `{column}` is not valid UTF-8")]
    InvalidUtf8 {
        /// The file.
        source_name: String,
        /// 1-based line of the record.
        line: u64,
        /// Header name of the column (or its 1-based position when the header itself is bad).
        column: String,
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
    #[error("{source_name}:1: no label column `{wanted}` in the header (columns: {found})")]
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
    /// A row has an empty label.
    #[error("{source_name}:{line}: empty label in column `{column}`")]
    EmptyLabel {
        /// The file.
        source_name: String,
        /// 1-based line of the record.
        line: u64,
        /// The label column.
        column: String,
    },
    /// A cell of a numeric task is not a number (and, when auto-detecting, the task cannot be
    /// text because it has more than one feature column).
    #[error("{source_name}:{line}: column `{column}`: {value:?} is not a number")]
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
    /// A cell of a numeric task is a number but not finite (NaN, infinity, or out of f32 range).
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

/// Reads the task in the CSV file `path`.
///
/// `label_column` names the column holding the classes (anywhere in the header; usually
/// [`DEFAULT_LABEL_COLUMN`]). `kind` forces numeric or text features; `None` detects them:
/// numeric when every non-label cell is a number, else text when there is exactly one non-label
/// column.
///
/// # Errors
///
/// [`TaskCsvError`] naming the file, line and column of the first problem.
pub fn read_task_csv(
    path: &Path,
    name: &str,
    label_column: &str,
    kind: Option<TaskKind>,
) -> Result<Task, TaskCsvError> {
    let source_name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| TaskCsvError::Io { source_name, error })?;
    read_task_bytes(&bytes, &path.display().to_string(), name, label_column, kind)
}

/// Reads a task from CSV `bytes`; `source` names them in errors (a path, or e.g. `<stdin>`).
///
/// # Errors
///
/// As [`read_task_csv`], except that no I/O happens.
pub fn read_task_bytes(
    bytes: &[u8],
    source: &str,
    name: &str,
    label_column: &str,
    kind: Option<TaskKind>,
) -> Result<Task, TaskCsvError> {
    let parsed = parse(bytes, source, label_column, kind)?;
    finish(parsed, source, name)
}

/// The first cell that rules out a numeric reading, kept while auto-detecting.
struct BadCell {
    line: u64,
    column: String,
    value: String,
    finite_only: bool,
}

/// 1-based line numbers from byte offsets (the csv crate miscounts lines after CRLF ends).
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Bytes before `offset` are counted.
    offset: usize,
    /// Line at `offset`.
    line: u64,
}

impl LineCounter<'_> {
    /// Line of the record starting at byte `byte` (offsets must not decrease).
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        // A record's offset can point at the line end that precedes it.
        while matches!(self.bytes.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        let at = at.max(self.offset);
        let counted = self.bytes.get(self.offset..at).unwrap_or_default();
        self.line += counted.iter().filter(|&&b| b == b'\n').count() as u64;
        self.offset = at;
        self.line
    }
}

/// What one pass over the records collected.
struct Parsed {
    feature_columns: Vec<String>,
    class_names: Vec<String>,
    labels: Vec<u32>,
    /// Row-major values while a numeric reading is still possible.
    values: Option<Vec<f32>>,
    /// The single feature column's texts while a text reading is possible.
    texts: Option<Vec<String>>,
    first_non_number: Option<BadCell>,
    first_non_finite: Option<BadCell>,
}

fn parse(
    bytes: &[u8],
    source: &str,
    label_column: &str,
    kind: Option<TaskKind>,
) -> Result<Parsed, TaskCsvError> {
    let source_name = || source.to_owned();
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
    let header = reader.byte_headers().map_err(|e| csv_error(source, 1, &e))?.clone();
    if header.is_empty() {
        return Err(TaskCsvError::Empty { source_name: source_name(), what: "no header row" });
    }
    let mut columns = Vec::with_capacity(header.len());
    for (i, cell) in header.iter().enumerate() {
        let text = std::str::from_utf8(cell).map_err(|_| TaskCsvError::InvalidUtf8 {
            source_name: source_name(),
            line: 1,
            column: format!("#{}", i + 1),
        })?;
        let text = text.trim().to_owned();
        if columns.contains(&text) {
            return Err(TaskCsvError::DuplicateColumn { source_name: source_name(), column: text });
        }
        columns.push(text);
    }
    let Some(label_at) = columns.iter().position(|c| c == label_column) else {
        return Err(TaskCsvError::NoLabelColumn {
            source_name: source_name(),
            wanted: label_column.to_owned(),
            found: columns.join(","),
        });
    };
    let feature_at: Vec<usize> = (0..columns.len()).filter(|&i| i != label_at).collect();
    if feature_at.is_empty() {
        return Err(TaskCsvError::NoFeatures {
            source_name: source_name(),
            label: label_column.to_owned(),
        });
    }
    if kind == Some(TaskKind::Text) && feature_at.len() != 1 {
        return Err(TaskCsvError::TextColumns {
            source_name: source_name(),
            found: feature_at.len(),
        });
    }
    let mut parsed = Parsed {
        feature_columns: feature_at.iter().filter_map(|&i| columns.get(i).cloned()).collect(),
        class_names: Vec::new(),
        labels: Vec::new(),
        values: (kind != Some(TaskKind::Text)).then(Vec::new),
        texts: (feature_at.len() == 1 && kind != Some(TaskKind::Numeric)).then(Vec::new),
        first_non_number: None,
        first_non_finite: None,
    };
    let mut class_index: HashMap<String, u32> = HashMap::new();
    let column_name = |i: usize| columns.get(i).cloned().unwrap_or_default();
    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter { bytes, offset: 0, line: 1 };
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = lines.line_at(e.position().map_or(0, csv::Position::byte));
                return Err(csv_error(source, line, &e));
            }
        }
        let line = lines.line_at(record.position().map_or(0, csv::Position::byte));
        if record.len() != columns.len() {
            return Err(TaskCsvError::RaggedRow {
                source_name: source_name(),
                line,
                expected: columns.len(),
                found: record.len(),
            });
        }
        let cell = |i: usize| -> Result<&str, TaskCsvError> {
            std::str::from_utf8(record.get(i).unwrap_or_default()).map_err(|_| {
                TaskCsvError::InvalidUtf8 {
                    source_name: source_name(),
                    line,
                    column: column_name(i),
                }
            })
        };
        // Check every cell's encoding first so that the reported error is the leftmost one.
        for i in 0..record.len() {
            cell(i)?;
        }
        let label = cell(label_at)?.trim();
        if label.is_empty() {
            return Err(TaskCsvError::EmptyLabel {
                source_name: source_name(),
                line,
                column: column_name(label_at),
            });
        }
        let next = u32::try_from(parsed.class_names.len()).unwrap_or(u32::MAX);
        let class = *class_index.entry(label.to_owned()).or_insert_with(|| {
            parsed.class_names.push(label.to_owned());
            next
        });
        parsed.labels.push(class);
        if let Some(texts) = parsed.texts.as_mut() {
            texts.push(cell(feature_at.first().copied().unwrap_or(0))?.to_owned());
        }
        if parsed.values.is_some() {
            for &i in &feature_at {
                let text = cell(i)?;
                let number = parse_number(text);
                let bad = match number {
                    Some(x) if x.is_finite() => None,
                    Some(_) => Some(true),
                    None => Some(false),
                };
                if let Some(finite_only) = bad {
                    let bad_cell = BadCell {
                        line,
                        column: column_name(i),
                        value: text.to_owned(),
                        finite_only,
                    };
                    if kind == Some(TaskKind::Numeric) {
                        return Err(bad_cell_error(source, bad_cell));
                    }
                    let slot = if finite_only {
                        &mut parsed.first_non_finite
                    } else {
                        &mut parsed.first_non_number
                    };
                    if slot.is_none() {
                        *slot = Some(bad_cell);
                    }
                }
                if let (Some(values), None) = (parsed.values.as_mut(), &parsed.first_non_number) {
                    values.push(number.unwrap_or(0.0));
                }
            }
            if parsed.first_non_number.is_some() {
                // Auto-detection: a numeric reading is ruled out; drop what was collected.
                parsed.values = None;
                if parsed.texts.is_none() {
                    break;
                }
            }
        }
    }
    Ok(parsed)
}

fn finish(parsed: Parsed, source: &str, name: &str) -> Result<Task, TaskCsvError> {
    let source_name = || source.to_owned();
    let features = if let Some(values) = parsed.values {
        if let Some(bad) = parsed.first_non_finite {
            return Err(bad_cell_error(source, bad));
        }
        Features::Numeric { columns: parsed.feature_columns, values }
    } else if let Some(texts) = parsed.texts {
        Features::Text(texts)
    } else if let Some(bad) = parsed.first_non_number {
        return Err(bad_cell_error(source, bad));
    } else {
        // Not reached: a forced text kind keeps the texts, anything else keeps the values or
        // records the cell that ruled them out.
        return Err(TaskCsvError::TextColumns {
            source_name: source_name(),
            found: parsed.feature_columns.len(),
        });
    };
    if parsed.labels.is_empty() {
        return Err(TaskCsvError::Empty { source_name: source_name(), what: "no data rows" });
    }
    if parsed.labels.len() < MIN_ROWS {
        return Err(TaskCsvError::TooFewRows {
            source_name: source_name(),
            rows: parsed.labels.len(),
            min: MIN_ROWS,
        });
    }
    if parsed.class_names.len() < 2 {
        return Err(TaskCsvError::SingleClass {
            source_name: source_name(),
            class: parsed.class_names.into_iter().next().unwrap_or_default(),
        });
    }
    Ok(Task {
        name: name.to_owned(),
        class_names: parsed.class_names,
        labels: parsed.labels,
        features,
    })
}

/// Parses a numeric cell: optional sign, decimals, optional exponent; surrounding blanks are
/// ignored. `None` for anything else, including the empty cell. NaN and infinities parse (and are
/// rejected later as non-finite) so that the error says what is wrong with them.
fn parse_number(text: &str) -> Option<f32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse::<f32>().ok()
}

fn bad_cell_error(source: &str, bad: BadCell) -> TaskCsvError {
    let BadCell { line, column, value, finite_only } = bad;
    let source_name = source.to_owned();
    if finite_only {
        TaskCsvError::NonFinite { source_name, line, column, value }
    } else {
        TaskCsvError::NonNumeric { source_name, line, column, value }
    }
}

fn csv_error(source: &str, line: u64, error: &csv::Error) -> TaskCsvError {
    TaskCsvError::Csv { source_name: source.to_owned(), line, message: error.to_string() }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// Ten rows of two classes after `header`, each row produced by `row(i)`.
    fn csv_with(header: &str, row: impl Fn(usize) -> String) -> String {
        let mut s = format!("{header}\r\n");
        for i in 0..10 {
            s.push_str(&row(i));
            s.push_str("\r\n");
        }
        s
    }

    fn read(text: &str, kind: Option<TaskKind>) -> Result<Task, TaskCsvError> {
        read_task_bytes(text.as_bytes(), "t.csv", "t", DEFAULT_LABEL_COLUMN, kind)
    }

    fn two_classes(i: usize) -> &'static str {
        if i.is_multiple_of(3) { "b" } else { "a" }
    }

    #[test]
    fn numeric_with_label_anywhere() {
        let text = csv_with("x,label,y", |i| format!("{i}.5,{},-1e-2", two_classes(i)));
        let task = read(&text, None).unwrap();
        assert_eq!(task.name, "t");
        assert_eq!(task.kind(), TaskKind::Numeric);
        assert_eq!(task.class_names, ["b", "a"]);
        assert_eq!(&task.labels[..4], &[0, 1, 1, 0]);
        assert_eq!(task.feature_count(), 2);
        assert_eq!(task.numeric_row(1), &[1.5, -0.01]);
        let Features::Numeric { columns, .. } = &task.features else { panic!() };
        assert_eq!(columns, &["x", "y"]);
    }

    #[test]
    fn accepts_signs_exponents_and_blanks() {
        let text = csv_with("label,x", |i| {
            let v = ["+1", "-2.5", "3e2", "4E-1", " 5 ", ".5", "7.", "-0", "1e+3", "10"][i];
            format!("{},{v}", two_classes(i))
        });
        let task = read(&text, Some(TaskKind::Numeric)).unwrap();
        let Features::Numeric { values, .. } = &task.features else { panic!() };
        assert_eq!(values, &[1.0, -2.5, 300.0, 0.4, 5.0, 0.5, 7.0, -0.0, 1000.0, 10.0]);
    }

    #[test]
    fn text_with_quotes_commas_and_newlines() {
        let text = csv_with("label,text", |i| {
            format!("{},\"hi, \"\"you\"\"\r\nline {i}\"", two_classes(i))
        });
        let task = read(&text, None).unwrap();
        assert_eq!(task.kind(), TaskKind::Text);
        assert_eq!(task.text_row(2), "hi, \"you\"\r\nline 2");
    }

    #[test]
    fn single_numeric_looking_column_can_be_forced_to_text() {
        let text = csv_with("label,text", |i| format!("{},{i}", two_classes(i)));
        assert_eq!(read(&text, None).unwrap().kind(), TaskKind::Numeric);
        assert_eq!(read(&text, Some(TaskKind::Text)).unwrap().text_row(3), "3");
    }

    #[test]
    fn empty_file_and_header_only() {
        let e = read("", None).unwrap_err();
        assert!(matches!(e, TaskCsvError::Empty { what: "no header row", .. }), "{e}");
        let e = read("label,x\r\n", None).unwrap_err();
        assert!(matches!(e, TaskCsvError::Empty { what: "no data rows", .. }), "{e}");
        assert_eq!(e.to_string(), "t.csv: no data rows");
    }

    #[test]
    fn missing_label_column() {
        let text = csv_with("class,x", |i| format!("{},{i}", two_classes(i)));
        let e = read(&text, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.csv:1: no label column `label` in the header (columns: class,x)"
        );
        let ok = read_task_bytes(text.as_bytes(), "t.csv", "t", "class", None).unwrap();
        assert_eq!(ok.classes(), 2);
    }

    #[test]
    fn duplicate_and_missing_feature_columns() {
        let e = read(&csv_with("label,x,x", |_| "a,1,2".into()), None).unwrap_err();
        assert!(matches!(e, TaskCsvError::DuplicateColumn { ref column, .. } if column == "x"));
        let e = read(&csv_with("label", |i| two_classes(i).into()), None).unwrap_err();
        assert!(matches!(e, TaskCsvError::NoFeatures { .. }), "{e}");
        let e = read(&csv_with("label,x,y", |_| "a,1,2".into()), Some(TaskKind::Text)).unwrap_err();
        assert!(matches!(e, TaskCsvError::TextColumns { found: 2, .. }), "{e}");
    }

    #[test]
    fn ragged_row_names_its_line() {
        let mut text = csv_with("label,x,y", |i| format!("{},{i},1", two_classes(i)));
        text.push_str("a,1\r\n");
        let e = read(&text, None).unwrap_err();
        assert_eq!(e.to_string(), "t.csv:12: 2 cells where the header has 3");
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let text =
            format!("\u{feff}{}", csv_with("label,x", |i| format!("{},{i}", two_classes(i))));
        assert_eq!(read(&text, None).unwrap().rows(), 10);
    }

    #[test]
    fn line_numbers_count_physical_lines() {
        // LF ends, a blank line, and a quoted text spanning two lines before the bad row.
        let mut text = String::from("label,text\n\n");
        for i in 0..10 {
            text.push_str(&format!("{},\"two\nlines\"\n", two_classes(i)));
        }
        text.push_str("a,b,c\n");
        let e = read(&text, None).unwrap_err();
        assert!(matches!(e, TaskCsvError::RaggedRow { line: 23, .. }), "{e}");
    }

    #[test]
    fn non_numeric_cell_is_located() {
        let text = csv_with("label,x,y", |i| {
            format!("{},{i},{}", two_classes(i), if i == 4 { "abc" } else { "1" })
        });
        let e = read(&text, None).unwrap_err();
        assert_eq!(e.to_string(), "t.csv:6: column `y`: \"abc\" is not a number");
        let e = read(&text, Some(TaskKind::Numeric)).unwrap_err();
        assert!(matches!(e, TaskCsvError::NonNumeric { line: 6, .. }), "{e}");
    }

    #[test]
    fn empty_numeric_cell_is_rejected() {
        let text = csv_with("label,x,y", |i| {
            format!("{},{},1", two_classes(i), if i == 7 { "" } else { "2" })
        });
        let e = read(&text, None).unwrap_err();
        assert!(
            matches!(e, TaskCsvError::NonNumeric { line: 9, ref column, ref value, .. } if column == "x" && value.is_empty()),
            "{e}"
        );
    }

    #[test]
    fn non_finite_values_are_rejected() {
        for bad in ["NaN", "inf", "-infinity", "1e39"] {
            let text = csv_with("label,x,y", |i| {
                format!("{},1,{}", two_classes(i), if i == 2 { bad } else { "0" })
            });
            let e = read(&text, None).unwrap_err();
            assert!(matches!(e, TaskCsvError::NonFinite { line: 4, .. }), "{bad}: {e}");
            assert!(e.to_string().contains("column `y`"), "{e}");
        }
    }

    #[test]
    fn invalid_utf8_is_located() {
        let mut bytes = csv_with("label,x", |i| format!("{},{i}", two_classes(i))).into_bytes();
        bytes.extend_from_slice(b"a,\xff\xfe\r\n");
        let e = read_task_bytes(&bytes, "t.csv", "t", "label", None).unwrap_err();
        assert_eq!(e.to_string(), "t.csv:12: column `x` is not valid UTF-8");
    }

    #[test]
    fn single_class_too_few_rows_and_empty_label() {
        let e = read(&csv_with("label,x", |i| format!("only,{i}")), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.csv: every row has the label \"only\"; a task needs at least 2 classes"
        );
        let e = read("label,x\r\na,1\r\nb,2\r\n", None).unwrap_err();
        assert!(matches!(e, TaskCsvError::TooFewRows { rows: 2, min: 10, .. }), "{e}");
        let e =
            read(&csv_with("label,x", |i| format!("{},1", if i == 5 { "" } else { "a" })), None)
                .unwrap_err();
        assert!(matches!(e, TaskCsvError::EmptyLabel { line: 7, .. }), "{e}");
    }

    #[test]
    fn missing_file_is_an_io_error_naming_it() {
        let e = read_task_csv(Path::new("/nonexistent/x.csv"), "x", "label", None).unwrap_err();
        assert!(matches!(e, TaskCsvError::Io { .. }));
        assert!(e.to_string().starts_with("/nonexistent/x.csv: cannot read the file"), "{e}");
    }

    /// Reads every bundled task and compares it with `MANIFEST.tsv`. The folder is
    /// `$ARCHRANK_TASKS_DIR`, by default `shared/data/tasks` beside the repository.
    #[test]
    #[ignore = "reads every task file of the shared pool"]
    fn all_bundled_tasks_parse() {
        let dir = std::env::var_os("ARCHRANK_TASKS_DIR").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/tasks"),
            std::path::PathBuf::from,
        );
        let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
        let mut count = 0;
        for line in manifest.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let (name, kind, rows, features, classes) = (f[0], f[1], f[2], f[3], f[4]);
            let start = std::time::Instant::now();
            let task =
                read_task_csv(&dir.join(format!("{name}.csv")), name, "label", None).unwrap();
            eprintln!("{name:34} {:>6} rows  {:>8.1?}", task.rows(), start.elapsed());
            assert_eq!(task.kind().name(), kind, "{name}");
            assert_eq!(task.rows().to_string(), rows, "{name}");
            assert_eq!(task.feature_count().to_string(), features, "{name}");
            assert_eq!(task.classes().to_string(), classes, "{name}");
            count += 1;
        }
        let csvs = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "csv"))
            .count();
        assert_eq!(count, csvs, "one manifest row per CSV");
    }
}
