//! The search result as exact, line-oriented text: one shared definition for the device's
//! output and the host's golden files, so the two can be compared byte for byte.

use core::fmt::{self, Write};

use crate::child::cost::{Budget, TaskShape, discrete_cost};
use crate::child::model_format::Model;
use crate::child::text_input::{FNV_OFFSET, fnv1a};
use crate::child::training::TrainingReport;
use crate::dims::Preset;
use crate::ranking::network::TaskEmbedding;
use crate::ranking::ranker::Ranker;
use crate::search::climb::SearchResult;
use crate::search::discrete_finish::Finished;
use crate::search::exhaustive::Exhaustive;

/// What a search was asked for: the task's shape (for the cost) and the device's budget.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The task's name.
    pub task: &'a str,
    /// Samples embedded.
    pub samples: usize,
    /// The task's shape.
    pub shape: TaskShape,
    /// The budget searched within.
    pub budget: Budget,
}

/// Writes `result` as `result ...` lines; floats are printed with their bit patterns so the
/// comparison is exact, and in fixed point for people (not with `core::fmt`'s float formatting,
/// which would cost a device about 10 KiB of flash).
///
/// # Errors
/// Whatever the writer returns.
pub fn write_result<P: Preset>(
    out: &mut impl Write,
    request: &Request<'_>,
    result: &SearchResult<'_, P>,
) -> fmt::Result {
    writeln!(out, "result preset {}", P::LAYOUT.preset)?;
    writeln!(out, "result task {} samples {}", request.task, request.samples)?;
    let limit = |v: Option<u32>| v.map_or(Limit::None, Limit::At);
    let b = &request.budget;
    write!(
        out,
        "result budget params {} macs {} ram_bytes {}",
        limit(b.max_params),
        limit(b.max_macs),
        limit(b.max_ram_bytes)
    )?;
    // Training memory is named only when it is limited (a device that trains its choice).
    let train = b.max_train_ram_bytes;
    if let Some(bytes) = train {
        write!(out, " train_ram_bytes {bytes}")?;
    }
    out.write_char('\n')?;
    writeln!(out, "result score {} bits {:08x}", Fixed(result.score), result.score.to_bits())?;
    writeln!(out, "result discrete {}", result.discrete)?;
    writeln!(out, "result named {}", result.discrete.named(request.shape.text))?;
    let cost = discrete_cost(&result.discrete, &request.shape);
    write!(
        out,
        "result cost params {} macs {} ram_bytes {}",
        cost.params, cost.macs, cost.ram_bytes
    )?;
    if train.is_some() {
        write!(out, " train_ram_bytes {}", cost.train_ram_bytes)?;
    }
    out.write_char('\n')?;
    for n in &result.nearest {
        writeln!(
            out,
            "result nearest {} distance {} bits {:08x}",
            n.name,
            Fixed(n.distance),
            n.distance.to_bits()
        )?;
    }
    writeln!(
        out,
        "result start {} rank {} accuracy {} score {}",
        result.start.task,
        result.start.rank,
        Fixed(result.start.accuracy),
        Fixed(result.start.score)
    )?;
    out.write_str("result u")?;
    for v in result.arch.as_ref() {
        write!(out, " {:08x}", v.to_bits())?;
    }
    out.write_char('\n')
}

/// Writes the deployable space's checks on a search: its answer finished one choice at a time
/// and the exhaustive argmax within the same budget, neither of which the device deploys
/// (`result finish <discrete> score S bits B moves N`, `result exhaustive <discrete> score S
/// bits B scored N`).
///
/// # Errors
/// Whatever the writer returns.
pub fn write_discrete_checks(
    out: &mut impl Write,
    finished: &Finished,
    exhaustive: &Exhaustive,
) -> fmt::Result {
    writeln!(
        out,
        "result finish {} score {} bits {:08x} moves {}",
        finished.discrete,
        Fixed(finished.score),
        finished.score.to_bits(),
        finished.moves
    )?;
    if let Some(best) = exhaustive.best.first() {
        writeln!(
            out,
            "result exhaustive {} score {} bits {:08x} scored {}",
            best.discrete,
            Fixed(best.score),
            best.score.to_bits(),
            exhaustive.scored
        )?;
    }
    Ok(())
}

/// [`write_discrete_checks`] for a search of `request` with embedding `z` that answered
/// `result`, when the preset's space can be scored whole (nothing otherwise, as a device of that
/// preset prints).
///
/// # Errors
/// Whatever the writer returns.
pub fn write_discrete_checks_of<P: Preset>(
    out: &mut impl Write,
    ranker: &Ranker<'_, P>,
    z: &TaskEmbedding,
    request: &Request<'_>,
    result: &SearchResult<'_, P>,
) -> fmt::Result {
    let (shape, budget) = (&request.shape, &request.budget);
    let Ok(exhaustive) = ranker.argmax_within(z, shape, budget) else { return Ok(()) };
    let finished = ranker.finish_within(z, &result.discrete, shape, budget);
    write_discrete_checks(out, &finished, &exhaustive)
}

/// Writes how a model did on labelled samples: `result model <named> correct C of N accuracy A`.
///
/// # Errors
/// Whatever the writer returns.
pub fn write_model_result(
    out: &mut impl Write,
    model: &Model<'_>,
    text: bool,
    correct: usize,
    total: usize,
) -> fmt::Result {
    let accuracy = if total == 0 { 0.0 } else { correct as f32 / total as f32 };
    writeln!(
        out,
        "result model {} correct {correct} of {total} accuracy {}",
        model.discrete.named(text),
        Fixed(accuracy)
    )
}

