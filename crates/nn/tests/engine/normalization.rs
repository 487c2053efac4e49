//! Batch and layer normalisation: hand-worked values for a batch of three, finite-difference
//! gradient checks, running statistics by hand, and the batch-of-one refusal.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::network::model::{Mode, Workspace, forward, loss_and_gradients};
use layerwright_nn::teach::gradient_check::gradient_check;
use layerwright_nn::{
    Activation, Architecture, ArchitectureBuilder, Batching, DenseSpec, Initializer, Loss, NodeId,
    OutputFunction, OutputSpec, ParameterSet, Precision, Reduction, Samples, Session, Shuffle,
    TrainingConfig, TrainingError,
};
use ndarray::{Array2, array};

fn close(found: f64, expected: f64) -> bool {
    (found - expected).abs() < 1e-12
}

fn assert_rows(found: ndarray::ArrayView2<f64>, expected: &Array2<f64>) {
    assert_eq!(found.dim(), expected.dim());
    for (f, e) in found.iter().zip(expected) {
        assert!(close(*f, *e), "found {found:?}, expected {expected:?}");
    }
}

/// An output that reads the normalisation's first unit alone: `z = y₀` (weights 1, 0, …, no
/// bias), half squared error summed against 0, so `∂L/∂z = z`.
fn first_unit_output(width: usize) -> (OutputSpec, Array2<f64>) {
    let spec = OutputSpec {
        reduction: Reduction::Sum,
        use_bias: false,
        ..OutputSpec::new(1, OutputFunction::Identity, Loss::HalfSquaredError)
    };
    let mut weights = Array2::zeros((width, 1));
    weights[[0, 0]] = 1.0;
    (spec, weights)
}

/// `x → batch norm (ε = 1/3) → output reading unit 0`, with γ = (2, 1), β = (0.5, 0).
fn batch_norm_network() -> (Architecture, ParameterSet<f64>) {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 2).unwrap();
    let norm = builder.batch_norm("norm", x, 1.0 / 3.0, 0.1).unwrap();
    let (spec, weights) = first_unit_output(2);
    let architecture = builder.output("output", norm, spec).unwrap();
    let mut parameters = architecture.initial_parameters(0);
    // Order: γ, β, running mean, running variance, then the output's W.
    parameters.tensors[0] = array![[2.0, 1.0]];
    parameters.tensors[1] = array![[0.5, 0.0]];
    parameters.tensors[4] = weights;
    (architecture, parameters)
}

#[test]
fn batch_norm_of_a_batch_of_three_matches_the_hand_computation() {
    let (architecture, parameters) = batch_norm_network();
    let mut workspace = Workspace::new(&architecture, 3);
    // Unit 0: x = 1, 2, 3, μ = 2, σ² = 2/3, σ² + ε = 1, x̂ = −1, 0, 1.
    // Unit 1: x = −1, 1, 0, μ = 0, σ² = 2/3, x̂ = −1, 1, 0.
    let inputs = array![[1.0, -1.0], [2.0, 1.0], [3.0, 0.0]];
    let targets = array![[0.0], [0.0], [0.0]];
    let mut rng = layerwright_nn::SplitMix64::new(1);
    let loss = loss_and_gradients(
        &architecture,
        &parameters,
        inputs.view(),
        targets.view(),
        Mode::Training(&mut rng),
        &mut workspace,
    );
    let norm = NodeId(1);
    // y = γ x̂ + β: unit 0 = 2·(−1, 0, 1) + 0.5, unit 1 = (−1, 1, 0).
    assert_rows(
        workspace.value(norm),
        &array![[-1.5, -1.0], [0.5, 1.0], [2.5, 0.0]],
    );
    // L = ½(1.5² + 0.5² + 2.5²) = 4.375.
    assert!(close(loss, 4.375));
    // The batch's statistics: means (2, 0), variances (2/3, 2/3), 1/√(σ² + ε) = (1, 1).
    assert_rows(
        workspace.batch_statistics(norm),
        &array![[2.0, 0.0], [2.0 / 3.0, 2.0 / 3.0], [1.0, 1.0]],
    );
    // g = ∂L/∂y₀ = z = (−1.5, 0.5, 2.5), ∂L/∂y₁ = 0.
    // ∂L/∂γ₀ = Σ g x̂ = 1.5 + 0 + 2.5 = 4, ∂L/∂β₀ = Σ g = 1.5; unit 1 gets nothing.
    let gradients = workspace.parameter_gradients();
    assert_rows(gradients.tensors[0].view(), &array![[4.0, 0.0]]);
    assert_rows(gradients.tensors[1].view(), &array![[1.5, 0.0]]);
    // ∂L/∂x̂₀ = gγ₀ = (−3, 1, 5); Σ = 3; Σ ∂L/∂x̂₀·x̂₀ = 3 + 0 + 5 = 8;
    // ∂L/∂x₀ = (s/n)(n·∂L/∂x̂ − 3 − 8x̂) = ⅓((−9, 3, 15) − 3 − (−8, 0, 8)) = (−4/3, 0, 4/3).
    assert_rows(
        workspace.gradient(NodeId(0)),
        &array![[-4.0 / 3.0, 0.0], [0.0, 0.0], [4.0 / 3.0, 0.0]],
    );
}

