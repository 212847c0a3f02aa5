//! Any bytes given to the model loader give `Err` or a model that predicts any row (NaN,
//! infinities, huge values, the wrong length) and any text with a class in range or an error,
//! without panicking; and the host's notes in it parse or are refused.
#![no_main]

use archrank_core::Model;
use archrank_core::dims::MAX_CLASSES;
use archrank_core::model_format::ModelInput;
use archrank_trainer::deploy::model_notes::ModelNotes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = Model::load(data) else { return };
    let _ = ModelNotes::parse(model.file.columns);
    let mut probs = [0.0; MAX_CLASSES];
    let rows: [&[f32]; 4] = [
        &[0.5; 64],
        &[f32::NAN; 64],
        &[f32::INFINITY, -f32::INFINITY, f32::MAX, f32::MIN, 1e-45, 0.0, -0.0, 3.0],
        &[],
    ];
    for row in rows {
        let class = match &model.input {
            ModelInput::Numeric(input) => {
                let take = input.features().min(row.len());
                model.predict_numeric(&row[..take], &mut probs).ok()
            }
            ModelInput::Text(_) => None,
        };
        if let Some(class) = class {
            assert!(class < model.classes);
        }
    }
    for text in ["", "a small text", "ünïcödé 🦀 \u{0} \t\n", &"w ".repeat(3000)] {
        if let Ok(class) = model.predict_text(text, &mut probs) {
            assert!(class < model.classes);
        }
    }
});
