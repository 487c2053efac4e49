//! A 2-2-1 network small enough to work out with pencil and paper: every number below
//! is derived in the comments, and the engine must agree.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::network::model::{Mode, Workspace, loss_and_gradients};
use layerwright_nn::{
    Activation, ArchitectureBuilder, Batching, DenseSpec, Initializer, Loss, OutputFunction,
    OutputSpec, Precision, Reduction, Samples, Session, Shuffle, TrainingConfig,
};
use ndarray::array;

/// Input x = (1, −2); hidden layer: 2 sigmoid units; output: 1 identity unit with half squared
/// error against y = 1 (eq. 1.2 for one example). Every weight is 0.5, every bias 0.
fn network() -> layerwright_nn::Architecture {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 2).unwrap();
    let hidden = DenseSpec {
        initializer: Initializer::Constant { value: 0.5 },
        ..DenseSpec::new(2, Activation::Sigmoid)
    };
    let h = builder.dense("hidden", x, hidden).unwrap();
    let output = OutputSpec {
        initializer: Initializer::Constant { value: 0.5 },
        reduction: Reduction::Sum,
        ..OutputSpec::new(1, OutputFunction::Identity, Loss::HalfSquaredError)
    };
    builder.output("output", h, output).unwrap()
}

fn close(found: f64, expected: f64) -> bool {
    (found - expected).abs() < 1e-12
}

#[test]
fn forward_pass_and_gradients_match_the_hand_computation() {
    let architecture = network();
    let parameters = architecture.initial_parameters(0);
    let mut workspace = Workspace::new(&architecture, 1);
    let inputs = array![[1.0, -2.0]];
    let targets = array![[1.0]];
    let loss = loss_and_gradients(
        &architecture,
        &parameters,
        inputs.view(),
        targets.view(),
        Mode::Inference,
        &mut workspace,
    );

    // Forward.
    // z₁ = 0.5·1 + 0.5·(−2) + 0 = −0.5 for both hidden units.
    // h = σ(−0.5) = 1/(1 + e^0.5) = 0.3775406687981454.
    // z₂ = 0.5·h + 0.5·h + 0 = h = 0.3775406687981454.
    // L = ½(z₂ − y)² = ½(−0.6224593312018546)² = 0.19372780950013005.
    let hidden = layerwright_nn::NodeId(1);
    let output = layerwright_nn::NodeId(2);
    for &z in workspace.pre_activation(hidden) {
        assert!(close(z, -0.5));
    }
    for &h in workspace.value(hidden) {
        assert!(close(h, 0.377_540_668_798_145_4));
    }
    assert!(close(
        workspace.value(output)[[0, 0]],
        0.377_540_668_798_145_4
    ));
    assert!(close(loss, 0.193_727_809_500_130_05));

    // Backward.
    // ∂L/∂z₂ = z₂ − y = −0.6224593312018546 = ∂L/∂b₂.
    // ∂L/∂W₂ⱼ = hⱼ·∂L/∂z₂ = 0.3775406688·(−0.6224593312) = −0.2350037122015945.
    // ∂L/∂hⱼ = W₂ⱼ·∂L/∂z₂ = −0.3112296656009273.
    // σ'(z₁) = h(1 − h) = 0.2350037122015945.
    // ∂L/∂z₁ⱼ = −0.3112296656·0.2350037122 = −0.07314012676347881 = ∂L/∂b₁ⱼ.
    // ∂L/∂W₁ᵢⱼ = xᵢ·∂L/∂z₁ⱼ: row x₁ = 1 gives −0.0731401268, row x₂ = −2 gives 0.1462802535.
    let gradients = workspace.parameter_gradients();
    let [w1, b1, w2, b2] = &gradients.tensors[..] else {
        panic!("expected four parameter tensors");
    };
    for &g in w1.row(0) {
        assert!(close(g, -0.073_140_126_763_478_81));
    }
    for &g in w1.row(1) {
        assert!(close(g, 0.146_280_253_526_957_62));
    }
    for &g in b1 {
        assert!(close(g, -0.073_140_126_763_478_81));
    }
    for &g in w2 {
        assert!(close(g, -0.235_003_712_201_594_5));
    }
    assert!(close(b2[[0, 0]], -0.622_459_331_201_854_6));
}

#[test]
fn one_gradient_descent_step_moves_each_weight_by_minus_eta_times_its_gradient() {
    // With η = 0.1 (eq. 1.8): W₂ⱼ = 0.5 − 0.1·(−0.2350037122) = 0.5235003712201595,
    // b₂ = 0 − 0.1·(−0.6224593312) = 0.06224593312018546,
    // W₁ (row x₂) = 0.5 − 0.1·0.1462802535 = 0.48537197464730425.
    let architecture = network();
    let initial = architecture.initial_parameters(0);
    let samples = Samples::new(array![[1.0, -2.0]], array![[1.0]]);
    let config = TrainingConfig {
        learning_rate: 0.1,
        batching: Batching::FullBatch,
        shuffle: Shuffle::Never,
        ..TrainingConfig::default()
    };
    let mut session =
        Session::new(architecture, &initial, &samples, config, Precision::F64).unwrap();
    let report = session.step_batch().unwrap();
    assert!(close(report.batch_loss, 0.193_727_809_500_130_05));
    let after = session.parameters();
    for &w in &after.tensors[2] {
        assert!(close(w, 0.523_500_371_220_159_5));
    }
    assert!(close(after.tensors[3][[0, 0]], 0.062_245_933_120_185_46));
    for &w in after.tensors[0].row(1) {
        assert!(close(w, 0.485_371_974_647_304_25));
    }
}

#[test]
fn reset_restores_the_exact_initial_weights() {
    let architecture = network();
    let initial = architecture.initial_parameters(0);
    let samples = Samples::new(array![[1.0, -2.0], [0.5, 0.5]], array![[1.0], [0.0]]);
    let mut session = Session::new(
        architecture,
        &initial,
        &samples,
        TrainingConfig::default(),
        Precision::F32,
    )
    .unwrap();
    let first = session.run_epochs(5).unwrap();
    assert_ne!(session.parameters(), initial);
    session.reset();
    assert_eq!(session.parameters(), initial);
    assert_eq!(session.epochs(), 0);
    // And the run after a reset repeats the first run exactly.
    assert_eq!(session.run_epochs(5).unwrap(), first);
}
