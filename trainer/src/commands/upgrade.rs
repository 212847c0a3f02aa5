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
    let from_previous = |found: u16, current: u16, what: &str| -> Result<()> {
        if found + 1 != current {
            bail!(
                "a {what} file of format version {found}: this build upgrades version {} only",
                current - 1
            );
        }
        Ok(())
    };
    if bytes.starts_with(&MAGIC) {
        if AnyRanker::load(bytes).is_ok() {
            return Ok(("weights", FORMAT_VERSION, FORMAT_VERSION, bytes.to_vec()));
        }
        let mut file: WeightsFile<'_> = decode_whole(bytes, "weights")?;
        let found = file.format_version;
        from_previous(found, FORMAT_VERSION, "weights")?;
        file.format_version = FORMAT_VERSION;
        let out = file.to_bytes()?;
        AnyRanker::load(&out)
            .map_err(|e| anyhow::anyhow!("the upgraded weights do not load: {e}"))?;
        Ok(("weights", found, FORMAT_VERSION, out))
    } else if bytes.starts_with(&MODEL_MAGIC) {
        if Model::load(bytes).is_ok() {
            return Ok(("model", MODEL_FORMAT_VERSION, MODEL_FORMAT_VERSION, bytes.to_vec()));
        }
        let mut file: ModelFile<'_> = decode_whole(bytes, "model")?;
        let found = file.format_version;
        from_previous(found, MODEL_FORMAT_VERSION, "model")?;
        file.format_version = MODEL_FORMAT_VERSION;
        let out = file.to_bytes()?;
        Model::load(&out).map_err(|e| anyhow::anyhow!("the upgraded model does not load: {e}"))?;
        Ok(("model", found, MODEL_FORMAT_VERSION, out))
    } else if bytes.starts_with(&SAMPLES_MAGIC) {
        if SamplesFile::load(bytes).is_ok() {
            return Ok(("samples", SAMPLES_VERSION, SAMPLES_VERSION, bytes.to_vec()));
        }
        let mut file: SamplesFile<'_> = decode_whole(bytes, "samples")?;
        let found = file.format_version;
        from_previous(found, SAMPLES_VERSION, "samples")?;
        file.format_version = SAMPLES_VERSION;
        let out = file.to_bytes()?;
        SamplesFile::load(&out)
            .map_err(|e| anyhow::anyhow!("the upgraded samples do not load: {e}"))?;
        Ok(("samples", found, SAMPLES_VERSION, out))
    } else {
        bail!("not an archrank weights, model or samples file (unknown magic bytes)")
    }
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
