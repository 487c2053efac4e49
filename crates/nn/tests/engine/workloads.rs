//! The engine reproduces the benchmark's correctness checkpoints (WORKLOADS.md): the same
//! data, initial weights and training order give the same losses as the reference
//! implementations, to 1e-5 relative in f32. The same tests run compiled to WebAssembly
//! (`tests/wasm_checkpoints.rs`, issue 29), where each is a `wasm_bindgen_test`.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::workloads::Workload;
use layerwright_nn::{Precision, Session, SplitMix64};

const WORKLOAD_A: &str = include_str!("../../benches/data/workload_A.json");
const WORKLOAD_B: &str = include_str!("../../benches/data/workload_B.json");
const WORKLOAD_D: &str = include_str!("../../benches/data/workload_D.json");

fn session(workload: &Workload, precision: Precision) -> Session {
    Session::new(
        workload.architecture.clone(),
        &workload.initial,
        &workload.samples,
        workload.config(),
        precision,
    )
    .unwrap()
}

/// Trains to each epoch count and returns the full-training-set mean loss and accuracy there.
fn checkpoints(workload: &Workload, precision: Precision, epochs: &[usize]) -> Vec<(f64, f64)> {
    let mut session = session(workload, precision);
    epochs
        .iter()
        .map(|&target| {
            session.run_epochs(target - session.epochs()).unwrap();
            let evaluation = session.evaluate(&workload.samples).unwrap();
            (evaluation.loss, evaluation.accuracy.unwrap())
        })
        .collect()
}

