//! `archrank train` writes a model file that `archrank predict` runs with the core: the test
//! split's accuracy is the one `train` reported; bad model files get typed, located errors.

use crate::common::{fails, ok, tasks_dir};

#[test]
fn predict_reports_the_accuracy_train_reported_and_bad_models_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.postcard");
    let model = model.to_str().unwrap();
    let iris = tasks_dir().join("iris.csv");
    let iris = iris.to_str().unwrap();
    let trained: serde_json::Value = serde_json::from_str(&ok(&[
        "train",
        "--task",
        iris,
        "--discrete",
        "fourier/relu16/skip/tanh8",
        "--seeds",
        "2",
        "-o",
        model,
        "--json",
    ]))
    .unwrap();
    assert_eq!(trained["named"], "fourier/relu16/skip/tanh8");
    assert_eq!(trained["discrete"], "m2/relu16/skip/tanh8");
    let predicted: serde_json::Value = serde_json::from_str(&ok(&[
        "predict", "--model", model, "--task", iris, "--split", "test", "--json",
    ]))
    .unwrap();
    assert_eq!(predicted["accuracy"], trained["accuracy"]);
    assert_eq!(predicted["rows"], trained["test_rows"]);
    let confusion: Vec<Vec<u64>> = serde_json::from_value(predicted["confusion"].clone()).unwrap();
    assert_eq!(confusion.iter().flatten().sum::<u64>(), predicted["rows"].as_u64().unwrap());
    assert!(trained["accuracy"].as_f64().unwrap() > 0.6, "{trained}");

    let bytes = std::fs::read(model).unwrap();
    let checksum =
        "the model file's checksum does not match its contents: it was corrupted or cut short";
    let version = |v: u8| {
        let mut b = bytes.clone();
        b[8] = v; // the format version's low byte (postcard varint)
        b
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (bytes[..bytes.len() / 2].to_vec(), checksum),
        (b"not a model at all".to_vec(), "not an archrank model file"),
        ([bytes.as_slice(), b"xx"].concat(), checksum),
        (
            {
                let mut b = bytes.clone();
                b[bytes.len() / 2] ^= 1;
                b
            },
            checksum,
        ),
        (version(9), "model format version 9, this build reads version 3"),
        // The previous version (no checksum) is rewritten by `upgrade`; older ones train again.
        (
            version(2),
            "model format version 2, this build reads version 3; `archrank upgrade FILE -o NEW` rewrites it",
        ),
        (
            version(1),
            "model format version 1, this build reads version 3; train it again with this build",
        ),
    ];
    for (i, (bad, message)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.postcard"));
        std::fs::write(&path, bad).unwrap();
        let err = fails(&["predict", "--model", path.to_str().unwrap(), "--task", iris]);
        assert!(err.contains(message), "case {i}: {err}");
        assert!(err.contains(path.to_str().unwrap()), "case {i} names the file: {err}");
    }
    // A CSV of another task: it lacks the columns the model reads.
    let wine = tasks_dir().join("wine.csv");
    let err = fails(&["predict", "--model", model, "--task", wine.to_str().unwrap()]);
    assert!(err.contains("the model reads column(s) sepal_length_cm,"), "{err}");
    // The same columns with a class the model does not know: predicted, counted wrong, said.
    let text = std::fs::read_to_string(iris).unwrap();
    let renamed = dir.path().join("renamed.csv");
    std::fs::write(&renamed, text.replace("setosa", "unheard_of")).unwrap();
    let out = ok(&["predict", "--model", model, "--task", renamed.to_str().unwrap()]);
    assert!(
        out.contains("50 rows are labelled `unheard_of`, a class the model never learned"),
        "{out}"
    );
}
