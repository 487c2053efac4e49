//! Preparing data: splits, input features, normalisation fitted on the training split only,
//! target encoding; and the bundled sets learned to the accuracy the literature reports.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::data::{
    BundledDataset, DataError, Dataset, Feature, Generator, GeneratorSettings, Normalization,
    PrepareOptions, Scaling, SplitSettings, TargetEncoding, TargetScaling, Task, prepare,
    split_indices,
};
use layerwright_nn::{
    Activation, ArchitectureBuilder, Batching, DenseSpec, Loss, Optimizer, OutputFunction,
    OutputSpec, Precision, Session, Shuffle, TrainingConfig,
};
use ndarray::array;

fn split(fraction: f64, seed: u64) -> SplitSettings {
    SplitSettings {
        train_fraction: fraction,
        seed,
    }
}

#[test]
fn a_stratified_split_keeps_each_class_in_proportion() {
    let iris = BundledDataset::Iris.load().unwrap();
    let (train, test) = split_indices(&iris, split(0.8, 3)).unwrap();
    assert_eq!((train.len(), test.len()), (120, 30));
    for class in 0..3 {
        let in_train = train
            .iter()
            .filter(|&&i| iris.targets[i] == class as f64)
            .count();
        assert_eq!(in_train, 40, "class {class}");
    }
    let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
    all.sort_unstable();
    assert_eq!(
        all,
        (0..150).collect::<Vec<_>>(),
        "the splits are disjoint and complete"
    );
    assert_eq!(
        split_indices(&iris, split(0.8, 3)).unwrap(),
        (train.clone(), test)
    );
    assert_ne!(split_indices(&iris, split(0.8, 4)).unwrap().0, train);
}

#[test]
fn a_split_fraction_outside_the_range_is_refused() {
    let iris = BundledDataset::Iris.load().unwrap();
    assert_eq!(
        split_indices(&iris, split(0.95, 1))
            .unwrap_err()
            .to_string(),
        "the training fraction must be between 0.1 and 0.9 (or 1 for no test set), got 0.95"
    );
    let (train, test) = split_indices(&iris, split(1.0, 1)).unwrap();
    assert_eq!((train.len(), test.len()), (150, 0));
}

#[test]
fn playground_features_compute_squares_products_and_sines() {
    let row = [2.0, 3.0];
    let values: Vec<f64> = Feature::PLAYGROUND.iter().map(|f| f.value(&row)).collect();
    assert_eq!(
        values,
        [2.0, 3.0, 4.0, 9.0, 6.0, 2.0_f64.sin(), 3.0_f64.sin()]
    );
    let names = ["x1".to_owned(), "x2".to_owned()];
    let labels: Vec<String> = Feature::PLAYGROUND
        .iter()
        .map(|f| f.label(&names))
        .collect();
    assert_eq!(
        labels,
        ["x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2"]
    );
}

#[test]
fn normalisation_is_fitted_on_the_training_split_only() {
    let mut data = Generator::Line { w: 2.0, b: -1.0 }.generate(GeneratorSettings {
        samples: 100,
        noise: 0.0,
        seed: 2,
    });
    let prepared = prepare(
        &data,
        &PrepareOptions {
            features: Feature::columns(1),
            normalization: Normalization::ZScore,
            target: TargetScaling::Raw,
            encoding: TargetEncoding::Column,
            split: split(0.7, 5),
            validation_fraction: 0.0,
            image_range: None,
        },
    )
    .unwrap();
    // The statistics are the training rows' own mean and standard deviation, in f64…
    let raw: Vec<f64> = prepared
        .train_indices
        .iter()
        .map(|&i| data.inputs[[i, 0]])
        .collect();
    let mean = raw.iter().sum::<f64>() / raw.len() as f64;
    let deviation = (raw.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / raw.len() as f64).sqrt();
    let scaling = &prepared.description.input_scaling;
    assert!((scaling.offset[0] - mean).abs() < 1e-12);
    assert!((scaling.scale[0] - deviation).abs() < 1e-12);
    // …and the samples, kept in f32, have mean 0 and variance 1 to f32's precision.
    let train = prepared.train.inputs.column(0).mapv(f64::from);
    assert!(train.mean().unwrap().abs() < 1e-6);
    assert!((train.mapv(|v| v * v).mean().unwrap() - 1.0).abs() < 1e-6);
    // Changing every test example leaves the fitted statistics untouched.
    for &i in &prepared.test_indices {
        data.inputs[[i, 0]] = 1e6;
    }
    let again = prepare(
        &data,
        &PrepareOptions {
            features: Feature::columns(1),
            normalization: Normalization::ZScore,
            target: TargetScaling::Raw,
            encoding: TargetEncoding::Column,
            split: split(0.7, 5),
            validation_fraction: 0.0,
            image_range: None,
        },
    )
    .unwrap();
    assert_eq!(
        again.description.input_scaling,
        prepared.description.input_scaling
    );
    assert_eq!(again.train, prepared.train);
}

