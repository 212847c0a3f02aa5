//! Reading a classification task from a CSV file as people have them: the text
//! ([`csv_input`]: file or standard input, gzip, byte-order mark, UTF-8, the dialect sniffed),
//! its table ([`csv_table`]), the plan of each column ([`column_plan`]: numbers, dates,
//! categories, free text, identifiers, missing values), then the task. Every rejection names the
//! file, the 1-based line and the column, so a user can fix the file without guessing
//! (DESIGN §9).
//!
//! [`csv_input`]: super::csv_input
//! [`csv_table`]: super::csv_table
//! [`column_plan`]: super::column_plan

use std::collections::HashMap;
use std::path::Path;

use super::column_plan::{ColumnPlan, DroppedLabel, EncodeNotes, plan_columns};
pub use super::csv_error::TaskCsvError;
use super::csv_input::{
    decode_text, delimiter_name, read_text, sniff_decimal_comma, sniff_delimiter, source_name,
};
pub use super::csv_options::{CsvOptions, DEFAULT_LABEL_COLUMN, LabelColumn};
use super::csv_table::{CsvTable, read_table};
use crate::task::{Features, Task};

/// Fewest data rows a task may have.
pub const MIN_ROWS: usize = 10;

/// A task read from a CSV file and how its columns were read.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvTask {
    /// The task.
    pub task: Task,
    /// What each column became, the dialect and the rows left out.
    pub plan: ColumnPlan,
}

/// Reads the task in the CSV file `path` (`-` is standard input; gzip is recognized by its
/// magic bytes).
///
/// # Errors
///
/// [`TaskCsvError`] naming the file, line and column of the first problem.
pub fn read_task_csv(
    path: &Path,
    name: &str,
    options: &CsvOptions,
) -> Result<CsvTask, TaskCsvError> {
    let text = read_text(path)?;
    read_task_text(&text, &source_name(path), name, options)
}

/// Reads a task from CSV `bytes` (gzipped or not); `source` names them in errors.
///
/// # Errors
///
/// As [`read_task_csv`], except that no I/O happens.
pub fn read_task_bytes(
    bytes: &[u8],
    source: &str,
    name: &str,
    options: &CsvOptions,
) -> Result<CsvTask, TaskCsvError> {
    let text = decode_text(bytes.to_vec(), source)?;
    read_task_text(&text, source, name, options)
}

/// Every record of a CSV read with a known column `plan` (the one a model's training CSV was
/// read with), encoded exactly as the training rows were, whether or not it has labels.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRows {
    /// The file's header and records, as written.
    pub table: CsvTable,
    /// The features of every record, in file order.
    pub features: Features,
    /// Each record's label (`None` where it is missing) when the file has the label column.
    pub labels: Option<Vec<Option<String>>>,
    /// What the plan had to decide for cells its file did not have.
    pub notes: EncodeNotes,
}

/// Reads every record of the CSV file `path` with a known column `plan`: the plan's columns are
/// found by name (in any order, extra columns ignored) and encoded with its categories and
/// medians; the label column (`options.label`) may be absent.
///
/// # Errors
/// As [`read_task_csv`], and [`TaskCsvError::MissingColumns`] for a header without a column the
/// plan's features read.
pub fn read_rows_with_plan(
    path: &Path,
    options: &CsvOptions,
    plan: &ColumnPlan,
) -> Result<PlannedRows, TaskCsvError> {
    let text = read_text(path)?;
    rows_with_plan(&text, &source_name(path), options, plan)
}

