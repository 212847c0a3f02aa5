//! `archrank predict`: a model file run by the core on the rows of a CSV, with labels or
//! without (read with the column plan the model stores), or on a device's samples. Each row's
//! class and probabilities as a table, `--json` or a CSV (`-o`); accuracy and the confusion
//! matrix where labels are present. A split of the model's own data is checked to be one, and
//! rows the model learned from are pointed out.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use archrank_core::dims::MAX_CLASSES;
use archrank_core::{Model, SamplesFile};

use crate::cli::{PredictArgs, SplitArg};
use crate::commands::task_source::{csv_task, split_rows};
use crate::database::split_of;
use crate::deploy::model_notes::{DataIdentity, ModelNotes};
use crate::output::{print, print_json, table};
use crate::task::column_plan::ColumnPlan;
use crate::task::csv_input::task_name;
use crate::task::csv_options::LabelColumn;
use crate::task::csv_table::CsvTable;
use crate::task::task_csv::{CsvOptions, class_ids, read_rows_with_plan};
use crate::task::task_samples::MAX_FEATURES;
use crate::task::{Features, Task};

/// Rows a human table lists before it points to `-o`.
const LISTED_ROWS: usize = 20;

/// One row's prediction.
#[derive(Clone, Debug, serde::Serialize)]
struct RowPrediction {
    /// 0-based data row of the file (sample of the samples file).
    row: usize,
    /// 1-based line of the file where the row starts (none for samples).
    line: Option<u64>,
    /// Predicted class id.
    class: usize,
    /// Its name.
    predicted: String,
    /// The row's label as written, where it has one.
    label: Option<String>,
    /// Probability of every class, in class-id order.
    probabilities: Vec<f32>,
}

/// What a run predicted and what a user should know about it.
struct PredictRun {
    rows: Vec<RowPrediction>,
    /// The file's table, for `-o` (none for samples).
    table: Option<CsvTable>,
    /// Rows among `rows` that the model learned from (when the file is its training data).
    learned: Option<usize>,
    /// Things the reading decided that a user should be told.
    notes: Vec<String>,
}

