//! How each column of a task CSV becomes features. Its type is decided from the whole column
//! (numbers, dates, categories, free text, an identifier) unless the user says otherwise;
//! missing values and categories are resolved once, here, so the plan stored with a task says
//! exactly how the file was encoded and can encode another file the same way.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::csv_error::TaskCsvError;
use super::csv_options::CsvOptions;
use super::csv_table::CsvTable;
use super::{Features, TaskKind};

/// One-hot columns a categorical column gets at most (its most frequent categories); the rest
/// share one `(other)` column.
pub const MAX_CATEGORIES: usize = 16;

/// Share of a column's present cells that must be numbers for a stray non-number to be an
/// error (a typo, or a missing-value marker the user should name) rather than a category.
pub const MOSTLY_NUMERIC: f64 = 0.9;

/// Free text: cells of at least this many characters on average...
pub const TEXT_MEAN_CHARS: f64 = 20.0;

/// ...most of them with a blank inside.
pub const TEXT_SPACED_SHARE: f64 = 0.5;

/// Fewest rows for a column unique on every row to be taken for an identifier.
pub const IDENTIFIER_MIN_ROWS: usize = 20;

/// The category a missing cell of a categorical column falls in.
pub const MISSING_CATEGORY: &str = "(missing)";

/// The one-hot column of the categories beyond [`MAX_CATEGORIES`].
pub const OTHER_CATEGORY: &str = "(other)";

/// What a column is and how it is encoded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnKind {
    /// The labels.
    Label,
    /// Numbers. A missing cell takes `median` (of the file's present cells), and when the column
    /// has any, a 0/1 column `NAME (missing)` follows.
    Numeric {
        /// Value of a missing cell.
        median: f32,
        /// Whether a missing-indicator column follows.
        indicator: bool,
    },
    /// ISO 8601 dates (`2021-03-04`, optionally `T12:30[:00]`), as days since 1970-01-01; missing
    /// cells as for numbers.
    Date {
        /// Value of a missing cell.
        median: f32,
        /// Whether a missing-indicator column follows.
        indicator: bool,
    },
    /// One 0/1 column `NAME=CATEGORY` per category, most frequent first (a missing cell is the
    /// category `(missing)`), then `NAME=(other)` when the column has more than
    /// [`MAX_CATEGORIES`].
    Categorical {
        /// The categories with a column of their own.
        categories: Vec<String>,
        /// Whether an `(other)` column follows.
        other: bool,
    },
    /// Free text: the task's one text column.
    Text,
    /// Strings unique on every row, like a key: left out.
    Identifier,
    /// Left out by `--ignore`, or empty on every row.
    Ignored,
}

impl ColumnKind {
    /// Whether the features read this column.
    #[must_use]
    pub const fn is_feature(&self) -> bool {
        matches!(
            self,
            Self::Numeric { .. } | Self::Date { .. } | Self::Categorical { .. } | Self::Text
        )
    }

    /// What a person reads in a table.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Label => "label",
            Self::Numeric { .. } => "numeric",
            Self::Date { .. } => "date",
            Self::Categorical { .. } => "categorical",
            Self::Text => "text",
            Self::Identifier => "identifier",
            Self::Ignored => "ignored",
        }
    }
}

/// One column of the file and what was done with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedColumn {
    /// Header name.
    pub name: String,
    /// Its type and encoding.
    #[serde(flatten)]
    pub kind: ColumnKind,
    /// Missing cells in the file.
    pub missing: usize,
    /// What was done, for a person.
    pub action: String,
}

/// How a CSV file was read: its dialect, each column's plan, and the rows left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnPlan {
    /// The cell separator (`,`, `;`, `TAB`, `|`).
    pub delimiter: String,
    /// Whether decimals were written with a comma.
    pub decimal_comma: bool,
    /// Every column of the header, in file order.
    pub columns: Vec<PlannedColumn>,
    /// Rows left out because their label is missing.
    pub dropped_rows: usize,
    /// Why they were left out: the label cell (empty, or a `--label-na` marker) and its rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_by: Vec<DroppedLabel>,
}

