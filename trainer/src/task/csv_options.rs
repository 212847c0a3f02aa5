//! What a user may say about a task CSV: which column is the label, the dialect, which cells
//! mean "missing", and column types that override the typing.

use serde::{Deserialize, Serialize};

use super::TaskKind;

/// The label column's name when none is given.
pub const DEFAULT_LABEL_COLUMN: &str = "label";

/// Cells that mean "missing" unless `--na` says otherwise (compared after trimming blanks;
/// the empty cell is always missing). Letters compare case-insensitively.
pub const DEFAULT_NA: [&str; 7] = ["NA", "N/A", "NaN", "null", "None", "?", "-"];

/// Which column holds the labels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LabelColumn {
    /// The column with this header name.
    Name(String),
    /// The column at this 1-based position; negative counts from the right (-1 is the last).
    Position(i64),
}

impl LabelColumn {
    /// A header name, or a column number when `text` is an integer (`3`, `-1`) and no column
    /// is named so (the caller checks the header).
    #[must_use]
    pub fn parse(text: &str) -> Self {
        match text.trim().parse::<i64>() {
            Ok(p) if p != 0 => Self::Position(p),
            _ => Self::Name(text.trim().to_owned()),
        }
    }

    /// The 0-based index of this column in `header`: a column named exactly as given wins over
    /// a position.
    #[must_use]
    pub fn index_in(&self, header: &[String]) -> Option<usize> {
        match self {
            Self::Name(name) => header.iter().position(|c| c == name),
            Self::Position(p) => {
                let as_name = p.to_string();
                if let Some(i) = header.iter().position(|c| *c == as_name) {
                    return Some(i);
                }
                let n = i64::try_from(header.len()).ok()?;
                let i = if *p > 0 { p - 1 } else { n + p };
                usize::try_from(i).ok().filter(|&i| i < header.len())
            }
        }
    }

    /// As the user wrote it.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Name(name) => name.clone(),
            Self::Position(p) => format!("column number {p}"),
        }
    }
}

impl Default for LabelColumn {
    fn default() -> Self {
        Self::Name(DEFAULT_LABEL_COLUMN.to_owned())
    }
}

/// Everything a user may say about how to read a task CSV; the default reads a plain file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// The label column.
    pub label: LabelColumn,
    /// Force numeric (every kept column must be numbers) or text (one kept column, free text).
    pub kind: Option<TaskKind>,
    /// The delimiter; sniffed among `,` `;` TAB `|` when `None`.
    pub delimiter: Option<u8>,
    /// Decimal commas; sniffed when `None` (only for a delimiter other than `,`).
    pub decimal_comma: Option<bool>,
    /// Missing-value markers of feature cells; [`DEFAULT_NA`] when empty. The empty cell is
    /// always missing.
    pub na: Vec<String>,
    /// Label cells that mean "no label" besides the empty one (compared exactly, after
    /// trimming). None by default: a label reading `None`, `NA` or `?` is a class.
    pub label_na: Vec<String>,
    /// Columns to read as categories whatever they hold.
    pub categorical: Vec<String>,
    /// A column to read as free text whatever it holds.
    pub text: Option<String>,
    /// Columns to leave out.
    pub ignore: Vec<String>,
}

impl CsvOptions {
    /// Whether the trimmed `cell` is a missing-value marker.
    #[must_use]
    pub fn is_missing(&self, cell: &str) -> bool {
        let cell = cell.trim();
        if cell.is_empty() {
            return true;
        }
        if self.na.is_empty() {
            DEFAULT_NA.iter().any(|m| m.eq_ignore_ascii_case(cell))
        } else {
            self.na.iter().any(|m| m.trim() == cell)
        }
    }

    /// Why the trimmed label `cell` is no label: `Some("")` for the empty cell, `Some(marker)`
    /// for a marker of [`Self::label_na`], `None` for a class.
    #[must_use]
    pub fn label_missing<'a>(&'a self, cell: &'a str) -> Option<&'a str> {
        let cell = cell.trim();
        if cell.is_empty() {
            return Some("");
        }
        self.label_na.iter().map(|m| m.trim()).find(|m| *m == cell)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn label_column_by_name_or_position() {
        let header: Vec<String> =
            ["a", "label", "2", "c"].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(LabelColumn::default().index_in(&header), Some(1));
        assert_eq!(LabelColumn::parse("c").index_in(&header), Some(3));
        assert_eq!(LabelColumn::parse("1").index_in(&header), Some(0));
        assert_eq!(LabelColumn::parse("-1").index_in(&header), Some(3));
        // A column named "2" wins over the second position.
        assert_eq!(LabelColumn::parse("2").index_in(&header), Some(2));
        assert_eq!(LabelColumn::parse("5").index_in(&header), None);
        assert_eq!(LabelColumn::parse("-5").index_in(&header), None);
        assert_eq!(LabelColumn::parse("0"), LabelColumn::Name("0".into()));
    }

    #[test]
    fn missing_markers() {
        let default = CsvOptions::default();
        for cell in ["", "  ", "NA", "na", "N/A", "nan", "NULL", "None", "?", " - "] {
            assert!(default.is_missing(cell), "{cell:?}");
        }
        for cell in ["0", "n", "-1", "none of these"] {
            assert!(!default.is_missing(cell), "{cell:?}");
        }
        let custom = CsvOptions { na: vec!["-999".into()], ..CsvOptions::default() };
        assert!(custom.is_missing("-999") && custom.is_missing(""));
        assert!(!custom.is_missing("NA"));
    }

    #[test]
    fn a_label_is_missing_only_when_empty_or_named() {
        let default = CsvOptions::default();
        assert_eq!(default.label_missing(" "), Some(""));
        for class in ["None", "NONE", "NA", "?", "-", "null"] {
            assert_eq!(default.label_missing(class), None, "{class}");
        }
        let named = CsvOptions { label_na: vec!["unknown".into()], ..CsvOptions::default() };
        assert_eq!(named.label_missing(" unknown "), Some("unknown"));
        assert_eq!(named.label_missing("None"), None);
    }
}