#[test]
fn batch_norm_at_inference_uses_the_running_statistics() {
    let (architecture, mut parameters) = batch_norm_network();
    // Running mean (1, 0), variance (2/3, 11/3): with ε = 1/3, s = (1, ½).
    parameters.tensors[2] = array![[1.0, 0.0]];
    parameters.tensors[3] = array![[2.0 / 3.0, 11.0 / 3.0]];
    let mut workspace = Workspace::new(&architecture, 1);
    let inputs = array![[3.0, 4.0]];
    forward(
        &architecture,
        &parameters,
        inputs.view(),
        Mode::Inference,
        &mut workspace,
    );
    // x̂ = ((3 − 1)·1, (4 − 0)·½) = (2, 2); y = (2·2 + 0.5, 1·2 + 0) = (4.5, 2).
    assert_rows(workspace.value(NodeId(1)), &array![[4.5, 2.0]]);
}

#[test]
fn layer_norm_of_a_batch_of_three_matches_the_hand_computation() {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 3).unwrap();
    let norm = builder.layer_norm("norm", x, 1.0 / 3.0).unwrap();
    let (spec, weights) = first_unit_output(3);
    let architecture = builder.output("output", norm, spec).unwrap();
    let mut parameters = architecture.initial_parameters(0);
    parameters.tensors[0] = array![[1.0, 2.0, 3.0]];
    parameters.tensors[1] = array![[0.5, 0.0, 0.0]];
    parameters.tensors[2] = weights;
    // Row 0: μ = 2, σ² = 2/3, σ² + ε = 1, x̂ = (−1, 0, 1).
    // Row 1: μ = 2, σ² = 2/3, x̂ = (1, −1, 0).
    // Row 2: μ = 5, σ² = 0, σ² + ε = 1/3, s = √3, x̂ = 0.
    let inputs = array![[1.0, 2.0, 3.0], [3.0, 1.0, 2.0], [5.0, 5.0, 5.0]];
    let targets = array![[0.0], [0.0], [0.0]];
    let mut workspace = Workspace::new(&architecture, 3);
    let loss = loss_and_gradients(
        &architecture,
        &parameters,
        inputs.view(),
        targets.view(),
        Mode::Inference,
        &mut workspace,
    );
    // y = γ x̂ + β with γ = (1, 2, 3), β = (0.5, 0, 0).
    assert_rows(
        workspace.value(norm),
        &array![[-0.5, 0.0, 3.0], [1.5, -2.0, 0.0], [0.5, 0.0, 0.0]],
    );
    // z = y₀ = (−0.5, 1.5, 0.5), L = ½(0.25 + 2.25 + 0.25) = 1.375.
    assert!(close(loss, 1.375));
    // ∂L/∂γ = (Σ g x̂₀, 0, 0) = (0.5 + 1.5 + 0, 0, 0), ∂L/∂β = (Σ g, 0, 0) = (1.5, 0, 0).
    let gradients = workspace.parameter_gradients();
    assert_rows(gradients.tensors[0].view(), &array![[2.0, 0.0, 0.0]]);
    assert_rows(gradients.tensors[1].view(), &array![[1.5, 0.0, 0.0]]);
    // Per row, ∂L/∂x̂ = (g, 0, 0) (γ₀ = 1) and ∂L/∂x = (s/3)(3∂L/∂x̂ − Σ∂L/∂x̂ − x̂ Σ∂L/∂x̂·x̂):
    // row 0: g = −0.5, sums −0.5 and 0.5: ⅓((−1.5, 0, 0) + 0.5 − (−0.5, 0, 0.5)) = (−⅙, ⅙, 0);
    // row 1: g = 1.5, sums 1.5 and 1.5: ⅓((4.5, 0, 0) − 1.5 − (1.5, −1.5, 0)) = (½, 0, −½);
    // row 2: g = 0.5, sums 0.5 and 0: (√3/3)((1.5, 0, 0) − 0.5) = (√3/3)(1, −½, −½).
    let root3 = 3f64.sqrt() / 3.0;
    assert_rows(
        workspace.gradient(NodeId(0)),
        &array![
            [-1.0 / 6.0, 1.0 / 6.0, 0.0],
            [0.5, 0.0, -0.5],
            [root3, -0.5 * root3, -0.5 * root3]
        ],
    );
}