#[test]
fn min_max_maps_the_training_split_onto_0_to_1() {
    let scaling = Scaling::fit(
        Normalization::MinMax,
        array![[2.0, 5.0], [4.0, 5.0], [3.0, 5.0]].view(),
    );
    assert_eq!(scaling.offset, [2.0, 5.0]);
    assert_eq!(scaling.scale, [2.0, 1.0], "a constant column gets scale 1");
    let mut data = array![[2.0, 5.0], [4.0, 5.0], [3.0, 5.0]];
    scaling.apply(&mut data);
    assert_eq!(data, array![[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]]);
}

#[test]
fn the_digits_constant_columns_get_scale_1() {
    let digits = BundledDataset::Digits.load().unwrap();
    for normalization in [Normalization::ZScore, Normalization::MinMax] {
        let scaling = Scaling::fit(normalization, digits.inputs.view());
        let constant: Vec<usize> = (0..64)
            .filter(|&c| {
                digits
                    .inputs
                    .column(c)
                    .iter()
                    .all(|&v| v == digits.inputs[[0, c]])
            })
            .collect();
        assert_eq!(constant.len(), 3, "digits has three constant pixels");
        for c in constant {
            assert_eq!(scaling.scale[c], 1.0);
        }
        assert!(scaling.scale.iter().all(|s| s.is_finite() && *s > 0.0));
    }
}

#[test]
fn a_standardised_regression_target_is_inverted_in_predictions() {
    let diabetes = BundledDataset::Diabetes.load().unwrap();
    let prepared = prepare(
        &diabetes,
        &PrepareOptions {
            features: Feature::columns(10),
            normalization: Normalization::ZScore,
            target: TargetScaling::Standardized,
            encoding: TargetEncoding::Column,
            split: split(0.8, 1),
            validation_fraction: 0.0,
            image_range: None,
        },
    )
    .unwrap();
    // Standardised in f64, then kept in f32 (about 7 significant digits).
    let targets = prepared.train.targets.column(0).mapv(f64::from);
    assert!(targets.mean().unwrap().abs() < 1e-6);
    assert!((targets.mapv(|v| v * v).mean().unwrap() - 1.0).abs() < 1e-6);
    let decoded = prepared
        .description
        .decode_outputs(prepared.train.targets.mapv(f64::from));
    for (k, &i) in prepared.train_indices.iter().enumerate() {
        // Targets up to 346: f32 keeps them to within 346 · 2⁻²⁴ ≈ 2e-5.
        assert!((decoded[[k, 0]] - diabetes.targets[i]).abs() < 1e-4);
    }
}

