//! The text of a task CSV as people have it: a file or standard input (`-`), gzipped or not,
//! with or without a UTF-8 byte-order mark, and its dialect (delimiter and decimal mark), sniffed
//! unless given.

use std::io::Read;
use std::path::Path;

use super::csv_error::TaskCsvError;

/// The delimiters sniffed, in order of preference when several fit equally.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Lines the delimiter is sniffed from.
const SNIFF_LINES: usize = 50;

/// A delimiter as a person reads it (`,`, `;`, `TAB`, `|`).
#[must_use]
pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "TAB".to_owned(),
        d => char::from(d).to_string(),
    }
}

/// Reads `path` (`-` is standard input), gunzips it when it starts with the gzip magic bytes,
/// drops a UTF-8 byte-order mark and checks that the rest is UTF-8.
///
/// # Errors
/// [`TaskCsvError::Io`], [`TaskCsvError::Gzip`] or [`TaskCsvError::NotUtf8`] (with the byte
/// offset and line of the first bad byte).
pub fn read_text(path: &Path) -> Result<String, TaskCsvError> {
    let source = source_name(path);
    let raw = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|error| TaskCsvError::Io { source_name: source.clone(), error })?;
        bytes
    } else {
        std::fs::read(path)
            .map_err(|error| TaskCsvError::Io { source_name: source.clone(), error })?
    };
    decode_text(raw, &source)
}

/// How `path` is named in messages.
#[must_use]
pub fn source_name(path: &Path) -> String {
    if path.as_os_str() == "-" { "<stdin>".to_owned() } else { path.display().to_string() }
}

/// The task name a file gives by default: its stem without `.csv.gz` or `.csv`; `stdin` for `-`.
#[must_use]
pub fn task_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "stdin".to_owned();
    }
    let file = path.file_name().and_then(|s| s.to_str()).unwrap_or("task");
    let file = file.strip_suffix(".gz").unwrap_or(file);
    Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("task").to_owned()
}

/// How many times its own size a gzipped CSV may inflate to (plus 64 MiB): CSV compresses
/// 3 to 20 times; a gzip bomb, a thousand.
pub const GZIP_RATIO_CAP: u64 = 64;

/// The most bytes a gzipped file of `compressed` bytes may inflate to.
#[must_use]
pub fn max_decompressed_bytes(compressed: usize) -> u64 {
    (compressed as u64).saturating_mul(GZIP_RATIO_CAP).saturating_add(64 << 20)
}

/// [`read_text`] on bytes already read; `source` names them in errors.
///
/// # Errors
/// As [`read_text`], without I/O errors.
pub fn decode_text(raw: Vec<u8>, source: &str) -> Result<String, TaskCsvError> {
    let gzipped = raw.starts_with(&[0x1f, 0x8b]);
    let bytes = if gzipped {
        let cap = max_decompressed_bytes(raw.len());
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .take(cap + 1)
            .read_to_end(&mut out)
            .map_err(|e| TaskCsvError::Gzip {
                source_name: source.to_owned(),
                message: e.to_string(),
            })?;
        if out.len() as u64 > cap {
            return Err(TaskCsvError::GzipTooLarge { source_name: source.to_owned(), cap });
        }
        out
    } else {
        raw
    };
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = 1 + e
            .as_bytes()
            .get(..offset)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        TaskCsvError::NotUtf8 {
            source_name: source.to_owned(),
            offset: offset as u64,
            line: line as u64,
            decompressed: gzipped,
        }
    })
}

/// The delimiter among [`DELIMITERS`] that splits the first lines into the same number of cells
/// (at least two) on every line, the most cells winning; `,` when none does.
#[must_use]
pub fn sniff_delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(SNIFF_LINES).collect::<Vec<_>>().join("\n");
    let mut best = (b',', 0usize);
    for &d in &DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(d)
            .from_reader(head.as_bytes());
        let counts: Vec<usize> =
            reader.byte_records().map_while(Result::ok).map(|r| r.len()).collect();
        let Some(&first) = counts.first() else { continue };
        // The last line may be cut by the sniffing window inside a quoted cell: ignore it.
        let consistent =
            counts.iter().take(counts.len().saturating_sub(1).max(1)).all(|&c| c == first);
        if consistent && first >= 2 && first > best.1 {
            best = (d, first);
        }
    }
    best.0
}

/// Whether numbers in `cells` are written with a decimal comma: some cell is digits, a comma and
/// digits (`3,25`), and no cell is a number with a decimal point. Only asked when the delimiter
/// is not a comma.
#[must_use]
pub fn sniff_decimal_comma<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    let mut comma = false;
    for cell in cells {
        let t = cell.trim();
        let t = t.strip_prefix(['-', '+']).unwrap_or(t);
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if let Some((a, b)) = t.split_once(',') {
            if all_digits(a) && all_digits(b) {
                comma = true;
            }
        } else if let Some((a, b)) = t.split_once('.')
            && all_digits(a)
            && all_digits(b)
        {
            return false;
        }
    }
    comma
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_delimiter() {
        assert_eq!(sniff_delimiter("a,b,label\n1,2,x\n3,4,y\n"), b',');
        assert_eq!(sniff_delimiter("a;b;label\n1,5;2;x\n3;4,25;y\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tlabel\n1\t2\tx\n"), b'\t');
        assert_eq!(sniff_delimiter("a|b|label\n1|2|x\n"), b'|');
        // Commas inside quotes do not count.
        assert_eq!(sniff_delimiter("text;label\n\"a, b, c\";x\n\"d, e\";y\n"), b';');
        // One column: nothing splits; the default stands.
        assert_eq!(sniff_delimiter("label\nx\ny\n"), b',');
    }

    #[test]
    fn names_tasks_after_their_files() {
        assert_eq!(task_name(Path::new("dir/iris.csv")), "iris");
        assert_eq!(task_name(Path::new("survey.csv.gz")), "survey");
        assert_eq!(task_name(Path::new("-")), "stdin");
        assert_eq!(delimiter_name(b'\t'), "TAB");
        assert_eq!(delimiter_name(b';'), ";");
    }

    #[test]
    fn sniffs_decimal_commas() {
        assert!(sniff_decimal_comma(["1,5", "2", "x"].into_iter()));
        assert!(!sniff_decimal_comma(["1,5", "2.25"].into_iter()));
        assert!(!sniff_decimal_comma(["1", "2"].into_iter()));
        assert!(!sniff_decimal_comma(["a,b"].into_iter()));
        assert!(sniff_decimal_comma(["-0,75"].into_iter()));
    }

    #[test]
    fn strips_a_bom_and_gunzips() {
        let text = "a,label\n1,x\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode_text(bom, "f").unwrap(), text);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
        assert_eq!(decode_text(gz.finish().unwrap(), "f.gz").unwrap(), text);
        let e = decode_text(vec![0x1f, 0x8b, 0, 1], "bad.gz").unwrap_err();
        assert!(e.to_string().starts_with("bad.gz: not a valid gzip stream"), "{e}");
    }

    #[test]
    fn locates_the_first_byte_that_is_not_utf8() {
        let e = decode_text(b"a,label\n1,x\n2,\xFF\n".to_vec(), "f.csv").unwrap_err();
        assert!(matches!(e, TaskCsvError::NotUtf8 { offset: 14, line: 3, .. }), "{e:?}");
        assert_eq!(e.to_string(), "f.csv:3: not UTF-8 at byte 14 (save the file as UTF-8)");
    }
}
