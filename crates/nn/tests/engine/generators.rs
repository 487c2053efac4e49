//! Generated data sets: exact points for a fixed seed, the formulas they follow, and label
//! balance.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use std::f64::consts::TAU;

use layerwright_nn::SplitMix64;
use layerwright_nn::data::{Gate, Generator, GeneratorSettings, Task};
use layerwright_nn::workloads::Workload;

fn settings(generator: &Generator, noise: f64, seed: u64) -> GeneratorSettings {
    GeneratorSettings {
        samples: generator.default_samples(),
        noise,
        seed,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// A generator with its first point and target and its last point and target.
type Pinned = (Generator, [f64; 2], f64, [f64; 2], f64);

/// (generator, first point, first target, last point, last target) at noise 0.2, seed 7.
/// These pin the draw order: a change here changes every saved document's data.
#[test]
fn every_generator_gives_the_pinned_points_for_seed_7() {
    let pinned: Vec<Pinned> = vec![
        (
            Generator::Circle,
            [0.102_611_431_399_451_31, 0.969_157_416_890_397_8],
            1.0,
            [2.028_497_572_921_520_7, 2.959_611_133_668_210_5],
            0.0,
        ),
        (
            Generator::Xor,
            [-1.401_702_516_087_285_4, -5.132_117_054_718_439],
            1.0,
            [-4.713_002_170_741_559, -4.343_708_963_967_053],
            1.0,
        ),
        (
            Generator::TwoGaussians,
            [3.362_517_838_687_128, -0.569_699_292_635_052_6],
            1.0,
            [-1.604_523_116_638_637_6, 0.438_638_380_160_773_6],
            0.0,
        ),
        (
            Generator::Spiral,
            [-0.044_068_100_643_491_405, -0.193_284_682_188_737_57],
            1.0,
            [4.887_067_859_516_497, 0.255_801_943_831_967_25],
            0.0,
        ),
        (
            Generator::RegressionPlane,
            [-1.322_043_019_304_741_7, -5.798_540_465_662_127],
            -0.595_972_514_824_296,
            [-4.182_536_691_804_169, -3.854_492_623_374_878_4],
            -0.706_484_161_229_958_2,
        ),
        (
            Generator::MultiGaussian,
            [-1.322_043_019_304_741_7, -5.798_540_465_662_127],
            0.0,
            [-4.182_536_691_804_169, -3.854_492_623_374_878_4],
            -0.066_268_347_962_511_69,
        ),
        (
            Generator::SpiralArms { classes: 3 },
            [-0.044_068_100_643_491_405, -0.193_284_682_188_737_57],
            0.0,
            [2.108_337_984_152_555, 4.495_213_111_232_335],
            1.0,
        ),
        (
            Generator::Blobs { classes: 3 },
            [4.686_169_198_782_482_5, -2.237_106_968_077_473],
            0.0,
            [-1.405_709_096_384_564_2, 5.154_097_986_141_605],
            1.0,
        ),
    ];
    for (generator, first, first_target, last, last_target) in pinned {
        let data = generator.generate(settings(&generator, 0.2, 7));
        let n = data.len();
        assert!(
            close(data.inputs[[0, 0]], first[0]) && close(data.inputs[[0, 1]], first[1]),
            "{generator:?} first point"
        );
        assert!(
            close(data.targets[0], first_target),
            "{generator:?} first target"
        );
        assert!(
            close(data.inputs[[n - 1, 0]], last[0]) && close(data.inputs[[n - 1, 1]], last[1]),
            "{generator:?} last point"
        );
        assert!(
            close(data.targets[n - 1], last_target),
            "{generator:?} last target"
        );
    }
    let line = Generator::Line { w: 2.0, b: -1.0 };
    let data = line.generate(settings(&line, 0.2, 7));
    assert!(close(data.inputs[[0, 0]], -1.101_702_516_087_285_3));
    assert!(close(data.targets[0], -3.173_527_680_160_442));
    let linear = Generator::LinearFeatures {
        weights: vec![1.5, -2.0, 0.5],
        b: 1.0,
    };
    let data = linear.generate(settings(&linear, 0.2, 7));
    let first: Vec<f64> = data.inputs.row(0).to_vec();
    let expected = [
        -1.101_702_516_087_285_3,
        -4.832_117_054_718_439,
        4.007_606_806_068_834,
    ];
    assert!(
        first.iter().zip(expected).all(|(a, b)| close(*a, b)),
        "{first:?}"
    );
    assert!(close(data.targets[0], 10.762_705_072_594_185));
}

#[test]
fn the_same_seed_gives_the_same_points_and_another_seed_other_points() {
    for generator in Generator::all() {
        let a = generator.generate(settings(&generator, 0.1, 3));
        let b = generator.generate(settings(&generator, 0.1, 3));
        assert_eq!(a, b, "{generator:?}");
        if !matches!(generator, Generator::LogicGate { .. }) {
            let c = generator.generate(settings(&generator, 0.1, 4));
            assert_ne!(a.inputs, c.inputs, "{generator:?}");
        }
    }
}

#[test]
fn classification_sets_are_balanced() {
    for (generator, expected) in [
        (Generator::Circle, vec![250, 250]),
        (Generator::TwoGaussians, vec![250, 250]),
        (Generator::Spiral, vec![250, 250]),
        (Generator::SpiralArms { classes: 3 }, vec![167, 167, 166]),
        (Generator::Blobs { classes: 4 }, vec![125, 125, 125, 125]),
    ] {
        let data = generator.generate(settings(&generator, 0.0, 1));
        assert_eq!(data.class_counts(), expected, "{generator:?}");
    }
    // XOR's labels follow the quadrants of uniform points: balanced up to sampling noise.
    let data = Generator::Xor.generate(settings(&Generator::Xor, 0.0, 1));
    let counts = data.class_counts();
    assert!(counts[0].abs_diff(counts[1]) < 60, "{counts:?}");
}

#[test]
fn default_counts_are_500_for_classification_and_1200_for_regression() {
    assert_eq!(Generator::Circle.default_samples(), 500);
    assert_eq!(Generator::Spiral.default_samples(), 500);
    assert_eq!(Generator::RegressionPlane.default_samples(), 1200);
    assert_eq!(Generator::MultiGaussian.default_samples(), 1200);
    assert_eq!(Generator::RegressionPlane.task(), Task::Regression);
}

#[test]
fn the_circle_puts_class_1_inside_radius_2_5_and_class_0_between_3_5_and_5() {
    let data = Generator::Circle.generate(settings(&Generator::Circle, 0.0, 2));
    for (row, &label) in data.inputs.rows().into_iter().zip(&data.targets) {
        let r = row[0].hypot(row[1]);
        if label == 1.0 {
            assert!(r < 2.5);
        } else {
            assert!((3.5..5.0).contains(&r));
        }
    }
}

#[test]
fn xor_points_keep_0_3_from_the_axes_and_are_labelled_by_quadrant() {
    let data = Generator::Xor.generate(settings(&Generator::Xor, 0.0, 2));
    for (row, &label) in data.inputs.rows().into_iter().zip(&data.targets) {
        assert!(row[0].abs() >= 0.3 && row[1].abs() >= 0.3);
        assert!(row[0].abs() <= 5.3 && row[1].abs() <= 5.3);
        assert_eq!(label == 1.0, row[0] * row[1] >= 0.0);
    }
}

#[test]
fn two_gaussians_centre_on_plus_and_minus_2_with_variance_growing_with_noise() {
    let spread = |noise: f64| {
        let data = Generator::TwoGaussians.generate(GeneratorSettings {
            samples: 4000,
            noise,
            seed: 5,
        });
        let positives: Vec<f64> = data
            .inputs
            .rows()
            .into_iter()
            .zip(&data.targets)
            .filter(|(_, l)| **l == 1.0)
            .map(|(row, _)| row[0])
            .collect();
        let mean = positives.iter().sum::<f64>() / positives.len() as f64;
        let variance =
            positives.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / positives.len() as f64;
        (mean, variance)
    };
    let (mean, variance) = spread(0.0);
    assert!(
        (mean - 2.0).abs() < 0.05 && (variance - 0.5).abs() < 0.05,
        "{mean} {variance}"
    );
    let (mean, variance) = spread(0.5);
    assert!(
        (mean - 2.0).abs() < 0.15 && (variance - 4.0).abs() < 0.3,
        "{mean} {variance}"
    );
}

#[test]
fn the_noiseless_spiral_is_workload_a_before_its_permutation() {
    let workload = Workload::from_json(include_str!("../../benches/data/workload_A.json")).unwrap();
    let data = Generator::Spiral.generate(settings(&Generator::Spiral, 0.0, 1));
    let order = SplitMix64::new(42).permutation(500);
    for (k, &original) in order.iter().enumerate() {
        assert!(close(
            data.inputs[[original, 0]],
            workload.samples.inputs[[k, 0]]
        ));
        assert!(close(
            data.inputs[[original, 1]],
            workload.samples.inputs[[k, 1]]
        ));
        assert_eq!(data.targets[original] as usize, workload.labels[k]);
    }
}

#[test]
fn the_noiseless_three_arm_spiral_is_workload_b_before_its_permutation() {
    let workload = Workload::from_json(include_str!("../../benches/data/workload_B.json")).unwrap();
    let generator = Generator::SpiralArms { classes: 3 };
    let data = generator.generate(GeneratorSettings {
        samples: 2000,
        noise: 0.0,
        seed: 1,
    });
    let order = SplitMix64::new(43).permutation(2000);
    for (k, &original) in order.iter().enumerate() {
        assert!(close(
            data.inputs[[original, 0]],
            workload.samples.inputs[[k, 0]]
        ));
        assert!(close(
            data.inputs[[original, 1]],
            workload.samples.inputs[[k, 1]]
        ));
        assert_eq!(data.targets[original] as usize, workload.labels[k]);
    }
}

#[test]
fn regression_targets_follow_their_formulas_without_noise() {
    let plane = Generator::RegressionPlane.generate(settings(&Generator::RegressionPlane, 0.0, 3));
    for (row, &target) in plane.inputs.rows().into_iter().zip(&plane.targets) {
        assert!(row[0].abs() <= 6.0 && row[1].abs() <= 6.0);
        assert!(close(target, (row[0] + row[1]) / 10.0));
    }
    let line = Generator::Line { w: 2.0, b: -1.0 };
    let data = line.generate(settings(&line, 0.0, 3));
    for (row, &target) in data.inputs.rows().into_iter().zip(&data.targets) {
        assert!(close(target, 2.0 * row[0] - 1.0));
    }
    let multi = Generator::LinearFeatures {
        weights: vec![1.5, -2.0, 0.5],
        b: 1.0,
    };
    let data = multi.generate(settings(&multi, 0.0, 3));
    assert_eq!(data.feature_count(), 3);
    for (row, &target) in data.inputs.rows().into_iter().zip(&data.targets) {
        assert!(close(
            target,
            1.5 * row[0] - 2.0 * row[1] + 0.5 * row[2] + 1.0
        ));
    }
}

#[test]
fn multi_gaussian_bumps_alternate_in_sign() {
    // Near each bump centre the target is close to its sign: + − + on top, − + − below.
    let data = Generator::MultiGaussian.generate(GeneratorSettings {
        samples: 20_000,
        noise: 0.0,
        seed: 9,
    });
    for (cx, cy, sign) in [
        (-4.0, 2.5, 1.0),
        (0.0, 2.5, -1.0),
        (4.0, 2.5, 1.0),
        (-4.0, -2.5, -1.0),
        (0.0, -2.5, 1.0),
        (4.0, -2.5, -1.0),
    ] {
        let near = data
            .inputs
            .rows()
            .into_iter()
            .zip(&data.targets)
            .find(|(row, _)| (row[0] - cx).hypot(row[1] - cy) < 0.2)
            .map(|(_, &t)| t)
            .unwrap();
        assert!(near * sign > 0.9, "bump at ({cx}, {cy}): {near}");
    }
}

#[test]
fn logic_gates_are_their_truth_tables() {
    for (gate, outputs) in [
        (Gate::And, [0.0, 0.0, 0.0, 1.0]),
        (Gate::Or, [0.0, 1.0, 1.0, 1.0]),
        (Gate::Xor, [0.0, 1.0, 1.0, 0.0]),
    ] {
        let generator = Generator::LogicGate { gate };
        let data = generator.generate(settings(&generator, 0.5, 1));
        assert_eq!(
            data.inputs,
            ndarray::array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
        );
        assert_eq!(data.targets, outputs);
    }
}

#[test]
fn blobs_sit_on_a_circle_of_radius_3_5() {
    let generator = Generator::Blobs { classes: 3 };
    let data = generator.generate(GeneratorSettings {
        samples: 3000,
        noise: 0.0,
        seed: 4,
    });
    for class in 0..3 {
        let members: Vec<_> = data
            .inputs
            .rows()
            .into_iter()
            .zip(&data.targets)
            .filter(|(_, t)| **t as usize == class)
            .map(|(row, _)| (row[0], row[1]))
            .collect();
        let mx = members.iter().map(|p| p.0).sum::<f64>() / members.len() as f64;
        let my = members.iter().map(|p| p.1).sum::<f64>() / members.len() as f64;
        let angle = TAU * class as f64 / 3.0;
        assert!((mx - 3.5 * angle.cos()).abs() < 0.1 && (my - 3.5 * angle.sin()).abs() < 0.1);
    }
}
