//! After the first step, training makes no heap allocation at all: buffers are reused and
//! small products run in place.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::workloads::Workload;
use layerwright_nn::{Precision, Session};

#[test]
fn training_steps_on_a_2_8_8_1_network_allocate_nothing_after_warm_up() {
    let workload = Workload::from_json(include_str!("../benches/data/workload_A.json")).unwrap();
    let mut session = Session::new(
        workload.architecture.clone(),
        &workload.initial,
        &workload.samples,
        workload.config(),
        Precision::F32,
    )
    .unwrap();
    // The counter does count: one vector is one allocation.
    let control = allocation_counter::measure(|| {
        std::hint::black_box(vec![0_u8; 16]);
    });
    assert_eq!(control.count_total, 1);
    // Warm-up: the first epoch sizes every buffer, including the last, shorter batch's.
    session.run_epoch().unwrap();
    let counts = allocation_counter::measure(|| {
        for _ in 0..100 {
            session.step_batch().unwrap();
        }
    });
    assert_eq!(counts.count_total, 0, "{counts:?}");
    let counts = allocation_counter::measure(|| {
        session.run_epoch().unwrap();
    });
    assert_eq!(counts.count_total, 0, "a whole epoch: {counts:?}");
}

#[test]
fn training_steps_on_a_convolutional_network_allocate_nothing_after_warm_up() {
    use layerwright_nn::network::architecture::{ConvPadding, ConvSpec, ImageSize};
    use layerwright_nn::{
        Activation, ArchitectureBuilder, Batching, DenseSpec, Initializer, Loss, OutputFunction,
        OutputSpec, Samples, TrainingConfig,
    };
    // [1, 8, 8] → 4 filters 3 × 3 (same) → max pool 2 × 2 → 2 filters 2 × 2 → average pool
    // 3 × 3 by 1 → flatten → 8 → 3 classes, in batches of 16 (the last one shorter).
    let mut builder = ArchitectureBuilder::new();
    let x = builder
        .input_image(
            "x",
            ImageSize {
                channels: 1,
                height: 8,
                width: 8,
            },
        )
        .unwrap();
    let conv = |filters, kernel, padding| ConvSpec {
        filters,
        kernel,
        stride: 1,
        padding,
        activation: Activation::Relu,
        initializer: Initializer::He,
        use_bias: true,
    };
    let first = builder
        .conv2d("first", x, conv(4, [3, 3], ConvPadding::Same))
        .unwrap();
    let pooled = builder.pool2d("max", first, [2, 2], 2, true).unwrap();
    let second = builder
        .conv2d("second", pooled, conv(2, [2, 2], ConvPadding::Valid))
        .unwrap();
    let averaged = builder.pool2d("mean", second, [3, 3], 1, false).unwrap();
    let flat = builder.flatten("flat", averaged).unwrap();
    let hidden = builder
        .dense("hidden", flat, DenseSpec::new(8, Activation::Tanh))
        .unwrap();
    let spec = OutputSpec::new(3, OutputFunction::Softmax, Loss::SoftmaxCrossEntropy);
    let architecture = builder.output("out", hidden, spec).unwrap();
    let initial = architecture.initial_parameters(3);
    let mut rng = layerwright_nn::SplitMix64::new(4);
    let inputs = ndarray::Array2::from_shape_fn((100, 64), |_| rng.uniform(0.0, 1.0));
    let labels: Vec<usize> = (0..100).map(|i| i % 3).collect();
    let samples = Samples::from_class_labels(inputs, &labels, 3);
    let config = TrainingConfig {
        batching: Batching::MiniBatch { size: 16 },
        ..TrainingConfig::default()
    };
    for precision in [Precision::F32, Precision::F64] {
        let mut session =
            Session::new(architecture.clone(), &initial, &samples, config, precision).unwrap();
        session.run_epoch().unwrap();
        let counts = allocation_counter::measure(|| {
            session.run_epoch().unwrap();
        });
        assert_eq!(counts.count_total, 0, "{precision:?}: {counts:?}");
    }
}
