//! `archrank upgrade FILE -o NEW`: a ranker, model or samples file of the previous format version
//! rewritten in this build's. The contents stay the same; the version moves and the file gains
//! the checksum trailer that version added. The result is loaded before it is written.

use anyhow::{Context, Result, bail};
use archrank_core::model_format::{MODEL_FORMAT_VERSION, MODEL_MAGIC, ModelFile};
use archrank_core::samples_format::{SAMPLES_MAGIC, SAMPLES_VERSION};
use archrank_core::weights_format::{FORMAT_VERSION, MAGIC, WeightsFile};
use archrank_core::{AnyRanker, Model, SamplesFile};
use serde::Deserialize;

use crate::cli::UpgradeArgs;
use crate::output::{print, print_json};

/// A postcard file decoded whole (no byte left over), whatever its version says.
fn decode_whole<'a, T: Deserialize<'a>>(bytes: &'a [u8], what: &str) -> Result<T> {
    let (file, rest): (T, _) = postcard::take_from_bytes(bytes)
        .map_err(|e| anyhow::anyhow!("not a readable {what} file of the previous version: {e}"))?;
    if !rest.is_empty() {
        bail!(
            "{} bytes follow the end of the {what} file: it is not of the previous version",
            rest.len()
        );
    }
    Ok(file)
}

/// The version found, the version written, and the new bytes.
fn upgrade(bytes: &[u8]) -> Result<(&'static str, u16, u16, Vec<u8>)> {
    if bytes.starts_with(&MAGIC) {
        rewrite::<WeightsFile<'_>>(
            bytes,
            "weights",
            FORMAT_VERSION,
            |b| AnyRanker::load(b).map(drop).map_err(|e| e.to_string()),
            |f| &mut f.format_version,
            WeightsFile::to_bytes,
        )
    } else if bytes.starts_with(&MODEL_MAGIC) {
        rewrite::<ModelFile<'_>>(
            bytes,
            "model",
            MODEL_FORMAT_VERSION,
            |b| Model::load(b).map(drop).map_err(|e| e.to_string()),
            |f| &mut f.format_version,
            ModelFile::to_bytes,
        )
    } else if bytes.starts_with(&SAMPLES_MAGIC) {
        rewrite::<SamplesFile<'_>>(
            bytes,
            "samples",
            SAMPLES_VERSION,
            |b| SamplesFile::load(b).map(drop).map_err(|e| e.to_string()),
            |f| &mut f.format_version,
            SamplesFile::to_bytes,
        )
    } else {
        bail!("not an archrank weights, model or samples file (unknown magic bytes)")
    }
}

/// One file kind's upgrade: a file that `loads` already is written unchanged; otherwise it is
/// decoded whole, must be of the version before `current`, gets `current` and is encoded again
/// (with the checksum trailer), and the result must load.
fn rewrite<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    kind: &'static str,
    current: u16,
    loads: fn(&[u8]) -> Result<(), String>,
    version: fn(&mut T) -> &mut u16,
    encode: fn(&T) -> Result<Vec<u8>, postcard::Error>,
) -> Result<(&'static str, u16, u16, Vec<u8>)> {
    if loads(bytes).is_ok() {
        return Ok((kind, current, current, bytes.to_vec()));
    }
    let mut file: T = decode_whole(bytes, kind)?;
    let found = *version(&mut file);
    if found + 1 != current {
        bail!(
            "a {kind} file of format version {found}: this build upgrades version {} only",
            current - 1
        );
    }
    *version(&mut file) = current;
    let out = encode(&file)?;
    loads(&out).map_err(|e| anyhow::anyhow!("the upgraded {kind} file does not load: {e}"))?;
    Ok((kind, found, current, out))
}

pub(crate) fn run(args: &UpgradeArgs) -> Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let (kind, from, to, out) =
        upgrade(&bytes).with_context(|| format!("{}", args.file.display()))?;
    crate::atomic_file::write(&args.output, &out)?;
    if args.json {
        return print_json(&serde_json::json!({
            "input": args.file.display().to_string(), "output": args.output.display().to_string(),
            "kind": kind, "from_version": from, "to_version": to, "bytes": out.len(),
        }));
    }
    let what = if from == to {
        format!("already {kind} format version {to}: written unchanged")
    } else {
        format!("{kind} format version {from} rewritten as version {to}")
    };
    print(&format!("{what}: {} ({} bytes)\n", args.output.display(), out.len()))?;
    Ok(())
}