/// Rows left out for one kind of missing label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedLabel {
    /// The label cell: empty, or the `--label-na` marker it matched.
    pub label: String,
    /// Rows left out for it.
    pub rows: usize,
}

impl ColumnPlan {
    /// The label column's header name.
    #[must_use]
    pub fn label_name(&self) -> Option<&str> {
        self.columns.iter().find(|c| c.kind == ColumnKind::Label).map(|c| c.name.as_str())
    }

    /// Rows left out and why, for a person (`None` when none was).
    #[must_use]
    pub fn dropped_note(&self) -> Option<String> {
        if self.dropped_rows == 0 {
            return None;
        }
        let reasons: Vec<String> = self
            .dropped_by
            .iter()
            .map(|d| match d.label.as_str() {
                "" => format!("{} with an empty label", d.rows),
                marker => format!("{} labelled `{marker}` (--label-na)", d.rows),
            })
            .collect();
        Some(format!("{} rows left out: {}", self.dropped_rows, reasons.join(", ")))
    }

    /// Where each planned column is in `header`, found by name (a file may order its columns
    /// otherwise, or add some): `None` for a column the features do not read (the label, an
    /// identifier, an ignored one) that the file lacks.
    ///
    /// # Errors
    /// [`TaskCsvError::MissingColumns`] naming every feature column the header lacks.
    pub fn positions_in(
        &self,
        header: &[String],
        source: &str,
    ) -> Result<Vec<Option<usize>>, TaskCsvError> {
        let positions: Vec<Option<usize>> =
            self.columns.iter().map(|c| header.iter().position(|h| *h == c.name)).collect();
        let missing: Vec<&str> = self
            .columns
            .iter()
            .zip(&positions)
            .filter(|(c, at)| at.is_none() && c.kind.is_feature())
            .map(|(c, _)| c.name.as_str())
            .collect();
        if missing.is_empty() {
            return Ok(positions);
        }
        Err(TaskCsvError::MissingColumns {
            source_name: source.to_owned(),
            missing: missing.join(", "),
            found: header.join(","),
        })
    }