pub(crate) fn run_predict(args: &PredictArgs) -> Result<()> {
    let bytes = std::fs::read(&args.model)
        .with_context(|| format!("cannot read model file {}", args.model.display()))?;
    let model = Model::load(&bytes).map_err(|e| anyhow!("{}: {e}", args.model.display()))?;
    let notes = ModelNotes::parse(model.file.columns)
        .with_context(|| format!("{}: its notes", args.model.display()))?;
    let run = if let Some(path) = &args.task {
        predict_csv(args, path, &model, &notes)?
    } else if let Some(path) = &args.samples {
        predict_samples(&model, path)?
    } else {
        bail!("give --task CSV or --samples FILE");
    };
    if let Some(path) = &args.output {
        let table = run.table.as_ref().context("-o writes the rows of a --task CSV")?;
        let bytes = predictions_csv(table, &run.rows, &model)?;
        crate::atomic_file::write(path, &bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    report(args, &model, &run)
}

/// The reading options for `args`' CSV: what the user gave, else what the model was trained
/// with (the label column's name, the missing markers).
fn reading_options(args: &PredictArgs, notes: &ModelNotes, plan: &ColumnPlan) -> CsvOptions {
    let mut options = args.csv.options(None);
    if args.csv.label_column.is_none()
        && let Some(label) = plan.label_name()
    {
        options.label = LabelColumn::Name(label.to_owned());
    }
    if options.na.is_empty() {
        options.na.clone_from(&notes.na);
    }
    if options.label_na.is_empty() {
        options.label_na.clone_from(&notes.label_na);
    }
    options
}

fn predict_csv(
    args: &PredictArgs,
    path: &Path,
    model: &Model<'_>,
    notes: &ModelNotes,
) -> Result<PredictRun> {
    // A model without a stored plan (trained from a database or a device) reads the file as
    // its own task did: with the plan the file itself gives.
    let plan = match &notes.columns {
        Some(plan) => plan.clone(),
        None => csv_task(path, &args.csv)?.plan,
    };
    let options = reading_options(args, notes, &plan);
    let read = read_rows_with_plan(path, &options, &plan)?;
    let mut messages = read.notes.lines();
    let labels = read.labels.as_ref();
    // The file's labelled rows as a task: its identity and split, as training saw them.
    let labelled: Vec<usize> =
        labels.map(|l| (0..l.len()).filter(|&r| l[r].is_some()).collect()).unwrap_or_default();
    let task = labels.map(|l| labelled_task(path, &read.features, l, &labelled));
    let trained_on = model.file.provenance.trained_on as usize;
    let (selected, learned) = match (&task, args.split) {
        (None, SplitArg::All) => ((0..read.table.records.len()).collect(), None),
        (None, _) => bail!(
            "{}: --split {} picks labelled rows of the model's data, and the file has no label \
             column `{}`",
            path.display(),
            args.split.name(),
            options.label.describe()
        ),
        (Some(task), which) => {
            let split = split_of(task)?;
            let same = notes.data.as_ref().map(|d| d.differences(&DataIdentity::of(task, &split)));
            match (&same, which) {
                (Some(diff), SplitArg::All) if !diff.is_empty() => {}
                (Some(diff), _) if !diff.is_empty() => bail!(
                    "{}: --split {} names rows of the data {} was trained on, but this file \
                     does not read to that data: {}. Give the training file, read with the \
                     options it was trained with, or drop --split to predict every row",
                    path.display(),
                    which.name(),
                    args.model.display(),
                    diff.join("; ")
                ),
                (None, SplitArg::All) => {}
                (None, _) => messages.push(format!(
                    "{} records no identity of its data: the rows of --split {} could not be \
                     checked to be its split's",
                    args.model.display(),
                    which.name()
                )),
                (Some(_), _) => {}
            }
            let task_rows = split_rows(&split, which, task.rows());
            let in_data = same.as_ref().is_some_and(Vec::is_empty);
            // After a refit the model learned from the validation rows too.
            let learned_rows: HashSet<usize> = if trained_on > split.train.len() {
                split.train.iter().chain(&split.validation).copied().collect()
            } else {
                split.train.iter().copied().collect()
            };
            let learned =
                in_data.then(|| task_rows.iter().filter(|r| learned_rows.contains(r)).count());
            let mut records: Vec<usize> =
                task_rows.iter().filter_map(|&r| labelled.get(r).copied()).collect();
            if which == SplitArg::All {
                // Every record, the unlabelled ones too.
                records = (0..read.table.records.len()).collect();
            }
            (records, learned)
        }
    };
    if let Some(n) = learned.filter(|&n| n > 0) {
        messages.push(format!(
            "{n} of these rows are rows the model learned from (this is its training data): \
             their accuracy overstates what new rows will see; --split test scores the rows it \
             never saw"
        ));
    }
    let names: Vec<&str> = model.class_names().collect();
    let mut probs = [0.0; MAX_CLASSES];
    let rows = selected
        .iter()
        .map(|&r| {
            let line = read.table.records.get(r).map_or(0, |rec| rec.line);
            let class = match &read.features {
                Features::Numeric { columns, values } => {
                    let d = columns.len();
                    model.predict_numeric(values.get(r * d..(r + 1) * d).unwrap_or(&[]), &mut probs)
                }
                Features::Text(texts) => {
                    model.predict_text(texts.get(r).map_or("", String::as_str), &mut probs)
                }
            }
            .map_err(|e| anyhow!("{}:{line}: {e}", path.display()))?;
            Ok(RowPrediction {
                row: r,
                line: Some(line),
                class,
                predicted: names.get(class).map_or_else(String::new, |n| (*n).to_owned()),
                label: labels.and_then(|l| l.get(r).cloned().flatten()),
                probabilities: probs[..model.classes].to_vec(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PredictRun { rows, table: Some(read.table), learned, notes: messages })
}

/// The labelled records `labelled` of a file as the task training read: classes numbered by
/// first appearance, the same features.
fn labelled_task(
    path: &Path,
    features: &Features,
    labels: &[Option<String>],
    labelled: &[usize],
) -> Task {
    let (class_names, ids) =
        class_ids(labelled.iter().map(|&r| labels.get(r).and_then(Option::as_deref).unwrap_or("")));
    let features = match features {
        Features::Numeric { columns, values } => {
            let d = columns.len();
            let values = labelled
                .iter()
                .flat_map(|&r| values.get(r * d..(r + 1) * d).unwrap_or(&[]).iter().copied())
                .collect();
            Features::Numeric { columns: columns.clone(), values }
        }
        Features::Text(texts) => Features::Text(
            labelled.iter().map(|&r| texts.get(r).cloned().unwrap_or_default()).collect(),
        ),
    };
    Task { name: task_name(path), class_names, labels: ids, features }
}

fn predict_samples(model: &Model<'_>, path: &Path) -> Result<PredictRun> {
    let data = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let samples = SamplesFile::load(&data).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let names: Vec<&str> = model.class_names().collect();
    let name = |c: usize| names.get(c).map_or_else(|| c.to_string(), |n| (*n).to_owned());
    let mut rows = Vec::with_capacity(samples.len());
    model
        .predict_samples::<MAX_FEATURES>(&samples, |row, class, label, probs| {
            rows.push(RowPrediction {
                row,
                line: None,
                class,
                predicted: name(class),
                label: Some(name(label as usize)),
                probabilities: probs[..model.classes].to_vec(),
            });
        })
        .map_err(|(i, e)| anyhow!("{}: sample {}: {e}", path.display(), i + 1))?;
    Ok(PredictRun { rows, table: None, learned: None, notes: Vec::new() })
}

/// The file's rows that were predicted, each with its cells as written, then `predicted` and
/// one `probability_<class>` column per class (the convention of scikit-learn-style tools).
fn predictions_csv(table: &CsvTable, rows: &[RowPrediction], model: &Model<'_>) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = table.header.clone();
    header.push("predicted".into());
    header.extend(model.class_names().map(|n| format!("probability_{n}")));
    out.write_record(&header)?;
    for p in rows {
        let mut record: Vec<String> =
            table.records.get(p.row).map(|r| r.cells.clone()).unwrap_or_default();
        record.push(p.predicted.clone());
        record.extend(p.probabilities.iter().map(|q| format!("{q:.6}")));
        out.write_record(&record)?;
    }
    out.into_inner().map_err(|e| anyhow!("cannot encode the predictions: {e}"))
}

/// Accuracy over the labelled rows, the confusion matrix over the model's classes, and the
/// labels the model does not know (counted wrong), when any row has a label.
struct Scores {
    labelled: usize,
    accuracy: f64,
    confusion: Vec<Vec<usize>>,
    unknown: Vec<(String, usize)>,
}

fn scores(rows: &[RowPrediction], names: &[&str]) -> Option<Scores> {
    let mut confusion = vec![vec![0_usize; names.len()]; names.len()];
    let mut unknown: Vec<(String, usize)> = Vec::new();
    let (mut labelled, mut right) = (0, 0);
    for p in rows {
        let Some(label) = &p.label else { continue };
        labelled += 1;
        match names.iter().position(|n| n == label) {
            Some(actual) => {
                right += usize::from(actual == p.class);
                if let Some(cell) = confusion.get_mut(actual).and_then(|r| r.get_mut(p.class)) {
                    *cell += 1;
                }
            }
            None => match unknown.iter_mut().find(|(l, _)| l == label) {
                Some(u) => u.1 += 1,
                None => unknown.push((label.clone(), 1)),
            },
        }
    }
    (labelled > 0).then(|| Scores {
        labelled,
        accuracy: right as f64 / labelled as f64,
        confusion,
        unknown,
    })
}

fn report(args: &PredictArgs, model: &Model<'_>, run: &PredictRun) -> Result<()> {
    let names: Vec<&str> = model.class_names().collect();
    let scores = scores(&run.rows, &names);
    let mut notes = run.notes.clone();
    if let Some(s) = &scores {
        for (label, n) in &s.unknown {
            notes.push(format!(
                "{n} rows are labelled `{label}`, a class the model never learned ({}): counted \
                 wrong",
                names.join(", ")
            ));
        }
    }
    if args.json {
        return print_json(&serde_json::json!({
            "model": args.model.display().to_string(),
            "classes": names, "rows": run.rows.len(),
            "labelled_rows": scores.as_ref().map_or(0, |s| s.labelled),
            "accuracy": scores.as_ref().map(|s| s.accuracy),
            "confusion": scores.as_ref().map(|s| &s.confusion),
            "learned_rows": run.learned, "notes": notes,
            "output": args.output.as_ref().map(|p| p.display().to_string()),
            "predictions": run.rows,
        }));
    }
    let provenance = &model.file.provenance;
    let mut text = format!(
        "model {} ({} on {}, learned from {} rows, chosen on {}): {} rows",
        args.model.display(),
        model.discrete.named(model.is_text()),
        provenance.task,
        provenance.trained_on,
        provenance.validated_on,
        run.rows.len()
    );
    match &scores {
        Some(s) if s.labelled == run.rows.len() => {
            text.push_str(&format!(", accuracy {:.4}\n", s.accuracy));
        }
        Some(s) => text.push_str(&format!(
            ", {} of them labelled: accuracy {:.4} on those\n",
            s.labelled, s.accuracy
        )),
        None => text.push_str(", without labels\n"),
    }
    for note in &notes {
        text.push_str(&format!("note: {note}\n"));
    }
    if let Some(path) = &args.output {
        text.push_str(&format!("wrote {} (every row with its prediction)\n", path.display()));
    }
    text.push('\n');
    match &scores {
        Some(s) => {
            let mut header = vec!["actual \\ predicted"];
            header.extend(names.iter());
            let rows: Vec<Vec<String>> = s
                .confusion
                .iter()
                .zip(&names)
                .map(|(row, name)| {
                    std::iter::once((*name).to_owned())
                        .chain(row.iter().map(ToString::to_string))
                        .collect()
                })
                .collect();
            text.push_str(&table(&header, &rows));
        }
        None => text.push_str(&rows_table(&run.rows, args.output.is_some())),
    }
    print(&text)?;
    Ok(())
}

/// The first rows' predictions, for a person.
fn rows_table(rows: &[RowPrediction], written: bool) -> String {
    let listed: Vec<Vec<String>> = rows
        .iter()
        .take(LISTED_ROWS)
        .map(|p| {
            vec![
                p.line.map_or_else(|| (p.row + 1).to_string(), |l| l.to_string()),
                p.predicted.clone(),
                format!("{:.4}", p.probabilities.get(p.class).copied().unwrap_or(0.0)),
            ]
        })
        .collect();
    let mut text = table(&["line", "predicted", "probability"], &listed);
    if rows.len() > LISTED_ROWS {
        text.push_str(&format!(
            "... and {} more rows{}\n",
            rows.len() - LISTED_ROWS,
            if written { "" } else { ": -o FILE.csv writes every one" }
        ));
    }
    text
}