/// `x(3) → dense(4, identity) → norm → tanh → dense(3, sigmoid) → softmax over 3 classes`,
/// with the norm's γ and β moved off 1 and 0.
fn normalised_classifier(batch_norm: bool) -> (Architecture, ParameterSet<f64>) {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 3).unwrap();
    let affine = builder
        .dense("affine", x, DenseSpec::new(4, Activation::Identity))
        .unwrap();
    let norm = if batch_norm {
        builder.batch_norm("norm", affine, 1e-5, 0.1).unwrap()
    } else {
        builder.layer_norm("norm", affine, 1e-5).unwrap()
    };
    let squashed = builder
        .activation("squash", norm, Activation::Tanh)
        .unwrap();
    let hidden = builder
        .dense("hidden", squashed, DenseSpec::new(3, Activation::Sigmoid))
        .unwrap();
    let spec = OutputSpec::new(3, OutputFunction::Softmax, Loss::SoftmaxCrossEntropy);
    let architecture = builder.output("output", hidden, spec).unwrap();
    let mut parameters = architecture.initial_parameters(7);
    // γ and β follow the affine layer's W and b.
    parameters.tensors[2] = array![[1.3, 0.7, -0.9, 1.1]];
    parameters.tensors[3] = array![[0.1, -0.2, 0.3, 0.05]];
    (architecture, parameters)
}

fn classifier_data() -> (Array2<f64>, Array2<f64>) {
    let inputs = array![
        [0.3, -1.2, 0.8],
        [1.5, 0.4, -0.6],
        [-0.7, 0.9, 0.2],
        [0.1, 0.1, -1.4],
        [2.0, -0.5, 0.5]
    ];
    let targets = array![
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0],
        [1.0, 0.0, 0.0]
    ];
    (inputs, targets)
}

#[test]
fn batch_norm_gradients_agree_with_finite_differences_in_training_and_inference_forms() {
    let (architecture, parameters) = normalised_classifier(true);
    let (inputs, targets) = classifier_data();
    for seed in [Some(3), None] {
        let check = gradient_check(
            &architecture,
            &parameters,
            inputs.view(),
            targets.view(),
            seed,
        );
        // γ, β and both dense layers are checked; the running statistics are not learned.
        assert_eq!(check.parameters.len(), 2 + 2 + 2 + 2);
        assert!(
            check.max_relative_error() < 1e-6,
            "{seed:?}: {:?}",
            check.parameters
        );
    }
}

#[test]
fn layer_norm_gradients_agree_with_finite_differences() {
    let (architecture, parameters) = normalised_classifier(false);
    let (inputs, targets) = classifier_data();
    let check = gradient_check(
        &architecture,
        &parameters,
        inputs.view(),
        targets.view(),
        None,
    );
    assert_eq!(check.parameters.len(), 8);
    assert!(check.max_relative_error() < 1e-6, "{:?}", check.parameters);
}