    /// The numeric features' names, in the order the encoded values follow.
    #[must_use]
    pub fn feature_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for c in &self.columns {
            match &c.kind {
                ColumnKind::Numeric { indicator, .. } | ColumnKind::Date { indicator, .. } => {
                    names.push(c.name.clone());
                    if *indicator {
                        names.push(format!("{} (missing)", c.name));
                    }
                }
                ColumnKind::Categorical { categories, other } => {
                    names.extend(categories.iter().map(|k| format!("{}={k}", c.name)));
                    if *other {
                        names.push(format!("{}={OTHER_CATEGORY}", c.name));
                    }
                }
                ColumnKind::Label
                | ColumnKind::Text
                | ColumnKind::Identifier
                | ColumnKind::Ignored => {}
            }
        }
        names
    }

    /// The features of `rows` (indices into `table.records`) under this plan, each planned
    /// column read at its `positions` entry ([`Self::positions_in`]); what the plan had to decide
    /// for cells it never saw is counted in `notes`.
    ///
    /// # Errors
    /// A cell a numeric or date column cannot read ([`TaskCsvError::NonNumeric`],
    /// [`TaskCsvError::NonFinite`]), located in `source`.
    pub fn encode(
        &self,
        table: &CsvTable,
        positions: &[Option<usize>],
        rows: &[usize],
        options: &CsvOptions,
        source: &str,
        notes: &mut EncodeNotes,
    ) -> Result<Features, TaskCsvError> {
        fn cell_of<'r>(
            record: &'r super::csv_table::Record,
            positions: &[Option<usize>],
            j: usize,
        ) -> Option<&'r str> {
            positions
                .get(j)
                .copied()
                .flatten()
                .and_then(|at| record.cells.get(at))
                .map(String::as_str)
        }
        if let Some(text_at) = self.columns.iter().position(|c| c.kind == ColumnKind::Text) {
            let texts = rows
                .iter()
                .map(|&r| {
                    table
                        .records
                        .get(r)
                        .and_then(|rec| cell_of(rec, positions, text_at))
                        .map(str::to_owned)
                        .unwrap_or_default()
                })
                .collect();
            return Ok(Features::Text(texts));
        }
        let mut values = Vec::new();
        for &r in rows {
            let Some(record) = table.records.get(r) else { continue };
            for (j, c) in self.columns.iter().enumerate() {
                let cell = cell_of(record, positions, j).unwrap_or("");
                let missing = options.is_missing(cell);
                match &c.kind {
                    ColumnKind::Numeric { median, indicator }
                    | ColumnKind::Date { median, indicator } => {
                        let value = if missing {
                            if !*indicator {
                                notes.unseen(&c.name, "missing", cell);
                            }
                            *median
                        } else if matches!(c.kind, ColumnKind::Date { .. }) {
                            parse_date_days(cell)
                                .ok_or_else(|| non_number(source, record.line, &c.name, cell))?
                        } else {
                            finite_number(cell, self.decimal_comma, source, record.line, &c.name)?
                        };
                        values.push(value);
                        if *indicator {
                            values.push(if missing { 1.0 } else { 0.0 });
                        }
                    }
                    ColumnKind::Categorical { categories, other } => {
                        let key = if missing { MISSING_CATEGORY } else { cell.trim() };
                        let at = categories.iter().position(|k| k == key);
                        if at.is_none() && !*other {
                            notes.unseen(&c.name, "a category it never saw", key);
                        }
                        values.extend(
                            categories
                                .iter()
                                .enumerate()
                                .map(|(i, _)| f32::from(u8::from(at == Some(i)))),
                        );
                        if *other {
                            values.push(f32::from(u8::from(at.is_none())));
                        }
                    }
                    ColumnKind::Label
                    | ColumnKind::Text
                    | ColumnKind::Identifier
                    | ColumnKind::Ignored => {}
                }
            }
        }
        Ok(Features::Numeric { columns: self.feature_names(), values })
    }
}

/// What encoding a file with a stored plan met that the plan's file did not have: per column,
/// cells missing where the training file had none (read as its median) and categories it never
/// saw (read as none of the known ones). Counted, so a user is told rather than surprised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EncodeNotes {
    /// `(column, what, first cell, cells)`, in the order first met.
    pub unseen: Vec<(String, &'static str, String, usize)>,
}

impl EncodeNotes {
    fn unseen(&mut self, column: &str, what: &'static str, cell: &str) {
        match self.unseen.iter_mut().find(|(c, w, _, _)| c == column && *w == what) {
            Some(entry) => entry.3 += 1,
            None => self.unseen.push((column.to_owned(), what, cell.trim().to_owned(), 1)),
        }
    }

    /// One line per column and kind, for a person.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        self.unseen
            .iter()
            .map(|(column, what, first, cells)| match *what {
                "missing" => format!(
                    "column `{column}`: {cells} missing cells, none in the training file: read as \
                     its median"
                ),
                _ => format!(
                    "column `{column}`: {cells} cells hold {what} (first `{first}`): read as none \
                     of the known ones"
                ),
            })
            .collect()
    }
}

