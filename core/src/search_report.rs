//! The search result as exact, line-oriented text: one shared definition for the device's
//! output and the host's golden files, so the two can be compared byte for byte.

use core::fmt::{self, Write};

use crate::dims::Preset;
use crate::search::SearchResult;

/// Writes `result` as `result ...` lines; floats are printed with their bit patterns so the
/// comparison is exact.
///
/// # Errors
/// Whatever the writer returns.
pub fn write_result<P: Preset>(
    out: &mut impl Write,
    task: &str,
    samples: usize,
    result: &SearchResult<'_, P>,
) -> fmt::Result {
    writeln!(out, "result preset {}", P::LAYOUT.preset)?;
    writeln!(out, "result task {task} samples {samples}")?;
    writeln!(out, "result score {} bits {:08x}", result.score, result.score.to_bits())?;
    writeln!(out, "result discrete {}", result.discrete)?;
    for n in &result.nearest {
        writeln!(
            out,
            "result nearest {} distance {} bits {:08x}",
            n.name,
            n.distance,
            n.distance.to_bits()
        )?;
    }
    writeln!(
        out,
        "result start {} rank {} accuracy {} score {}",
        result.start.task, result.start.rank, result.start.accuracy, result.start.score
    )?;
    out.write_str("result u")?;
    for v in result.arch.as_ref() {
        write!(out, " {:08x}", v.to_bits())?;
    }
    out.write_char('\n')
}