#[test]
fn an_activation_node_with_prelu_learns_its_slopes_and_checks_out() {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 3).unwrap();
    let affine = builder
        .dense("affine", x, DenseSpec::new(4, Activation::Identity))
        .unwrap();
    let prelu = builder
        .activation("prelu", affine, Activation::PRELU)
        .unwrap();
    let spec = OutputSpec::new(3, OutputFunction::Softmax, Loss::SoftmaxCrossEntropy);
    let architecture = builder.output("output", prelu, spec).unwrap();
    let parameters = architecture.initial_parameters(11);
    assert_eq!(parameters.tensors[2], array![[0.25, 0.25, 0.25, 0.25]]);
    let (inputs, targets) = classifier_data();
    let check = gradient_check(
        &architecture,
        &parameters,
        inputs.view(),
        targets.view(),
        None,
    );
    assert!(check.max_relative_error() < 1e-6, "{:?}", check.parameters);
}

/// Batch norm straight after the input, so its batches' statistics are the data's.
fn running_statistics_session(rows: Array2<f64>, batch: usize) -> Session {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 1).unwrap();
    let norm = builder.batch_norm("norm", x, 1e-5, 0.1).unwrap();
    let spec = OutputSpec {
        initializer: Initializer::Constant { value: 0.5 },
        ..OutputSpec::new(1, OutputFunction::Identity, Loss::HalfSquaredError)
    };
    let architecture = builder.output("output", norm, spec).unwrap();
    let initial = architecture.initial_parameters(0);
    let targets = Array2::zeros((rows.nrows(), 1));
    let config = TrainingConfig {
        batching: Batching::MiniBatch { size: batch },
        shuffle: Shuffle::Never,
        ..TrainingConfig::default()
    };
    let samples = Samples::new(rows, targets);
    Session::new(architecture, &initial, &samples, config, Precision::F64).unwrap()
}

#[test]
fn running_statistics_after_two_batches_match_the_hand_computation_and_evaluation_leaves_them() {
    let rows = array![[1.0], [2.0], [3.0], [4.0], [6.0], [8.0]];
    let mut session = running_statistics_session(rows.clone(), 3);
    session.step_batch().unwrap();
    // Batch 1 = (1, 2, 3): μ = 2, unbiased variance 1.
    // mean 0.9·0 + 0.1·2 = 0.2; variance 0.9·1 + 0.1·1 = 1.
    let after_one = session.parameters();
    assert!(close(after_one.tensors[2][[0, 0]], 0.2));
    assert!(close(after_one.tensors[3][[0, 0]], 1.0));
    session.step_batch().unwrap();
    // Batch 2 = (4, 6, 8): μ = 6, unbiased variance (4 + 0 + 4)/2 = 4.
    // mean 0.9·0.2 + 0.1·6 = 0.78; variance 0.9·1 + 0.1·4 = 1.3.
    let after_two = session.parameters();
    assert!(close(after_two.tensors[2][[0, 0]], 0.78));
    assert!(close(after_two.tensors[3][[0, 0]], 1.3));
    // Evaluating and predicting use the running statistics and leave them as they are.
    let samples = Samples::new(rows.clone(), Array2::zeros((6, 1)));
    session.evaluate(&samples).unwrap();
    session.predict(rows.view()).unwrap();
    assert_eq!(session.parameters(), after_two);
}

#[test]
fn a_ragged_last_batch_of_one_joins_the_batch_before_it() {
    // 7 rows in batches of 3: (3, 4) instead of (3, 3, 1).
    let rows = array![[1.0], [2.0], [3.0], [4.0], [6.0], [8.0], [9.0]];
    let mut session = running_statistics_session(rows, 3);
    assert_eq!(session.step_batch().unwrap().batch_size, 3);
    let last = session.step_batch().unwrap();
    assert_eq!(last.batch_size, 4);
    assert!(last.finished_epoch);
    assert_eq!(session.updates(), 2);
}

#[test]
fn training_batch_norm_on_batches_of_one_is_refused_with_a_message() {
    let rows = array![[1.0], [2.0], [3.0]];
    let mut session = running_statistics_session(rows, 1);
    let error = session.step_batch().unwrap_err();
    assert_eq!(
        error,
        TrainingError::BatchOfOne {
            node: "norm".to_owned()
        }
    );
    assert!(error.to_string().contains("at least two examples a batch"));
}
