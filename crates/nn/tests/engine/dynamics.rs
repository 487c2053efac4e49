//! Training dynamics on a network small enough to work out by hand: gradient norms, update
//! ratios, one dead ReLU unit and one saturated sigmoid unit.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::train::dynamics::{HISTOGRAM_BINS, Histogram};
use layerwright_nn::{
    Activation, ArchitectureBuilder, Batching, DenseSpec, Loss, Optimizer, OutputFunction,
    OutputSpec, Precision, Reduction, Samples, Session, Shuffle, TrainingConfig,
};
use ndarray::array;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn close(found: f64, expected: f64) -> bool {
    (found - expected).abs() < 1e-12 * expected.abs().max(1.0)
}

/// x → relu (2 units) → sigmoid (2 units) → output (1 unit, identity, ½ squared error summed),
/// on the two examples x = 1 and x = 2 with targets 0, one full-batch gradient-descent step.
///
/// relu: W = [[1, −1]], b = (0, −1): h = (x, 0), the second unit's z = −x − 1 < 0 (dead).
/// sigmoid: W = [[10, 1], [0, 0]], b = 0: s = (σ(10x), σ(x)); the first unit is above 0.97 on
/// both examples (saturated), the second (0.73, 0.88) is not.
/// output: W = [[0], [1]], b = 0: z = σ(x).
fn session() -> Session {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 1).unwrap();
    let relu = builder
        .dense("relu", x, DenseSpec::new(2, Activation::Relu))
        .unwrap();
    let squash = builder
        .dense("squash", relu, DenseSpec::new(2, Activation::Sigmoid))
        .unwrap();
    let spec = OutputSpec {
        reduction: Reduction::Sum,
        ..OutputSpec::new(1, OutputFunction::Identity, Loss::HalfSquaredError)
    };
    let architecture = builder.output("output", squash, spec).unwrap();
    let mut initial = architecture.initial_parameters(0);
    initial.tensors = vec![
        array![[1.0, -1.0]],
        array![[0.0, -1.0]],
        array![[10.0, 1.0], [0.0, 0.0]],
        array![[0.0, 0.0]],
        array![[0.0], [1.0]],
        array![[0.0]],
    ];
    let config = TrainingConfig {
        optimizer: Optimizer::GradientDescent,
        learning_rate: 0.1,
        batching: Batching::FullBatch,
        shuffle: Shuffle::Never,
        ..TrainingConfig::default()
    };
    let samples = Samples::new(array![[1.0], [2.0]], array![[0.0], [0.0]]);
    Session::new(architecture, &initial, &samples, config, Precision::F64).unwrap()
}

#[test]
fn one_dead_relu_unit_and_one_saturated_sigmoid_unit_are_counted() {
    let session = session();
    let activity = session.layer_activity(array![[1.0], [2.0]].view());
    // The output layer's logits are not a hidden layer.
    assert_eq!(activity.len(), 2);
    let (relu, squash) = (&activity[0], &activity[1]);
    assert_eq!(
        (relu.name.as_str(), relu.dead_units, relu.saturated_units),
        ("relu", 1, 0)
    );
    assert_eq!(
        (
            squash.name.as_str(),
            squash.dead_units,
            squash.saturated_units
        ),
        ("squash", 0, 1)
    );
    assert!(close(relu.stuck_share(), 0.5));
    // relu's pre-activations z = (1, −2) and (2, −3): from −3 to 2; its outputs (1, 0, 2, 0).
    assert_eq!(
        (relu.pre_activations.low, relu.pre_activations.high),
        (-3.0, 2.0)
    );
    assert_eq!(relu.pre_activations.counts.iter().sum::<u32>(), 4);
    assert_eq!(
        relu.activations.counts[0], 2,
        "the two zeros in the first bar"
    );
    assert_eq!(
        relu.activations.counts[HISTOGRAM_BINS - 1],
        1,
        "the 2 in the last"
    );
}

#[test]
fn gradient_norms_and_update_ratios_match_the_hand_computation() {
    let mut session = session();
    assert!(session.epoch_gradients().is_empty(), "nothing until asked");
    session.track_gradients(true);
    session.run_epoch().unwrap();
    let layers = session.epoch_gradients();
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["relu", "squash", "output"]);
    // ∂L/∂z_out = z = σ(x): σ(1), σ(2).
    let (s1, s2) = (sigmoid(1.0), sigmoid(2.0));
    // ∂L/∂W_out = Σ dz·s = [[σ(1)σ(10) + σ(2)σ(20)], [σ(1)² + σ(2)²]].
    let output_norm =
        ((s1 * sigmoid(10.0) + s2 * sigmoid(20.0)).powi(2) + (s1 * s1 + s2 * s2).powi(2)).sqrt();
    // ∂L/∂z_squash = (0, σ(x)·σ(x)(1 − σ(x))) (W_out's first row is 0); h = (x, 0), so the
    // only non-zero entry of ∂L/∂W_squash is Σ x·σ(x)²(1 − σ(x)).
    let squash_norm = s1 * s1 * (1.0 - s1) + 2.0 * s2 * s2 * (1.0 - s2);
    // ∂L/∂h = (∂L/∂z_squash,1 · 1, 0), the live relu unit passes it: ∂L/∂W_relu has the same
    // single entry Σ x·σ(x)²(1 − σ(x)).
    let relu_norm = squash_norm;
    for (layer, norm) in layers.iter().zip([relu_norm, squash_norm, output_norm]) {
        assert!(
            close(layer.gradient_norm, norm),
            "{}: {} vs {norm}",
            layer.name,
            layer.gradient_norm
        );
    }
    // One step of η = 0.1: ‖ΔW‖ = 0.1‖∂L/∂W‖; ‖W_relu‖ = √2, ‖W_squash‖ = √101, ‖W_out‖ = 1.
    for (layer, size) in layers.iter().zip([2f64.sqrt(), 101f64.sqrt(), 1.0]) {
        assert!(
            close(layer.update_ratio, 0.1 * layer.gradient_norm / size),
            "{}",
            layer.name
        );
    }
}

#[test]
fn a_histogram_counts_every_value_once_over_its_range() {
    let histogram = Histogram::of([0.0, 1.0, 2.0, 2.0, 4.0].into_iter());
    assert_eq!((histogram.low, histogram.high), (0.0, 4.0));
    assert_eq!(histogram.counts.len(), HISTOGRAM_BINS);
    assert_eq!(histogram.counts.iter().sum::<u32>(), 5);
    // Bins of width 1/6: 0 → 0, 1 → 6, 2 → 12, 4 → the last.
    assert_eq!(
        (
            histogram.counts[0],
            histogram.counts[6],
            histogram.counts[12],
            histogram.counts[23]
        ),
        (1, 1, 2, 1)
    );
    let single = Histogram::of([3.0, 3.0].into_iter());
    assert_eq!((single.low, single.high), (2.5, 3.5));
}