/// As [`read_rows_with_plan`], from CSV `text`; `source` names it in errors.
///
/// # Errors
/// As [`read_rows_with_plan`].
pub fn rows_with_plan(
    text: &str,
    source: &str,
    options: &CsvOptions,
    plan: &ColumnPlan,
) -> Result<PlannedRows, TaskCsvError> {
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(text));
    let table = read_table(text, source, delimiter)?;
    if table.records.is_empty() {
        return Err(TaskCsvError::Empty { source_name: source.to_owned(), what: "no data rows" });
    }
    let positions = plan.positions_in(&table.header, source)?;
    let labels = options.label.index_in(&table.header).map(|at| {
        table
            .records
            .iter()
            .map(|r| {
                let cell = r.cells.get(at).map_or("", String::as_str);
                options.label_missing(cell).is_none().then(|| cell.trim().to_owned())
            })
            .collect()
    });
    let every: Vec<usize> = (0..table.records.len()).collect();
    let mut notes = EncodeNotes::default();
    let features = plan.encode(&table, &positions, &every, options, source, &mut notes)?;
    Ok(PlannedRows { table, features, labels, notes })
}

/// Reads a task from CSV `text`; `source` names it in errors.
///
/// # Errors
///
/// As [`read_task_csv`].
pub fn read_task_text(
    text: &str,
    source: &str,
    name: &str,
    options: &CsvOptions,
) -> Result<CsvTask, TaskCsvError> {
    let source_name = || source.to_owned();
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(text));
    let table = read_table(text, source, delimiter)?;
    let Some(label_at) = options.label.index_in(&table.header) else {
        return Err(TaskCsvError::NoLabelColumn {
            source_name: source_name(),
            wanted: options.label.describe(),
            found: table.header_list(),
        });
    };
    if table.header.len() < 2 {
        return Err(TaskCsvError::NoFeatures {
            source_name: source_name(),
            label: table.header.get(label_at).cloned().unwrap_or_default(),
        });
    }
    if table.records.is_empty() {
        return Err(TaskCsvError::Empty { source_name: source_name(), what: "no data rows" });
    }
    let decimal_comma = options.decimal_comma.unwrap_or_else(|| {
        delimiter != b','
            && sniff_decimal_comma(table.records.iter().flat_map(|r| {
                r.cells.iter().enumerate().filter(|(j, _)| *j != label_at).map(|(_, c)| c.as_str())
            }))
    });
    // Rows without a label are left out of everything, the typing included, and counted by why.
    let mut rows = Vec::with_capacity(table.records.len());
    let mut dropped_by: Vec<DroppedLabel> = Vec::new();
    for (r, record) in table.records.iter().enumerate() {
        match options.label_missing(record.cells.get(label_at).map_or("", String::as_str)) {
            None => rows.push(r),
            Some(why) => match dropped_by.iter_mut().find(|d| d.label == why) {
                Some(d) => d.rows += 1,
                None => dropped_by.push(DroppedLabel { label: why.to_owned(), rows: 1 }),
            },
        }
    }
    let plan = ColumnPlan {
        delimiter: delimiter_name(delimiter),
        decimal_comma,
        columns: plan_columns(&table, label_at, &rows, options, decimal_comma, source)?,
        dropped_rows: table.records.len() - rows.len(),
        dropped_by,
    };
    if rows.is_empty() {
        return Err(TaskCsvError::Empty { source_name: source_name(), what: "no row has a label" });
    }
    if rows.len() < MIN_ROWS {
        return Err(TaskCsvError::TooFewRows {
            source_name: source_name(),
            rows: rows.len(),
            min: MIN_ROWS,
        });
    }
    let (class_names, labels) = class_ids(
        rows.iter().map(|&r| table.records[r].cells.get(label_at).map_or("", |c| c.trim())),
    );
    if class_names.len() < 2 {
        return Err(TaskCsvError::SingleClass {
            source_name: source_name(),
            class: class_names.into_iter().next().unwrap_or_default(),
        });
    }
    let positions: Vec<Option<usize>> = (0..table.header.len()).map(Some).collect();
    let features =
        plan.encode(&table, &positions, &rows, options, source, &mut EncodeNotes::default())?;
    Ok(CsvTask { task: Task { name: name.to_owned(), class_names, labels, features }, plan })
}

