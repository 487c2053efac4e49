//! Training loop behaviour: batching modes, shuffle modes, regularization, optimizers,
//! divergence and input checks.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::workloads::Workload;
use layerwright_nn::{
    Activation, Architecture, ArchitectureBuilder, ArchitectureError, Batching, DenseSpec,
    Initializer, Loss, Optimizer, OutputFunction, OutputSpec, Precision, Regularization, Samples,
    Session, Shuffle, SplitMix64, TrainingConfig, TrainingError,
};
use ndarray::{Array2, array};

/// y = 2x − 1 on ten points of [−1, 1] (the notes' eq. 1.1 with w = 2, b = −1).
fn line_samples() -> Samples {
    let inputs = Array2::from_shape_fn((10, 1), |(r, _)| -1.0 + 2.0 * r as f64 / 9.0);
    let targets = inputs.mapv(|x| 2.0 * x - 1.0);
    Samples::new(inputs, targets)
}

fn linear_regression(loss: Loss) -> Architecture {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 1).unwrap();
    let output = OutputSpec {
        initializer: Initializer::Zeros,
        ..OutputSpec::new(1, OutputFunction::Identity, loss)
    };
    builder.output("y", x, output).unwrap()
}

fn session(architecture: Architecture, samples: &Samples, config: TrainingConfig) -> Session {
    let initial = architecture.initial_parameters(0);
    Session::new(architecture, &initial, samples, config, Precision::F64).unwrap()
}

#[test]
fn gradient_descent_fits_the_notes_line() {
    let config = TrainingConfig {
        learning_rate: 0.1,
        batching: Batching::FullBatch,
        ..TrainingConfig::default()
    };
    let mut session = session(
        linear_regression(Loss::HalfSquaredError),
        &line_samples(),
        config,
    );
    session.run_epochs(500).unwrap();
    let parameters = session.parameters();
    assert!((parameters.tensors[0][[0, 0]] - 2.0).abs() < 1e-6);
    assert!((parameters.tensors[1][[0, 0]] + 1.0).abs() < 1e-6);
    let evaluation = session.evaluate(&line_samples()).unwrap();
    assert!(evaluation.r_squared.unwrap() > 0.999_999);
    assert_eq!(evaluation.accuracy, None);
}

#[test]
fn momentum_and_adam_also_fit_the_line() {
    for optimizer in [Optimizer::MOMENTUM, Optimizer::ADAM] {
        let config = TrainingConfig {
            optimizer,
            learning_rate: 0.05,
            batching: Batching::MiniBatch { size: 5 },
            ..TrainingConfig::default()
        };
        let mut session = session(
            linear_regression(Loss::SquaredError),
            &line_samples(),
            config,
        );
        session.run_epochs(400).unwrap();
        let loss = session.evaluate(&line_samples()).unwrap().loss;
        assert!(loss < 1e-6, "{}: loss {loss}", optimizer.name());
    }
}

#[test]
fn batching_modes_make_the_expected_number_of_updates() {
    let samples = line_samples();
    for (batching, updates_per_epoch) in [
        (Batching::FullBatch, 1),
        (Batching::PerExample, 10),
        (Batching::MiniBatch { size: 4 }, 3), // 4 + 4 + 2: the ragged batch is its own update
    ] {
        let config = TrainingConfig {
            batching,
            ..TrainingConfig::default()
        };
        let mut session = session(linear_regression(Loss::SquaredError), &samples, config);
        session.run_epochs(2).unwrap();
        assert_eq!(session.updates(), 2 * updates_per_epoch, "{batching:?}");
    }
}

#[test]
fn a_ragged_last_batch_is_a_batch_of_its_own() {
    let config = TrainingConfig {
        batching: Batching::MiniBatch { size: 4 },
        shuffle: Shuffle::Never,
        ..TrainingConfig::default()
    };
    let mut session = session(
        linear_regression(Loss::SquaredError),
        &line_samples(),
        config,
    );
    let sizes: Vec<usize> = (0..3)
        .map(|_| session.step_batch().unwrap().batch_size)
        .collect();
    assert_eq!(sizes, [4, 4, 2]);
    assert_eq!(session.epochs(), 1);
}

