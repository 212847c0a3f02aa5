//! Any bytes given to the core's loaders give `Err`, or a ranker that searches (within a budget
//! too) and a model that predicts, without panicking.
#![no_main]

use archrank_core::dims::MAX_CLASSES;
use archrank_core::model_format::ModelInput;
use archrank_core::{
    Budget, Model, Paper, Ranker, SamplesFile, TaskEmbedding, TaskShape, Tiny,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ranker) = Ranker::<Tiny>::load(data) {
        let z = TaskEmbedding::from_element(0.1);
        let result = ranker.search(&z);
        assert!(result.score.is_finite());
        let shape = TaskShape { features: 5, classes: 3, text: false, samples: 100 };
        let budget = Budget { max_params: Some(500), ..Budget::UNLIMITED };
        if let Ok(within) = ranker.search_within(&z, &ranker.search_config(), &shape, &budget) {
            assert!(budget.allows(&archrank_core::discrete_cost(&within.discrete, &shape)));
        }
    }
    if let Ok(ranker) = Ranker::<Paper>::load(data) {
        let result = ranker.search(&TaskEmbedding::zeros());
        assert!(result.score.is_finite());
    }
    let _ = SamplesFile::load(data);
    if let Ok(model) = Model::load(data) {
        let mut probs = [0.0; MAX_CLASSES];
        let class = match &model.input {
            ModelInput::Numeric(input) => {
                let row = [0.5_f32; 64];
                model.predict_numeric(row.get(..input.features()).unwrap_or(&row), &mut probs).ok()
            }
            ModelInput::Text(_) => model.predict_text("a small text", &mut probs).ok(),
        };
        if let Some(class) = class {
            assert!(class < model.classes);
        }
    }
});
