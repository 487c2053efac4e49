//! Permutation importance: shuffling a column the target depends on costs the model its
//! score; shuffling noise costs nothing.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use layerwright_nn::data::{
    Dataset, Feature, Normalization, PrepareOptions, SplitSettings, TargetEncoding, TargetScaling,
    Task, prepare,
};
use layerwright_nn::math::rng::SplitMix64;
use layerwright_nn::train::importance::permutation_importance;
use layerwright_nn::{
    Activation, ArchitectureBuilder, Batching, DenseSpec, Loss, Optimizer, OutputFunction,
    OutputSpec, Precision, Session, Shuffle, TrainingConfig,
};
use ndarray::Array2;

/// 600 rows of three columns in [−1, 1): the class is whether `signal` is positive;
/// `noise a` and `noise b` have nothing to do with it.
fn one_informative_column() -> Dataset {
    let mut rng = SplitMix64::new(7);
    let inputs = Array2::from_shape_fn((600, 3), |_| rng.next_f64() * 2.0 - 1.0);
    let targets = inputs
        .rows()
        .into_iter()
        .map(|row| f64::from(u8::from(row[1] > 0.0)))
        .collect();
    Dataset {
        name: "one informative column".to_owned(),
        task: Task::Classification,
        feature_names: vec![
            "noise a".to_owned(),
            "signal".to_owned(),
            "noise b".to_owned(),
        ],
        target_name: "class".to_owned(),
        inputs,
        targets,
        class_names: vec!["negative".to_owned(), "positive".to_owned()],
        encoding: None,
        notes: Vec::new(),
    }
}

#[test]
fn the_only_informative_column_is_ranked_first_and_noise_costs_nothing() {
    let dataset = one_informative_column();
    let prepared = prepare(
        &dataset,
        &PrepareOptions {
            features: Feature::columns(3),
            normalization: Normalization::ZScore,
            target: TargetScaling::Raw,
            encoding: TargetEncoding::Column,
            split: SplitSettings {
                train_fraction: 0.7,
                seed: 3,
            },
            validation_fraction: 0.0,
            image_range: None,
        },
    )
    .unwrap();
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 3).unwrap();
    let h = builder
        .dense("hidden", x, DenseSpec::new(8, Activation::Tanh))
        .unwrap();
    let architecture = builder
        .output(
            "output",
            h,
            OutputSpec::new(1, OutputFunction::Sigmoid, Loss::BinaryCrossEntropy),
        )
        .unwrap();
    let config = TrainingConfig {
        optimizer: Optimizer::ADAM,
        learning_rate: 0.02,
        batching: Batching::MiniBatch { size: 32 },
        shuffle: Shuffle::EveryEpoch,
        ..TrainingConfig::default()
    };
    let initial = architecture.initial_parameters(1);
    let mut session = Session::new(
        architecture,
        &initial,
        &prepared.train,
        config,
        Precision::F32,
    )
    .unwrap();
    session.run_epochs(60).unwrap();
    let accuracy = session.evaluate(&prepared.test).unwrap().accuracy.unwrap();
    assert!(accuracy > 0.95, "the model learned the rule: {accuracy}");
    let asked = std::cell::RefCell::new(Vec::new());
    let ranking = permutation_importance(&mut session, &prepared, &dataset, 11, &|done, of| {
        asked.borrow_mut().push((done, of));
        true
    })
    .unwrap()
    .unwrap();
    assert_eq!(*asked.borrow(), [(0, 3), (1, 3), (2, 3)]);
    assert_eq!(ranking[0].column, "signal");
    // Shuffling the signal leaves about chance: the accuracy falls by about 0.45.
    assert!(ranking[0].score_drop > 0.3, "{ranking:?}");
    for noise in &ranking[1..] {
        assert!(noise.score_drop.abs() < 0.05, "{ranking:?}");
    }
    // Asked to stop, it stops.
    let stopped =
        permutation_importance(&mut session, &prepared, &dataset, 11, &|done, _| done < 1).unwrap();
    assert!(stopped.is_none());
}
