//! `archrank quantize`: an f32 weights file as int8, for a small device.

use anyhow::{Result, anyhow};
use archrank_core::Quantization;

use crate::cli::QuantizeArgs;
use crate::fit::Storage;
use crate::output::{print, print_json};
use crate::ranker_source::Weights;

pub(crate) fn run(args: &QuantizeArgs) -> Result<()> {
    let weights = Weights::load(args.weights.as_deref())?;
    let bytes = weights.bytes;
    let before = bytes.len();
    let storage = Storage {
        quantization: Quantization::Int8,
        scales: args.scales.into(),
        search_steps: args.search_steps,
        top_archs: args.top_archs.map(usize::from),
    };
    let out = storage.apply(bytes).map_err(|e| anyhow!("{}: {e}", weights.name))?;
    crate::atomic_file::write(&args.output, &out)?;
    if args.json {
        return print_json(&serde_json::json!({
            "input": weights.name,
            "output": args.output.display().to_string(),
            "bytes_before": before,
            "bytes": out.len(),
            "scales": storage.scales.name(),
            "search_steps": args.search_steps,
            "top_archs": args.top_archs,
        }));
    }
    print(&format!(
        "wrote {} ({} bytes, int8; {} bytes as f32)\n",
        args.output.display(),
        out.len(),
        before
    ))?;
    Ok(())
}