/// Class names in order of first appearance and each label's index among them: how a task
/// numbers its classes.
pub fn class_ids<'a>(labels: impl Iterator<Item = &'a str>) -> (Vec<String>, Vec<u32>) {
    let mut class_names: Vec<String> = Vec::new();
    let mut class_index: HashMap<&'a str, u32> = HashMap::new();
    let ids = labels
        .map(|label| {
            let next = u32::try_from(class_names.len()).unwrap_or(u32::MAX);
            *class_index.entry(label).or_insert_with(|| {
                class_names.push(label.to_owned());
                next
            })
        })
        .collect();
    (class_names, ids)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::task::column_plan::ColumnKind;
    use crate::task::{Features, TaskKind};

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
        read_with(text, &CsvOptions { kind, ..CsvOptions::default() }).map(|r| r.task)
    }

    fn read_with(text: &str, options: &CsvOptions) -> Result<CsvTask, TaskCsvError> {
        read_task_bytes(text.as_bytes(), "t.csv", "t", options)
    }

    fn two_classes(i: usize) -> &'static str {
        if i.is_multiple_of(3) { "b" } else { "a" }
    }

    #[test]
    fn a_known_plan_encodes_another_file_as_the_training_file_was() {
        let train = csv_with("label,colour,x", |i| {
            format!("{},{},{i}", two_classes(i), ["red", "blue", "green"][i % 3])
        });
        let plan = read_with(&train, &CsvOptions::default()).unwrap().plan;
        // Another file without `green`, with a missing x, its columns in another order and one
        // more: on its own, it would be read with two colour columns; with the plan, with the
        // training file's three and its median.
        let other = csv_with("x,extra,label,colour", |i| {
            let x = if i == 4 { String::new() } else { i.to_string() };
            format!("{x},{i},{},{}", two_classes(i), ["red", "blue"][i % 2])
        });
        let alone = read_with(&other, &CsvOptions::default()).unwrap();
        let with = rows_with_plan(&other, "o.csv", &CsvOptions::default(), &plan).unwrap();
        let names = |f: &Features| match f {
            Features::Numeric { columns, .. } => columns.clone(),
            Features::Text(_) => Vec::new(),
        };
        assert_ne!(names(&alone.task.features), plan.feature_names());
        assert_eq!(names(&with.features), plan.feature_names());
        let Features::Numeric { values, .. } = &with.features else { panic!() };
        // Row 4 (red, x missing): the training file had no missing x, so no indicator column.
        assert_eq!(&values[4 * 4..5 * 4], &[1.0, 0.0, 0.0, 4.5]);
        assert_eq!(with.notes.lines().len(), 1, "{:?}", with.notes);
        assert_eq!(with.labels.as_ref().unwrap()[3].as_deref(), Some("b"));
        // Without the label column, every row is still encoded.
        let unlabelled = csv_with("x,colour", |i| format!("{i},purple"));
        let read = rows_with_plan(&unlabelled, "u.csv", &CsvOptions::default(), &plan).unwrap();
        assert!(read.labels.is_none());
        assert_eq!(
            read.notes.lines()[0],
            "column `colour`: 10 cells hold a category it never saw (first `purple`): read as none of the known ones"
        );
        // Without a column the features read: refused, naming it.
        let err = rows_with_plan(
            &other.replace("colour", "color"),
            "w.csv",
            &CsvOptions::default(),
            &plan,
        )
        .unwrap_err();
        assert!(matches!(err, TaskCsvError::MissingColumns { .. }), "{err}");
        assert!(err.to_string().starts_with("w.csv:1: the model reads column(s) colour,"), "{err}");
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
        assert!(
            e.to_string().starts_with(
                "t.csv:1: no label column `label` in the header (columns: class,x); name it with --label-column"
            ),
            "{e}"
        );
        let by_name = CsvOptions { label: LabelColumn::parse("class"), ..CsvOptions::default() };
        assert_eq!(read_with(&text, &by_name).unwrap().task.classes(), 2);
        let by_position = CsvOptions { label: LabelColumn::parse("1"), ..CsvOptions::default() };
        assert_eq!(read_with(&text, &by_position).unwrap().task.classes(), 2);
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
    fn a_stray_non_number_in_a_numeric_column_is_located() {
        let text = csv_with("label,x,y", |i| {
            format!("{},{i},{}", two_classes(i), if i == 4 { "abc" } else { "1" })
        });
        let e = read(&text, None).unwrap_err();
        assert!(e.to_string().starts_with("t.csv:6: column `y`: \"abc\" is not a number (if it means a missing value, add --na \"abc\""), "{e}");
        let e = read(&text, Some(TaskKind::Numeric)).unwrap_err();
        assert!(matches!(e, TaskCsvError::NonNumeric { line: 6, .. }), "{e}");
        // Said to be missing, it is.
        let na = CsvOptions { na: vec!["abc".into()], ..CsvOptions::default() };
        assert_eq!(read_with(&text, &na).unwrap().plan.columns[2].missing, 1);
    }

    #[test]
    fn missing_numbers_take_the_median_and_a_flag() {
        let text = csv_with("label,x,y", |i| {
            let x = match i {
                7 => "",
                8 => "NA",
                9 => " ? ",
                _ => ["4", "1", "3", "2", "9", "5", "6"][i],
            };
            format!("{},{x},1", two_classes(i))
        });
        let read = read_with(&text, &CsvOptions::default()).unwrap();
        assert_eq!(read.plan.columns[1].kind, ColumnKind::Numeric { median: 4.0, indicator: true });
        assert_eq!(read.plan.columns[1].missing, 3);
        let Features::Numeric { columns, .. } = &read.task.features else { panic!() };
        assert_eq!(columns, &["x", "x (missing)", "y"]);
        assert_eq!(read.task.numeric_row(0), &[4.0, 0.0, 1.0]);
        assert_eq!(read.task.numeric_row(8), &[4.0, 1.0, 1.0]);
    }

    #[test]
    fn categories_are_one_hot_with_missing_and_other() {
        let colours = ["red", "blue", "red", "green", "", "red", "blue", "teal", "red", "blue"];
        let text = csv_with("label,colour,x", |i| format!("{},{},{i}", two_classes(i), colours[i]));
        let read = read_with(&text, &CsvOptions::default()).unwrap();
        let ColumnKind::Categorical { categories, other } = &read.plan.columns[1].kind else {
            panic!("{:?}", read.plan.columns[1])
        };
        assert_eq!(categories, &["red", "blue", "green", "teal", "(missing)"]);
        assert!(!other);
        let Features::Numeric { columns, .. } = &read.task.features else { panic!() };
        assert_eq!(columns[..2], ["colour=red", "colour=blue"]);
        assert_eq!(read.task.numeric_row(4), &[0.0, 0.0, 0.0, 0.0, 1.0, 4.0]);
        // A numeric column of codes, said to be categorical.
        let codes = CsvOptions { categorical: vec!["x".into()], ..CsvOptions::default() };
        let read = read_with(&text, &codes).unwrap();
        assert!(matches!(read.plan.columns[2].kind, ColumnKind::Categorical { other: false, .. }));
        assert_eq!(read.task.feature_count(), 5 + 10);
    }

    #[test]
    fn rows_without_a_label_are_dropped_and_counted() {
        let mut text = csv_with("label,x", |i| format!("{},{i}", two_classes(i)));
        text.push_str(",5\r\nNA,6\r\n");
        let read = read_with(&text, &CsvOptions::default()).unwrap();
        assert_eq!(read.plan.dropped_rows, 1);
        assert_eq!(read.task.rows(), 11);
        // `NA` is a class unless named as a missing label.
        assert!(read.task.class_names.iter().any(|c| c == "NA"));
        let named = CsvOptions { label_na: vec!["NA".into()], ..CsvOptions::default() };
        let read = read_with(&text, &named).unwrap();
        assert_eq!(read.plan.dropped_rows, 2);
        assert_eq!(read.task.rows(), 10);
        assert_eq!(
            read.plan.dropped_note().unwrap(),
            "2 rows left out: 1 with an empty label, 1 labelled `NA` (--label-na)"
        );
    }

    #[test]
    fn identifiers_are_left_out_and_dates_read_as_days() {
        let text = {
            let mut s = String::from("id,when,label,x\n");
            for i in 0..30 {
                s.push_str(&format!(
                    "P{i:03},2021-03-{:02},{},{}\n",
                    1 + i % 28,
                    two_classes(i),
                    i % 7
                ));
            }
            s
        };
        let read = read_with(&text, &CsvOptions::default()).unwrap();
        assert_eq!(read.plan.columns[0].kind, ColumnKind::Identifier);
        assert!(matches!(read.plan.columns[1].kind, ColumnKind::Date { indicator: false, .. }));
        assert_eq!(read.task.numeric_row(0)[0], 18_687.0); // 2021-03-01
        let ignored = CsvOptions { ignore: vec!["when".into()], ..CsvOptions::default() };
        assert_eq!(read_with(&text, &ignored).unwrap().task.feature_count(), 1);
        let unknown = CsvOptions { ignore: vec!["nope".into()], ..CsvOptions::default() };
        let e = read_with(&text, &unknown).unwrap_err();
        assert!(e.to_string().contains("--ignore names column `nope`"), "{e}");
    }

    #[test]
    fn free_text_beside_other_columns_says_what_to_ignore() {
        let text = csv_with("label,review,stars", |i| {
            format!("{},\"this is a long review number {i} of the thing\",{i}", two_classes(i))
        });
        let e = read(&text, None).unwrap_err();
        assert!(matches!(e, TaskCsvError::MixedText { .. }), "{e}");
        assert!(
            e.to_string().contains("--ignore review") && e.to_string().contains("--ignore stars"),
            "{e}"
        );
        let ignored = CsvOptions { ignore: vec!["stars".into()], ..CsvOptions::default() };
        assert_eq!(read_with(&text, &ignored).unwrap().task.kind(), TaskKind::Text);
    }

    #[test]
    fn spreadsheet_exports_semicolons_and_decimal_commas() {
        let text = format!(
            "\u{feff}{}",
            csv_with("label;x;y", |i| format!("{};{i},5;-0,25", two_classes(i)))
        );
        let read = read_with(&text, &CsvOptions::default()).unwrap();
        assert_eq!((read.plan.delimiter.as_str(), read.plan.decimal_comma), (";", true));
        assert_eq!(read.task.numeric_row(3), &[3.5, -0.25]);
        let tabs = csv_with("label\tx", |i| format!("{}\t{i}", two_classes(i)));
        assert_eq!(read_with(&tabs, &CsvOptions::default()).unwrap().plan.delimiter, "TAB");
    }

    #[test]
    fn non_finite_values_are_rejected() {
        for bad in ["inf", "-infinity", "1e39"] {
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
        let offset = bytes.len() + 2;
        bytes.extend_from_slice(b"a,\xff\xfe\r\n");
        let e = read_task_bytes(&bytes, "t.csv", "t", &CsvOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("t.csv:12: not UTF-8 at byte {offset} (save the file as UTF-8)")
        );
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
            read(&csv_with("label,x", |i| format!("{},{i}", if i == 5 { "" } else { "a" })), None)
                .unwrap_err();
        assert!(matches!(e, TaskCsvError::TooFewRows { rows: 9, .. }), "{e}");
    }

    #[test]
    fn missing_file_is_an_io_error_naming_it() {
        let e = read_task_csv(Path::new("/nonexistent/x.csv"), "x", &CsvOptions::default())
            .unwrap_err();
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
                read_task_csv(&dir.join(format!("{name}.csv")), name, &CsvOptions::default())
                    .unwrap()
                    .task;
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
