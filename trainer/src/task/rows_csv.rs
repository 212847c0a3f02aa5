//! A task's rows as a CSV of the values the product trains on (after the column plan: categories
//! encoded, missing cells filled), for tools outside the product such as the peer comparison
//! (`scripts/peers.py`), which must fit on exactly the rows a model was trained on.

use super::{Task, TaskKind};

/// `rows` of `task` as CSV bytes: the feature columns (numeric tasks) or one `text` column, then
/// `label` holding the class name; rows in the order given.
///
/// # Errors
/// Only if the CSV writer fails, which writing to memory does not.
pub fn rows_csv_bytes(task: &Task, rows: &[usize]) -> csv::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = match &task.features {
        super::Features::Numeric { columns, .. } => columns.iter().map(String::as_str).collect(),
        super::Features::Text(_) => vec!["text"],
    };
    header.push("label");
    out.write_record(&header)?;
    for &r in rows {
        let label = task.labels.get(r).and_then(|&l| task.class_names.get(l as usize));
        let label = label.map_or("", String::as_str);
        match task.kind() {
            TaskKind::Numeric => {
                let mut record: Vec<String> =
                    task.numeric_row(r).iter().map(ToString::to_string).collect();
                record.push(label.to_owned());
                out.write_record(&record)?;
            }
            TaskKind::Text => out.write_record([task.text_row(r), label])?,
        }
    }
    out.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::task::Features;

    #[test]
    fn numeric_rows_round_trip_with_class_names() {
        let task = Task {
            name: "t".into(),
            class_names: vec!["no".into(), "yes, quoted".into()],
            labels: vec![0, 1, 1],
            features: Features::Numeric {
                columns: vec!["a".into(), "b".into()],
                values: vec![1.0, 2.5, -3.0, 0.125, 7.0, 8.0],
            },
        };
        let bytes = rows_csv_bytes(&task, &[2, 0]).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), "a,b,label\n7,8,\"yes, quoted\"\n1,2.5,no\n");
    }

    #[test]
    fn text_rows_keep_their_text() {
        let task = Task {
            name: "t".into(),
            class_names: vec!["x".into()],
            labels: vec![0],
            features: Features::Text(vec!["hello \"world\"\nbye".into()]),
        };
        let bytes = rows_csv_bytes(&task, &[0]).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "text,label\n\"hello \"\"world\"\"\nbye\",x\n"
        );
    }
}