/// Writes what a device's training did and the model file it wrote (length and FNV-1a hash, so
/// a host that writes the file compares it byte for byte):
/// `result train samples T validation V epochs E best_epoch B steps S`, the validation accuracy,
/// the refit on every sample when there was one (`result refit samples N epochs E steps S`),
/// `result train model_bytes N fnv1a H`.
///
/// # Errors
/// Whatever the writer returns.
pub fn write_training_result(
    out: &mut impl Write,
    report: &TrainingReport,
    refit: Option<&TrainingReport>,
    model: &[u8],
) -> fmt::Result {
    writeln!(
        out,
        "result train samples {} validation {} epochs {} best_epoch {} steps {}",
        report.train_samples,
        report.validation_samples,
        report.epochs,
        report.best_epoch,
        report.steps
    )?;
    let accuracy = report.validation_accuracy();
    writeln!(
        out,
        "result train validation correct {} accuracy {} bits {:08x}",
        report.validation_correct,
        Fixed(accuracy),
        accuracy.to_bits()
    )?;
    if let Some(r) = refit {
        writeln!(
            out,
            "result refit samples {} epochs {} steps {}",
            r.train_samples, r.epochs, r.steps
        )?;
    }
    writeln!(
        out,
        "result train model_bytes {} fnv1a {:016x}",
        model.len(),
        fnv1a(FNV_OFFSET, model)
    )
}

/// A budget limit: a number, or `none`.
enum Limit {
    None,
    At(u32),
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("none"),
            Self::At(v) => write!(f, "{v}"),
        }
    }
}

/// A float printed with six decimals by integer arithmetic (`-0.123457`); non-finite or huge
/// values print as `nan`, `inf` or `big`.
pub struct Fixed(pub f32);

/// Values whose millionths reach this print as `big`.
const BIG_MICROS: u64 = 9_000_000_000_000_000;

/// `|v| x 10^6` rounded half away from zero, from the float's bits: the mantissa times 10^6 is
/// below 2^44, so shifting it by the exponent is exact (no soft-float f64 on a device); `None`
/// when it reaches [`BIG_MICROS`].
fn micros(v: f32) -> Option<u64> {
    let bits = v.abs().to_bits();
    let exponent = (bits >> 23) as i32;
    let fraction = u64::from(bits & 0x007f_ffff);
    let (mantissa, shift) =
        if exponent == 0 { (fraction, -149) } else { (fraction | 0x0080_0000, exponent - 150) };
    let scaled = mantissa * 1_000_000;
    let rounded = if shift >= 0 {
        // 2^19 x 2^44 still fits a u64; anything shifted further is big.
        if shift > 19 {
            return None;
        }
        scaled << shift
    } else {
        let k = shift.unsigned_abs();
        if k >= 64 {
            0
        } else {
            let half = 1u64 << (k - 1);
            (scaled >> k) + u64::from(scaled & ((half << 1) - 1) >= half)
        }
    };
    (rounded < BIG_MICROS).then_some(rounded)
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.is_nan() {
            return f.write_str("nan");
        }
        if v.is_infinite() {
            return f.write_str(if v > 0.0 { "inf" } else { "-inf" });
        }
        let Some(m) = micros(v) else { return f.write_str("big") };
        let sign = if v < 0.0 && m > 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:06}", m / 1_000_000, m % 1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::Fixed;
    use std::string::ToString;

    #[test]
    fn fixed_point_formatting() {
        assert_eq!(Fixed(0.5).to_string(), "0.500000");
        assert_eq!(Fixed(-1.25).to_string(), "-1.250000");
        assert_eq!(Fixed(-0.0000004).to_string(), "0.000000");
        assert_eq!(Fixed(123.456_79).to_string(), "123.456787");
        assert_eq!(Fixed(f32::NAN).to_string(), "nan");
        assert_eq!(Fixed(f32::NEG_INFINITY).to_string(), "-inf");
        assert_eq!(Fixed(1e30).to_string(), "big");
    }

    /// The integer rounding is the f64 product's, rounded half away from zero, on every kind of
    /// float: subnormal, halfway, large, near the `big` limit.
    #[test]
    fn integer_rounding_matches_the_exact_f64_product() {
        let reference = |v: f32| {
            let scaled = libm::round(f64::from(v) * 1e6);
            if scaled.abs() >= 9.0e15 {
                return "big".to_string();
            }
            let micros = scaled as i64;
            let sign = if micros < 0 { "-" } else { "" };
            let m = micros.unsigned_abs();
            std::format!("{sign}{}.{:06}", m / 1_000_000, m % 1_000_000)
        };
        let mut state = 0x9e37_79b9_u32;
        let specials = [0.0, -0.0, 1e-45, 5e-7, -5e-7, 2.5e-6, 0.349_535, 8.999e9, 9.0e9, 1.7e38];
        let randoms = (0..20_000).map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            f32::from_bits(state)
        });
        for v in specials.into_iter().chain(randoms).filter(|v| v.is_finite()) {
            assert_eq!(Fixed(v).to_string(), reference(v), "{v:e} ({:08x})", v.to_bits());
        }
    }
}
