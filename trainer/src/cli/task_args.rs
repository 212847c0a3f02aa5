//! Where a command's task comes from and how its CSV is read: the CSV options, a CSV or a
//! database task, a device's samples, and which rows of the split.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::DEFAULT_DB;

/// Kind of task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Every feature column is numeric.
    Numeric,
    /// One text column.
    Text,
}

/// How to read a task CSV (shared by every command that reads one).
#[derive(Debug, Args, Clone, Default)]
pub struct CsvArgs {
    /// The label column: a header name, or a column number (1 is the first, -1 the last).
    /// Default: `label`, or for `predict` the column the model was trained with.
    #[arg(long, allow_negative_numbers = true)]
    pub label_column: Option<String>,
    /// Cell delimiter: `,` `;` `tab` `|` or any one character (default: sniffed among , ; TAB |).
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Decimal mark, `.` or `,` (default: `,` when the delimiter is not a comma and numbers are
    /// written like 3,5).
    #[arg(long, value_parser = parse_decimal)]
    pub decimal: Option<bool>,
    /// Missing-value markers of feature cells, comma-separated; replaces the defaults
    /// NA,N/A,NaN,null,None,?,- (letters in any case). The empty cell is always missing.
    #[arg(long, value_delimiter = ',')]
    pub na: Vec<String>,
    /// Label cells that mean "no label", comma-separated (compared exactly): their rows are left
    /// out. Only an empty label is missing otherwise; `None`, `NA` or `?` is a class.
    #[arg(long, value_delimiter = ',')]
    pub label_na: Vec<String>,
    /// Columns to read as categories whatever they hold (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// A column to read as free text whatever it holds.
    #[arg(long)]
    pub text: Option<String>,
    /// Columns to leave out (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
}

impl CsvArgs {
    /// The reading options, with `kind` forced or not.
    #[must_use]
    pub fn options(
        &self,
        kind: Option<crate::task::TaskKind>,
    ) -> crate::task::task_csv::CsvOptions {
        crate::task::task_csv::CsvOptions {
            label: self
                .label_column
                .as_deref()
                .map_or_else(Default::default, crate::task::task_csv::LabelColumn::parse),
            kind,
            delimiter: self.delimiter,
            decimal_comma: self.decimal,
            na: self.na.clone(),
            label_na: self.label_na.clone(),
            categorical: self.categorical.clone(),
            text: self.text.clone(),
            ignore: self.ignore.clone(),
        }
    }
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "TAB" | "\\t" | "\t" => Ok(b'\t'),
        _ => match text.as_bytes() {
            [b] if b.is_ascii()
                && !b.is_ascii_alphanumeric()
                && *b != b'"'
                && *b != b'\n'
                && *b != b'\r' =>
            {
                Ok(*b)
            }
            _ => Err(format!(
                "`{text}` is not a delimiter (one ASCII punctuation character, or `tab`)"
            )),
        },
    }
}

fn parse_decimal(text: &str) -> Result<bool, String> {
    match text {
        "." => Ok(false),
        "," => Ok(true),
        _ => Err(format!("`{text}` is not a decimal mark (`.` or `,`)")),
    }
}

/// Which rows of a task (its database split: the same for a CSV as once stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    /// Every row.
    All,
    /// The training rows.
    Train,
    /// The validation rows.
    Validation,
    /// The test rows.
    Test,
    /// The training and validation rows: what a device holding the task trains on.
    TrainValidation,
}

impl SplitArg {
    /// As the option is written.
    #[must_use]
    pub fn name(self) -> String {
        self.to_possible_value().map_or_else(String::new, |v| v.get_name().to_owned())
    }
}

/// A task from a CSV file or from a database (with the database's split either way).
#[derive(Debug, Args)]
pub struct TaskSourceArgs {
    /// A task CSV (`-` reads standard input).
    #[arg(long, conflicts_with = "db_task", required_unless_present = "db_task")]
    pub task: Option<PathBuf>,
    /// How to read --task.
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Experiment database holding --db-task.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// A task stored in --db.
    #[arg(long)]
    pub db_task: Option<String>,
}

/// A task from a CSV file or a database, or a device's samples.
#[derive(Debug, Args)]
pub struct TaskOrSamplesArgs {
    /// A task CSV (`-` reads standard input; `.csv.gz` is read directly).
    #[arg(long, conflicts_with_all = ["db_task", "samples"], required_unless_present_any = ["db_task", "samples"])]
    pub task: Option<PathBuf>,
    /// How to read --task.
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Experiment database holding --db-task.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// A task stored in --db.
    #[arg(long, conflicts_with = "samples")]
    pub db_task: Option<String>,
    /// A samples file written by `archrank export-samples` (what a device holds).
    #[arg(long)]
    pub samples: Option<PathBuf>,
}

impl TaskOrSamplesArgs {
    /// The task source (--task or --db-task), when no samples file is given.
    #[must_use]
    pub fn task_source(&self) -> TaskSourceArgs {
        TaskSourceArgs {
            task: self.task.clone(),
            csv: self.csv.clone(),
            db: self.db.clone(),
            db_task: self.db_task.clone(),
        }
    }
}