/// Types every column of `table` (the label at `label_at`) from its cells in `rows` (the
/// labelled records) and the user's `options`; `decimal_comma` is the dialect's.
///
/// # Errors
/// A column that is mostly numbers but holds a non-number, a non-finite number, a free-text
/// column beside other features, a forced kind the columns do not fit, or no feature left.
pub fn plan_columns(
    table: &CsvTable,
    label_at: usize,
    rows: &[usize],
    options: &CsvOptions,
    decimal_comma: bool,
    source: &str,
) -> Result<Vec<PlannedColumn>, TaskCsvError> {
    for (option, names) in [
        ("--ignore", options.ignore.as_slice()),
        ("--categorical", options.categorical.as_slice()),
        ("--text", options.text.as_slice()),
    ] {
        if let Some(unknown) = names.iter().find(|n| !table.header.contains(n)) {
            return Err(TaskCsvError::UnknownColumn {
                source_name: source.to_owned(),
                option,
                column: unknown.clone(),
                found: table.header_list(),
            });
        }
    }
    let mut columns = Vec::with_capacity(table.header.len());
    let mut lone_text_candidates = Vec::new();
    for (j, name) in table.header.iter().enumerate() {
        if j == label_at {
            columns.push(PlannedColumn {
                name: name.clone(),
                kind: ColumnKind::Label,
                missing: 0,
                action: "labels".into(),
            });
            continue;
        }
        let cells: Vec<(&str, u64)> = rows
            .iter()
            .filter_map(|&r| table.records.get(r))
            .map(|rec| (rec.cells.get(j).map_or("", String::as_str), rec.line))
            .collect();
        let (column, strings) = type_column(name, &cells, options, decimal_comma, source)?;
        if strings {
            lone_text_candidates.push(j);
        }
        columns.push(column);
    }
    settle_task_kind(&mut columns, &lone_text_candidates, table, label_at, options, source)?;
    Ok(columns)
}