#[test]
fn shuffling_once_with_seed_42_reproduces_the_workload_a_order() {
    // Workload A's file holds the spiral already permuted by SplitMix64(42). Training the
    // unpermuted spiral with `Shuffle::Once` and seed 42 must give the same losses.
    let workload = Workload::from_json(include_str!("../../benches/data/workload_A.json")).unwrap();
    let order = SplitMix64::new(42).permutation(500);
    let mut original_inputs = Array2::zeros((500, 2));
    let mut original_targets = Array2::zeros((500, 1));
    for (k, &original) in order.iter().enumerate() {
        original_inputs
            .row_mut(original)
            .assign(&workload.samples.inputs.row(k));
        original_targets
            .row_mut(original)
            .assign(&workload.samples.targets.row(k));
    }
    let unpermuted = Samples::new(original_inputs, original_targets);
    let config = TrainingConfig {
        shuffle: Shuffle::Once,
        seed: 42,
        ..workload.config()
    };
    let run = |samples: &Samples, config: TrainingConfig| {
        let mut session = Session::new(
            workload.architecture.clone(),
            &workload.initial,
            samples,
            config,
            Precision::F64,
        )
        .unwrap();
        session.run_epochs(3).unwrap();
        session.parameters()
    };
    assert_eq!(
        run(&unpermuted, config),
        run(&workload.samples, workload.config())
    );
}

#[test]
fn reshuffling_every_epoch_changes_the_order_but_not_the_reproducibility() {
    let run = |shuffle: Shuffle, seed: u64| {
        let config = TrainingConfig {
            shuffle,
            seed,
            learning_rate: 0.05,
            batching: Batching::PerExample,
            ..TrainingConfig::default()
        };
        let mut session = session(
            linear_regression(Loss::SquaredError),
            &line_samples(),
            config,
        );
        session.run_epochs(3).unwrap();
        session.parameters()
    };
    assert_eq!(run(Shuffle::EveryEpoch, 7), run(Shuffle::EveryEpoch, 7));
    assert_ne!(run(Shuffle::EveryEpoch, 7), run(Shuffle::EveryEpoch, 8));
    assert_ne!(run(Shuffle::EveryEpoch, 7), run(Shuffle::Once, 7));
    assert_ne!(run(Shuffle::Once, 7), run(Shuffle::Never, 7));
}

#[test]
fn l2_regularization_decays_the_weights_but_not_the_bias() {
    // One full-batch step from w = 0.5, b = 0.5, with and without an L2 penalty of rate
    // λ = 0.2: the penalty's gradient is λ·w, so with η = 0.1 the two runs' w differ by
    // η·λ·w = 0.1·0.2·0.5 = 0.01, and b, which the penalty leaves alone, is the same.
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 1).unwrap();
    let output = OutputSpec {
        initializer: Initializer::Constant { value: 0.5 },
        ..OutputSpec::new(1, OutputFunction::Identity, Loss::SquaredError)
    };
    let architecture = builder.output("y", x, output).unwrap();
    let mut initial = architecture.initial_parameters(0);
    initial.tensors[1][[0, 0]] = 0.5;
    let step = |regularization: Regularization| {
        let config = TrainingConfig {
            learning_rate: 0.1,
            batching: Batching::FullBatch,
            regularization,
            ..TrainingConfig::default()
        };
        let mut session = Session::new(
            architecture.clone(),
            &initial,
            &line_samples(),
            config,
            Precision::F64,
        )
        .unwrap();
        session.step_batch().unwrap();
        session.parameters()
    };
    let plain = step(Regularization::None);
    let decayed = step(Regularization::L2 { rate: 0.2 });
    assert!((plain.tensors[0][[0, 0]] - decayed.tensors[0][[0, 0]] - 0.01).abs() < 1e-15);
    assert_eq!(plain.tensors[1], decayed.tensors[1]);
}

