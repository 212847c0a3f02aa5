//! `archrank train-child`: one architecture, several seeds, measured accuracy.

use anyhow::{Context, Result, bail};
use archrank_core::{Discrete, PresetId};

use crate::child::discrete_arch::spec_to_logits;
use crate::child::{ChildConfig, ChildOutcome, prepare, train_child};
use crate::cli::TrainChildArgs;
use crate::database::Database;
use crate::deploy::child_seed;
use crate::output::{print, print_json, table};
use crate::rank_stats::{mean, std_dev};

/// Reads architecture logits from a file of whitespace- or comma-separated numbers.
///
/// # Errors
/// A located message for an unreadable file, a bad number or a wrong count.
pub(crate) fn read_arch_file(path: &std::path::Path, preset: PresetId) -> Result<Vec<f32>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut u = Vec::new();
    for (i, token) in
        text.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).enumerate()
    {
        let v: f32 = token.parse().ok().filter(|v: &f32| v.is_finite()).with_context(|| {
            format!("{}: value {} (`{token}`) is not a finite number", path.display(), i + 1)
        })?;
        u.push(v);
    }
    let want = preset.layout().arch_dim();
    if u.len() != want {
        bail!("{}: {} values, the {preset} preset needs {want}", path.display(), u.len());
    }
    Ok(u)
}

/// Trains `u` on a stored task with `seeds` child seeds.
///
/// # Errors
/// Database errors or an unknown task.
pub(crate) fn train_stored(
    db: &Database,
    task: &str,
    u: &[f32],
    preset: PresetId,
    seeds: u32,
    max_rows: usize,
) -> Result<Vec<ChildOutcome>> {
    let (t, split) = db.task_split(task)?;
    let config = ChildConfig { max_train_rows: Some(max_rows), ..ChildConfig::default() };
    let prepared = prepare(&t, &split, &preset.layout(), &config);
    use rayon::prelude::*;
    Ok((0..seeds)
        .into_par_iter()
        .map(|s| train_child(&prepared, u, &config, child_seed(s)))
        .collect())
}

pub(crate) fn run(args: &TrainChildArgs) -> Result<()> {
    if args.seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    let preset: PresetId = args.preset.into();
    let u = match (&args.arch, &args.discrete) {
        (Some(path), _) => read_arch_file(path, preset)?,
        (None, Some(spec)) => {
            spec_to_logits(spec, preset).with_context(|| format!("--discrete `{spec}`"))?
        }
        (None, None) => bail!("give --arch FILE or --discrete SPEC"),
    };
    let db = Database::open_read_only(&args.db)?;
    let outcomes = train_stored(&db, &args.task, &u, preset, args.seeds, args.max_rows)?;
    let val: Vec<f64> = outcomes.iter().map(|o| o.validation_accuracy).collect();
    let test: Vec<f64> = outcomes.iter().map(|o| o.test_accuracy).collect();
    let discrete = Discrete::from_logits(&preset.layout(), &u).to_string();
    if args.json {
        return print_json(&serde_json::json!({
            "task": args.task, "preset": preset.name(), "discrete": discrete,
            "val_mean": mean(&val), "val_std": std_dev(&val),
            "test_mean": mean(&test), "test_std": std_dev(&test), "runs": outcomes,
        }));
    }
    let rows: Vec<Vec<String>> = outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            vec![
                i.to_string(),
                format!("{:.4}", o.validation_accuracy),
                format!("{:.4}", o.test_accuracy),
                o.epochs.to_string(),
            ]
        })
        .collect();
    print(&format!("task {} ({preset}), architecture {discrete}\n", args.task))?;
    print(&table(&["seed", "val_acc", "test_acc", "epochs"], &rows))?;
    print(&format!(
        "validation {:.4} +- {:.4}, test {:.4} +- {:.4}\n",
        mean(&val),
        std_dev(&val),
        mean(&test),
        std_dev(&test)
    ))?;
    Ok(())
}