fn assert_relative(found: f64, expected: f64, tolerance: f64, what: &str) {
    let relative = (found - expected).abs() / expected.abs();
    assert!(
        relative < tolerance,
        "{what}: found {found}, expected {expected} (relative error {relative:e})"
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn workload_a_matches_the_f32_checkpoints_at_epochs_1_and_10() {
    let workload = Workload::from_json(WORKLOAD_A).unwrap();
    let found = checkpoints(&workload, Precision::F32, &[1, 10]);
    assert_relative(found[0].0, 0.669_829_410_0, 1e-5, "A, epoch 1");
    assert_relative(found[1].0, 0.663_339_844_5, 1e-5, "A, epoch 10");
    assert!(
        (found[0].1 - 0.554).abs() < 1e-9,
        "A accuracy after 1 epoch: {}",
        found[0].1
    );
    assert!(
        (found[1].1 - 0.584).abs() < 1e-9,
        "A accuracy after 10 epochs: {}",
        found[1].1
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn workload_a_matches_every_f64_checkpoint_to_the_printed_digits() {
    // In f64 training is reproducible to rounding, even through A's chaotic stretch
    // after epoch 300, so every row of the table must agree to its ten digits.
    let workload = Workload::from_json(WORKLOAD_A).unwrap();
    let table = [
        (1, 0.669_829_410_9),
        (10, 0.663_339_854_3),
        (100, 0.637_481_463_9),
        (300, 0.441_173_285_0),
        (500, 0.280_577_813_2),
    ];
    let epochs: Vec<usize> = table.iter().map(|row| row.0).collect();
    let found = checkpoints(&workload, Precision::F64, &epochs);
    for ((epoch, expected), (loss, _)) in table.iter().zip(found) {
        assert_relative(loss, *expected, 1e-9, &format!("A, epoch {epoch}, f64"));
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn workload_b_matches_the_f64_checkpoints_to_epoch_50() {
    let workload = Workload::from_json(WORKLOAD_B).unwrap();
    let table = [
        (1, 1.082_936_197_2),
        (10, 1.077_000_152_8),
        (50, 1.055_764_304_5),
    ];
    let epochs: Vec<usize> = table.iter().map(|row| row.0).collect();
    let found = checkpoints(&workload, Precision::F64, &epochs);
    for ((epoch, expected), (loss, _)) in table.iter().zip(found) {
        assert_relative(loss, *expected, 1e-9, &format!("B, epoch {epoch}, f64"));
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn workload_b_matches_the_f32_checkpoint_at_epoch_1() {
    let workload = Workload::from_json(WORKLOAD_B).unwrap();
    let found = checkpoints(&workload, Precision::F32, &[1]);
    assert_relative(found[0].0, 1.082_936_197_6, 1e-5, "B, epoch 1");
    assert!(
        (found[0].1 - 0.398).abs() < 1e-9,
        "B accuracy after 1 epoch: {}",
        found[0].1
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn glorot_initialisation_draws_the_workload_weights() {
    // The file's weights are Glorot uniform from SplitMix64(1234), drawn layer by layer,
    // row by row; the engine's initializer must give the same numbers.
    let workload = Workload::from_json(WORKLOAD_A).unwrap();
    let drawn = workload
        .architecture
        .initial_parameters(workload.spec.init_seed);
    for (ours, theirs) in drawn.tensors.iter().zip(&workload.initial.tensors) {
        assert_eq!(ours.dim(), theirs.dim());
        for (a, b) in ours.iter().zip(theirs) {
            assert!((a - b).abs() < 1e-15, "{a} vs {b}");
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_training_order_is_the_splitmix_permutation_of_the_playground_spiral() {
    // TF Playground's spiral: for (deltaT, label) in (0, 1), (π, 0), i in 0..250:
    // r = 5i/250, t = 1.75·2π·i/250 + deltaT, point (r·sin t, r·cos t).
    let workload = Workload::from_json(WORKLOAD_A).unwrap();
    let mut points = Vec::new();
    for (delta, label) in [(0.0, 1), (std::f64::consts::PI, 0)] {
        for i in 0..250 {
            let r = f64::from(i) / 250.0 * 5.0;
            let t = 1.75 * f64::from(i) / 250.0 * std::f64::consts::TAU + delta;
            points.push((r * t.sin(), r * t.cos(), label));
        }
    }
    let order = SplitMix64::new(workload.spec.data_seed).permutation(points.len());
    for (k, &original) in order.iter().enumerate() {
        let (x, y, label) = points[original];
        assert!((workload.samples.inputs[[k, 0]] - x).abs() < 1e-12);
        assert!((workload.samples.inputs[[k, 1]] - y).abs() < 1e-12);
        assert_eq!(workload.labels[k], label);
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_f32_mode_computes_in_f32_and_differs_from_f64_by_more_than_f64_rounding() {
    let workload = Workload::from_json(WORKLOAD_A).unwrap();
    let mut single = session(&workload, Precision::F32);
    let mut double = session(&workload, Precision::F64);
    single.run_epochs(10).unwrap();
    double.run_epochs(10).unwrap();
    // Every weight of the f32 run is an f32 number; the f64 run's are not.
    let is_f32 = |v: f64| f64::from(v as f32) == v;
    let single_weights = single.parameters();
    let double_weights = double.parameters();
    assert!(single_weights.tensors.iter().flatten().all(|&v| is_f32(v)));
    assert!(!double_weights.tensors.iter().flatten().all(|&v| is_f32(v)));
    // Ten epochs of f32 arithmetic move the loss by about 1e-8 relative; f64 rounding alone
    // would move it by about 1e-15.
    let loss = |s: &mut Session| s.evaluate(&workload.samples).unwrap().loss;
    let (l32, l64) = (loss(&mut single), loss(&mut double));
    let relative = (l32 - l64).abs() / l64.abs();
    assert!(
        relative > 1e-12 && relative < 1e-5,
        "f32 {l32} against f64 {l64}: relative difference {relative:e}"
    );
}

/// Workload D's table: epochs, f64 loss, f32 loss, accuracy.
const D_CHECKPOINTS: [(usize, f64, f64, f64); 4] = [
    (1, 2.078_629_926, 2.078_629_918, 0.3895),
    (5, 0.693_408_882_5, 0.693_408_892_8, 0.8909),
    (10, 0.348_829_033_7, 0.348_829_086_7, 0.9277),
    (20, 0.200_933_564_4, 0.200_933_578_2, 0.9583),
];

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn workload_d_matches_every_checkpoint_in_f64_and_f32() {
    let workload = Workload::from_json(WORKLOAD_D).unwrap();
    assert_eq!(workload.updates_per_epoch(), 57);
    let epochs: Vec<usize> = D_CHECKPOINTS.iter().map(|c| c.0).collect();
    let f64_found = checkpoints(&workload, Precision::F64, &epochs);
    let f32_found = checkpoints(&workload, Precision::F32, &epochs);
    for ((epochs, f64_loss, f32_loss, accuracy), (found64, found32)) in
        D_CHECKPOINTS.iter().zip(f64_found.iter().zip(&f32_found))
    {
        // The table prints ten significant digits; f32 agrees to about 1e-5.
        assert_relative(
            found64.0,
            *f64_loss,
            1e-9,
            &format!("D f64, epoch {epochs}"),
        );
        assert_relative(
            found32.0,
            *f32_loss,
            1e-5,
            &format!("D f32, epoch {epochs}"),
        );
        assert!(
            (found64.1 - accuracy).abs() < 1e-4,
            "D accuracy after {epochs} epochs: {}",
            found64.1
        );
    }
}
