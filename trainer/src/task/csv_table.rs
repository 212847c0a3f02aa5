//! A CSV's records as a table of cells with each record's line, read whole so that every column
//! can be typed from all its cells.

use super::csv_error::TaskCsvError;

/// One record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// 1-based line where the record starts.
    pub line: u64,
    /// Its cells as written (not trimmed), one per header column.
    pub cells: Vec<String>,
}

/// A CSV file: header and records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvTable {
    /// Header names, trimmed; unique.
    pub header: Vec<String>,
    /// The records, each as long as the header.
    pub records: Vec<Record>,
}

impl CsvTable {
    /// The header's names joined for a message.
    #[must_use]
    pub fn header_list(&self) -> String {
        self.header.join(",")
    }
}

/// Reads RFC 4180 `text` with a header row, cells separated by `delimiter`.
///
/// # Errors
/// [`TaskCsvError::Empty`] without a header, [`TaskCsvError::DuplicateColumn`],
/// [`TaskCsvError::RaggedRow`] or [`TaskCsvError::Csv`], each naming `source` and the line.
pub fn read_table(text: &str, source: &str, delimiter: u8) -> Result<CsvTable, TaskCsvError> {
    let source_name = || source.to_owned();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| csv_error(source, 1, &e))?.clone();
    if header.is_empty() {
        return Err(TaskCsvError::Empty { source_name: source_name(), what: "no header row" });
    }
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for cell in &header {
        let name = cell.trim().to_owned();
        if names.contains(&name) {
            return Err(TaskCsvError::DuplicateColumn { source_name: source_name(), column: name });
        }
        names.push(name);
    }
    let mut records = Vec::new();
    let mut lines = LineCounter { bytes: text.as_bytes(), offset: 0, line: 1 };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = lines.line_at(e.position().map_or(0, csv::Position::byte));
                return Err(csv_error(source, line, &e));
            }
        }
        let line = lines.line_at(record.position().map_or(0, csv::Position::byte));
        if record.len() != names.len() {
            return Err(TaskCsvError::RaggedRow {
                source_name: source_name(),
                line,
                expected: names.len(),
                found: record.len(),
            });
        }
        records.push(Record { line, cells: record.iter().map(str::to_owned).collect() });
    }
    Ok(CsvTable { header: names, records })
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

fn csv_error(source: &str, line: u64, error: &csv::Error) -> TaskCsvError {
    TaskCsvError::Csv { source_name: source.to_owned(), line, message: error.to_string() }
}