#[test]
fn a_learning_rate_that_is_far_too_large_stops_with_the_epoch_named() {
    let samples = Samples::new(
        line_samples().inputs.mapv(|x| x * 1e3),
        line_samples().targets.as_ref().clone(),
    );
    let config = TrainingConfig {
        learning_rate: 1e3,
        batching: Batching::FullBatch,
        ..TrainingConfig::default()
    };
    let mut session = session(linear_regression(Loss::SquaredError), &samples, config);
    let error = session.run_epochs(1000).unwrap_err();
    let TrainingError::Diverged { epoch, .. } = error else {
        panic!("expected divergence, got {error}");
    };
    assert!(epoch > 1);
    let message = error.to_string();
    assert!(message.contains(&format!("epoch {epoch}")), "{message}");
    assert!(message.contains("lower learning rate"), "{message}");
}

#[test]
fn data_that_does_not_fit_the_network_is_refused_with_both_widths() {
    let samples = Samples::new(array![[1.0, 2.0]], array![[1.0]]);
    let architecture = linear_regression(Loss::SquaredError);
    let initial = architecture.initial_parameters(0);
    let error = Session::new(
        architecture,
        &initial,
        &samples,
        TrainingConfig::default(),
        Precision::F32,
    )
    .unwrap_err();
    assert_eq!(
        error,
        TrainingError::InputWidth {
            expected: 1,
            found: 2
        }
    );
    assert_eq!(
        error.to_string(),
        "the data has 2 input columns but the network's input takes 1"
    );
}

#[test]
fn non_finite_data_is_refused_with_its_row_and_column() {
    let samples = Samples::new(array![[1.0], [f64::NAN]], array![[1.0], [2.0]]);
    let architecture = linear_regression(Loss::SquaredError);
    let initial = architecture.initial_parameters(0);
    let error = Session::new(
        architecture,
        &initial,
        &samples,
        TrainingConfig::default(),
        Precision::F32,
    )
    .unwrap_err();
    assert_eq!(error.to_string(), "input row 2, column 1 is NaN");
}

#[test]
fn building_errors_name_the_node() {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 2).unwrap();
    let a = builder
        .dense("a", x, DenseSpec::new(3, Activation::Relu))
        .unwrap();
    let b = builder
        .dense("b", x, DenseSpec::new(4, Activation::Relu))
        .unwrap();
    let error = builder.add("sum", &[a, b]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "node 'sum': add needs inputs of equal width, got [3, 4]"
    );
    let error = builder
        .dense("wide", x, DenseSpec::new(5000, Activation::Relu))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "node 'wide': 5000 units is outside 1..=4096"
    );
    let error = builder
        .dense(
            "leaky",
            x,
            DenseSpec::new(2, Activation::LeakyRelu { a: 0.5 }),
        )
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("node 'leaky': leaky ReLU needs a divisor a > 1")
    );
    assert!(matches!(
        builder.dropout("drop", a, 1.0),
        Err(ArchitectureError::BadDropoutRate { .. })
    ));
    let error = builder
        .output(
            "out",
            a,
            OutputSpec::new(3, OutputFunction::Softmax, Loss::BinaryCrossEntropy),
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "node 'out': the binary cross-entropy loss does not fit a softmax output (use softmax cross-entropy)"
    );
}

#[test]
fn learning_rate_changes_take_effect_without_a_restart() {
    let config = TrainingConfig {
        learning_rate: 0.1,
        batching: Batching::FullBatch,
        ..TrainingConfig::default()
    };
    let mut session = session(
        linear_regression(Loss::HalfSquaredError),
        &line_samples(),
        config,
    );
    session.run_epoch().unwrap();
    let before = session.parameters();
    session.set_config(TrainingConfig {
        learning_rate: 0.0,
        ..config
    });
    session.run_epoch().unwrap();
    assert_eq!(session.parameters(), before);
    assert_eq!(session.epochs(), 2);
}