/// Decides one column from its cells (`(cell, line)` of the labelled rows); the flag says the
/// column was typed from strings (categories, free text, or unique strings), so that alone it
/// is a text task.
fn type_column(
    name: &str,
    cells: &[(&str, u64)],
    options: &CsvOptions,
    decimal_comma: bool,
    source: &str,
) -> Result<(PlannedColumn, bool), TaskCsvError> {
    let planned = |kind: ColumnKind, missing: usize, action: String| PlannedColumn {
        name: name.to_owned(),
        kind,
        missing,
        action,
    };
    if options.ignore.iter().any(|n| n == name) {
        return Ok((planned(ColumnKind::Ignored, 0, "left out (--ignore)".into()), false));
    }
    let present: Vec<(&str, u64)> =
        cells.iter().copied().filter(|(c, _)| !options.is_missing(c)).collect();
    let missing = cells.len() - present.len();
    if options.text.as_deref() == Some(name) {
        return Ok((planned(ColumnKind::Text, missing, "free text (--text)".into()), true));
    }
    if options.categorical.iter().any(|n| n == name) {
        return Ok((categorical(name, &present, missing, "(--categorical)"), false));
    }
    if present.is_empty() {
        return Ok((
            planned(ColumnKind::Ignored, missing, "left out: no value on any row".into()),
            false,
        ));
    }
    let mut numbers = Vec::with_capacity(present.len());
    let mut first_non_number = None;
    for &(cell, line) in &present {
        match parse_number(cell, decimal_comma) {
            Some(x) if x.is_finite() => numbers.push(x),
            Some(_) => {
                return Err(TaskCsvError::NonFinite {
                    source_name: source.to_owned(),
                    line,
                    column: name.to_owned(),
                    value: cell.to_owned(),
                });
            }
            None => {
                first_non_number.get_or_insert((cell, line));
            }
        }
    }
    let Some((bad, bad_line)) = first_non_number else {
        let median = median(&numbers);
        // Numbers stay numbers (the bundled tasks' stored form depends on it); a row number is
        // only pointed out.
        let what = if missing == 0 && is_row_number(&numbers) {
            "numbers (1, 2, 3, ... on the rows: if it is an identifier, --ignore it)"
        } else {
            "numbers"
        };
        let action = fill_action(what, missing, median);
        return Ok((
            planned(ColumnKind::Numeric { median, indicator: missing > 0 }, missing, action),
            false,
        ));
    };
    let share = numbers.len() as f64 / present.len() as f64;
    if options.kind == Some(TaskKind::Numeric) || share >= MOSTLY_NUMERIC {
        return Err(non_number(source, bad_line, name, bad));
    }
    let dates: Option<Vec<f32>> = present.iter().map(|(c, _)| parse_date_days(c)).collect();
    if let Some(days) = dates {
        let median = median(&days);
        let action = fill_action("dates, as days since 1970-01-01", missing, median);
        return Ok((
            planned(ColumnKind::Date { median, indicator: missing > 0 }, missing, action),
            false,
        ));
    }
    let mean_chars = present.iter().map(|(c, _)| c.trim().chars().count()).sum::<usize>() as f64
        / present.len() as f64;
    let spaced = present.iter().filter(|(c, _)| c.trim().contains(char::is_whitespace)).count()
        as f64
        / present.len() as f64;
    if mean_chars >= TEXT_MEAN_CHARS && spaced >= TEXT_SPACED_SHARE {
        return Ok((planned(ColumnKind::Text, missing, "free text".into()), true));
    }
    let mut distinct: Vec<&str> = present.iter().map(|(c, _)| c.trim()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if missing == 0 && distinct.len() == present.len() && present.len() >= IDENTIFIER_MIN_ROWS {
        return Ok((
            planned(ColumnKind::Identifier, 0, "left out: a different value on every row".into()),
            true,
        ));
    }
    Ok((categorical(name, &present, missing, ""), true))
}

/// A categorical column from its present cells.
fn categorical(name: &str, present: &[(&str, u64)], missing: usize, why: &str) -> PlannedColumn {
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for (i, (cell, _)) in present.iter().enumerate() {
        counts.entry(cell.trim()).or_insert((0, i)).0 += 1;
    }
    if missing > 0 {
        counts.insert(MISSING_CATEGORY, (missing, usize::MAX));
    }
    let mut ranked: Vec<(&str, (usize, usize))> = counts.into_iter().collect();
    // Most frequent first; ties by first appearance (missing last).
    ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
    let other = ranked.len() > MAX_CATEGORIES;
    let categories: Vec<String> =
        ranked.iter().take(MAX_CATEGORIES).map(|(k, _)| (*k).to_owned()).collect();
    let mut action = format!("{} categories, one-hot", ranked.len());
    if other {
        action =
            format!("{action}: the {MAX_CATEGORIES} most frequent, the rest as {OTHER_CATEGORY}");
    }
    if missing > 0 {
        action.push_str(&format!("; missing as {MISSING_CATEGORY}"));
    }
    if !why.is_empty() {
        action.push_str(&format!(" {why}"));
    }
    PlannedColumn {
        name: name.to_owned(),
        kind: ColumnKind::Categorical { categories, other },
        missing,
        action,
    }
}

/// Makes the columns one task: one text column alone, or numbers, dates and categories.
/// `from_strings` lists the columns typed from strings.
fn settle_task_kind(
    columns: &mut [PlannedColumn],
    from_strings: &[usize],
    table: &CsvTable,
    label_at: usize,
    options: &CsvOptions,
    source: &str,
) -> Result<(), TaskCsvError> {
    let candidates: Vec<usize> = (0..columns.len())
        .filter(|&j| !matches!(columns[j].kind, ColumnKind::Label | ColumnKind::Ignored))
        .collect();
    if options.kind == Some(TaskKind::Text) {
        let [only] = candidates.as_slice() else {
            return Err(TaskCsvError::TextColumns {
                source_name: source.to_owned(),
                found: candidates.len(),
            });
        };
        if columns[*only].kind != ColumnKind::Text {
            columns[*only].kind = ColumnKind::Text;
            columns[*only].action = "free text (--kind text)".into();
        }
        return Ok(());
    }
    // One column of strings and nothing else is a text task, as archrank always read it: short
    // texts such as intents are unique on every row or repeat like categories.
    if let [only] = candidates.as_slice()
        && from_strings.contains(only)
        && columns[*only].kind != ColumnKind::Text
    {
        columns[*only].kind = ColumnKind::Text;
        columns[*only].action = "free text (the only feature column)".into();
    }
    // The features: every candidate but the identifiers left out.
    let kept: Vec<usize> =
        candidates.iter().copied().filter(|&j| columns[j].kind != ColumnKind::Identifier).collect();
    if kept.is_empty() {
        return Err(TaskCsvError::NoFeatures {
            source_name: source.to_owned(),
            label: table.header.get(label_at).cloned().unwrap_or_default(),
        });
    }
    if let Some(&text) = kept.iter().find(|&&j| columns[j].kind == ColumnKind::Text)
        && kept.len() > 1
    {
        let others: Vec<&str> =
            kept.iter().filter(|&&j| j != text).map(|&j| columns[j].name.as_str()).collect();
        return Err(TaskCsvError::MixedText {
            source_name: source.to_owned(),
            text: columns[text].name.clone(),
            others: others.join(","),
        });
    }
    Ok(())
}

/// Parses a number cell: optional sign, decimals, optional exponent, blanks around ignored; with
/// `decimal_comma`, `3,5` is 3.5 and a point is not accepted. NaN and infinities parse, so
/// that the caller can say what is wrong with them.
#[must_use]
pub fn parse_number(text: &str, decimal_comma: bool) -> Option<f32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if decimal_comma {
        if text.contains('.') {
            return None;
        }
        return text.replacen(',', ".", 1).parse::<f32>().ok();
    }
    text.parse::<f32>().ok()
}