#[test]
fn class_targets_are_one_hot_for_softmax_and_one_column_for_sigmoid() {
    let data = Dataset::from_points(
        "points",
        Task::Classification,
        &[
            layerwright_nn::data::LabeledPoint {
                x: 0.0,
                y: 0.0,
                label: 1.0,
            },
            layerwright_nn::data::LabeledPoint {
                x: 1.0,
                y: 0.0,
                label: 0.0,
            },
            layerwright_nn::data::LabeledPoint {
                x: 0.0,
                y: 1.0,
                label: 2.0,
            },
        ],
        3,
    );
    let one_hot = prepare(
        &data,
        &PrepareOptions {
            features: Feature::columns(2),
            normalization: Normalization::None,
            target: TargetScaling::Raw,
            encoding: TargetEncoding::OneHot,
            split: split(1.0, 1),
            validation_fraction: 0.0,
            image_range: None,
        },
    )
    .unwrap();
    assert_eq!(
        one_hot.description.encode_targets::<f64>(&[1.0, 0.0, 2.0]),
        array![[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    );
    let column = prepare(
        &data,
        &PrepareOptions {
            features: Feature::columns(2),
            normalization: Normalization::None,
            target: TargetScaling::Raw,
            encoding: TargetEncoding::Column,
            split: split(1.0, 1),
            validation_fraction: 0.0,
            image_range: None,
        },
    )
    .unwrap();
    assert_eq!(
        column.description.encode_targets::<f64>(&[1.0, 0.0]),
        array![[1.0], [0.0]]
    );
}

#[test]
fn prediction_inputs_must_have_the_training_width() {
    let iris = BundledDataset::Iris.load().unwrap();
    let prepared = prepare(
        &iris,
        &PrepareOptions {
            features: Feature::columns(4),
            normalization: Normalization::ZScore,
            target: TargetScaling::Raw,
            encoding: TargetEncoding::OneHot,
            split: split(0.8, 1),
            validation_fraction: 0.0,
            image_range: None,
        },
    )
    .unwrap();
    let error = prepared
        .description
        .encode_inputs(array![[1.0, 2.0]].view())
        .unwrap_err();
    assert_eq!(
        error,
        DataError::RawWidth {
            expected: 4,
            found: 2
        }
    );
    let error = prepare(
        &iris,
        &PrepareOptions {
            features: vec![Feature::Column { index: 7 }],
            normalization: Normalization::None,
            target: TargetScaling::Raw,
            encoding: TargetEncoding::OneHot,
            split: split(0.8, 1),
            validation_fraction: 0.0,
            image_range: None,
        },
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the input feature 'column 8' reads column 8, but the data has 4 columns"
    );
}

/// Trains `inputs-hidden-classes` softmax with Adam and returns the test accuracy.
fn softmax_test_accuracy(
    set: BundledDataset,
    hidden: usize,
    normalization: Normalization,
    epochs: usize,
) -> f64 {
    let data = set.load().unwrap();
    let prepared = prepare(
        &data,
        &PrepareOptions {
            features: Feature::columns(data.feature_count()),
            normalization,
            target: TargetScaling::Raw,
            encoding: TargetEncoding::OneHot,
            split: split(0.8, 1),
            validation_fraction: 0.0,
            image_range: None,
        },
    )
    .unwrap();
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", data.feature_count()).unwrap();
    let h = builder
        .dense("hidden", x, DenseSpec::new(hidden, Activation::Relu))
        .unwrap();
    let output = OutputSpec::new(
        data.class_count(),
        OutputFunction::Softmax,
        Loss::SoftmaxCrossEntropy,
    );
    let architecture = builder.output("output", h, output).unwrap();
    let initial = architecture.initial_parameters(1);
    let config = TrainingConfig {
        optimizer: Optimizer::ADAM,
        learning_rate: 0.01,
        batching: Batching::MiniBatch { size: 16 },
        shuffle: Shuffle::EveryEpoch,
        ..TrainingConfig::default()
    };
    let mut session = Session::new(
        architecture,
        &initial,
        &prepared.train,
        config,
        Precision::F32,
    )
    .unwrap();
    session.run_epochs(epochs).unwrap();
    session.evaluate(&prepared.test).unwrap().accuracy.unwrap()
}

#[test]
fn a_small_softmax_network_reaches_90_percent_on_iris() {
    let accuracy = softmax_test_accuracy(BundledDataset::Iris, 8, Normalization::ZScore, 100);
    assert!(accuracy >= 0.9, "iris test accuracy {accuracy}");
}

#[test]
fn a_small_softmax_network_reaches_90_percent_on_digits() {
    // Pixels 0..16 scaled into 0..1 by min-max on the training split.
    let accuracy = softmax_test_accuracy(BundledDataset::Digits, 32, Normalization::MinMax, 15);
    assert!(accuracy >= 0.9, "digits test accuracy {accuracy}");
}

#[test]
fn a_feature_is_worked_out_over_the_chosen_rows_in_their_order() {
    let raw = array![[1.0, 2.0], [3.0, -1.0], [0.5, 4.0]];
    let product = Feature::Product { a: 0, b: 1 };
    assert_eq!(product.values_at(raw.view(), &[2, 0]), array![2.0, 2.0]);
    let square = Feature::Square { index: 0 };
    assert_eq!(square.values_at(raw.view(), &[1, 2]), array![9.0, 0.25]);
}
