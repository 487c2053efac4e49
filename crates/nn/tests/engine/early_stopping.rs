//! Early stopping and learning-rate schedules through a compiled document: a large network
//! on a small noisy set overfits, so its validation loss turns up and training stops,
//! putting back the best epoch's weights.

use layerwright_nn::Precision;
use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::graph::io::parse_document;
use layerwright_nn::train::early_stopping::{EarlyStopper, Verdict};
use serde_json::json;

/// The circle with 60 very noisy points, a 64-unit hidden layer, a high rate, and early
/// stopping with patience 5 on a fifth of the training split.
fn overfitting_document() -> layerwright_nn::graph::GraphDocument {
    let mut document: serde_json::Value =
        serde_json::from_str(include_str!("../../../../assets/examples/circle.json")).unwrap();
    document["dataset"]["source"]["samples"] = json!(60);
    document["dataset"]["source"]["noise"] = json!(0.5);
    document["dataset"]["train_fraction"] = json!(0.8);
    document["nodes"][1]["units"] = json!(64);
    document["training"]["learning_rate"] = json!(0.05);
    document["training"]["epochs"] = json!(400);
    document["training"]["early_stopping"] =
        json!({"patience": 5, "watch": {"kind": "validation", "fraction": 0.25}});
    parse_document(&document.to_string(), "overfit.json").unwrap()
}

#[test]
fn training_stops_once_the_validation_loss_turns_up_and_puts_back_the_best_weights() {
    let document = overfitting_document();
    let dataset = load_dataset(&document.dataset, None).unwrap();
    let compiled = compile(&document, &dataset).unwrap();
    // 60 points, 48 for training: a quarter of them (12) held out for validation.
    assert_eq!(compiled.data.train.len(), 36);
    assert_eq!(compiled.data.validation.len(), 12);
    assert!(compiled.data.validation_indices.iter().all(
        |i| !compiled.data.train_indices.contains(i) && !compiled.data.test_indices.contains(i)
    ));
    let watched = compiled.watched().unwrap();
    let mut session = compiled.session(Precision::F32).unwrap();
    let mut stopper = EarlyStopper::new(compiled.early_stopping.unwrap());
    let mut trained = 0;
    for _ in 0..compiled.epochs {
        session.run_epoch().unwrap();
        trained += 1;
        let loss = session.evaluate(watched).unwrap().loss;
        if stopper.observe(session.epochs(), loss, || session.parameters()) == Verdict::Stop {
            break;
        }
    }
    assert!(trained < 400, "stopped early, after {trained} epochs");
    let (best_epoch, best_loss) = stopper.best().unwrap();
    assert_eq!(
        trained,
        best_epoch + 5,
        "five epochs of patience after the best"
    );
    session
        .set_parameters(stopper.weights_to_restore().unwrap())
        .unwrap();
    // The restored weights give exactly the best loss recorded.
    assert_eq!(session.evaluate(watched).unwrap().loss, best_loss);
}

#[test]
fn a_schedule_in_the_document_sets_each_epoch_s_rate() {
    let mut document = overfitting_document();
    document.training.early_stopping = None;
    document.training.schedule =
        serde_json::from_value(json!({"kind": "step", "every": 2, "factor": 0.5, "warmup": 1}))
            .unwrap();
    let dataset = load_dataset(&document.dataset, None).unwrap();
    let compiled = compile(&document, &dataset).unwrap();
    assert_eq!(
        compiled.data.validation.len(),
        0,
        "no early stopping, no validation rows"
    );
    let mut session = compiled.session(Precision::F32).unwrap();
    // η = 0.05: a tenth in the warm-up epoch 0, then 0.05, 0.025, 0.025, 0.0125.
    let mut rates = Vec::new();
    for _ in 0..5 {
        rates.push(session.learning_rate());
        session.run_epoch().unwrap();
    }
    let expected = [0.005, 0.05, 0.025, 0.025, 0.0125];
    for (rate, expected) in rates.iter().zip(expected) {
        assert!((rate - expected).abs() < 1e-15, "{rates:?}");
    }
}