/// A finite number, or the located error.
fn finite_number(
    cell: &str,
    decimal_comma: bool,
    source: &str,
    line: u64,
    column: &str,
) -> Result<f32, TaskCsvError> {
    match parse_number(cell, decimal_comma) {
        Some(x) if x.is_finite() => Ok(x),
        Some(_) => Err(TaskCsvError::NonFinite {
            source_name: source.to_owned(),
            line,
            column: column.to_owned(),
            value: cell.to_owned(),
        }),
        None => Err(non_number(source, line, column, cell)),
    }
}

fn non_number(source: &str, line: u64, column: &str, cell: &str) -> TaskCsvError {
    TaskCsvError::NonNumeric {
        source_name: source.to_owned(),
        line,
        column: column.to_owned(),
        value: cell.to_owned(),
    }
}

/// Days since 1970-01-01 of an ISO 8601 date `YYYY-MM-DD`, optionally followed by `T` or a blank
/// and `HH:MM[:SS[.fff]]` and an optional `Z`.
#[must_use]
pub fn parse_date_days(text: &str) -> Option<f32> {
    let text = text.trim().trim_end_matches('Z');
    let (date, time) = match text.find(['T', ' ']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let digits =
        |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<i64>().ok()).flatten();
    let (y, m, d) = (digits(y)?, digits(m)?, digits(d)?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let mut days = days_from_civil(y, m, d) as f64;
    if let Some(time) = time {
        let mut hms = time.split(':');
        let h = digits(hms.next()?)?;
        let min = digits(hms.next()?)?;
        let s: f64 = match hms.next() {
            Some(s) if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') => s.parse().ok()?,
            Some(_) => return None,
            None => 0.0,
        };
        if hms.next().is_some() || h > 23 || min > 59 || s >= 61.0 {
            return None;
        }
        days += (h as f64 * 3600.0 + min as f64 * 60.0 + s) / 86_400.0;
    }
    Some(days as f32)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether `values` are the row numbers k, k+1, ... (in any order) of at least
/// [`IDENTIFIER_MIN_ROWS`] rows.
fn is_row_number(values: &[f32]) -> bool {
    if values.len() < IDENTIFIER_MIN_ROWS || values.iter().any(|v| v.fract() != 0.0) {
        return false;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    sorted.windows(2).all(|w| w[1] - w[0] == 1.0)
}

/// Median of finite `values` (the mean of the middle two for an even count); 0 for none.
fn median(values: &[f32]) -> f32 {
    let mut v = values.to_vec();
    v.sort_by(f32::total_cmp);
    let n = v.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => v[n / 2],
        _ => ((f64::from(v[n / 2 - 1]) + f64::from(v[n / 2])) / 2.0) as f32,
    }
}

fn fill_action(what: &str, missing: usize, median: f32) -> String {
    if missing == 0 {
        what.to_owned()
    } else {
        format!("{what}; {missing} missing set to the median {median} and flagged in a 0/1 column")
    }
}
