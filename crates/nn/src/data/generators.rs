//! Seeded toy problems: TF Playground's six data sets and the course notes' own.
//!
//! Every generator draws from one [`SplitMix64`] seeded by the caller, in a fixed order
//! documented on each variant, so a seed pins every point on every machine.

use std::f64::consts::{PI, TAU};

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::{Dataset, Task};
use crate::math::rng::SplitMix64;

/// A logic gate on the corners of the unit square.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    /// 1 only at (1, 1).
    And,
    /// 0 only at (0, 0).
    Or,
    /// 1 where exactly one input is 1: not linearly separable.
    Xor,
}

impl Gate {
    /// The gate's output for inputs `a`, `b` ∈ {0, 1}.
    pub fn output(self, a: bool, b: bool) -> bool {
        match self {
            Self::And => a && b,
            Self::Or => a || b,
            Self::Xor => a != b,
        }
    }
}

/// A generated data set and its own parameters; the count, noise and seed are in
/// [`GeneratorSettings`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Generator {
    /// TF Playground's circle: half the points at radius `U[0, 2.5)` (class 1), half at
    /// `U[3.5, 5)` (class 0), angle `U[0, 2π)`, point `(r·sin a, r·cos a)`. The label is that
    /// of the point moved by `U[−5, 5)·noise` in x and y (the point itself is not moved).
    /// Draws per point: r, a, noise x, noise y.
    Circle,
    /// TF Playground's XOR: x, y ~ `U[−5, 5)`, pushed 0.3 away from each axis; class 1 when
    /// `x·y ≥ 0` for the point moved by `U[−5, 5)·noise`. Draws per point: x, y, noise x, noise y.
    Xor,
    /// TF Playground's two Gaussians: half the points around (2, 2) (class 1), half around
    /// (−2, −2) (class 0), variance `0.5 + 7·noise` (0.5 to 4 as noise goes 0 to 0.5).
    /// Draws per point: x then y, each a Box–Muller normal.
    TwoGaussians,
    /// TF Playground's two-arm spiral: for arm (Δ, class) in ((0, 1), (π, 0)) and `i < n/2`:
    /// `r = 5i/(n/2)`, `t = 1.75·2π·i/(n/2) + Δ`, point `(r·sin t, r·cos t)` plus
    /// `U[−1, 1)·noise` in x then y.
    Spiral,
    /// TF Playground's plane: x, y ~ `U[−6, 6)`, target `(x + y)/10` of the point moved by
    /// `U[−6, 6)·noise`. Draws per point: x, y, noise x, noise y.
    RegressionPlane,
    /// TF Playground's multi-Gaussian: x, y ~ `U[−6, 6)`; six bumps at x ∈ {−4, 0, 4},
    /// y = ±2.5 with alternating signs (+ − + on top, − + − below), each
    /// `sign·max(0, 1 − d/2)`; the target is the bump of largest magnitude at the point moved by
    /// `U[−6, 6)·noise`. Draws per point: x, y, noise x, noise y.
    MultiGaussian,
    /// The notes' eq. 1.1: `x ~ U[−5, 5)`, `y = w·x + b + noise·N(0, 1)`. Draws: x, then normal.
    Line {
        /// The true slope (default 2).
        w: f64,
        /// The true intercept (default −1).
        b: f64,
    },
    /// The notes' eq. 1.5: `xⱼ ~ U[−5, 5)` for each weight, `y = Σ wⱼxⱼ + b + noise·N(0, 1)`.
    /// Draws: the features in order, then the normal.
    LinearFeatures {
        /// One true weight per feature.
        weights: Vec<f64>,
        /// The true intercept.
        b: f64,
    },
    /// A logic gate's four points (0,0), (0,1), (1,0), (1,1); count, noise and seed are ignored.
    LogicGate {
        /// Which gate.
        gate: Gate,
    },
    /// A k-arm spiral for softmax: point j has class `c = j mod k`, `u = ⌊j/k⌋ / ⌈n/k⌉`,
    /// `r = 5u`, `t = 1.75·2π·u + 2πc/k`, point `(r·sin t, r·cos t)` plus `U[−1, 1)·noise`.
    SpiralArms {
        /// The number of arms and classes (default 3).
        classes: usize,
    },
    /// k Gaussian blobs for softmax: centres at radius 3.5, angle `2πc/k`; point j has class
    /// `j mod k` and standard deviation `0.6 + 3·noise`. Draws: x then y normals.
    Blobs {
        /// The number of blobs and classes (default 3).
        classes: usize,
    },
}

/// The count, noise and seed of a generated data set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeneratorSettings {
    /// The number of points.
    pub samples: usize,
    /// The noise level, in each generator's own units (Playground's slider: 0 to 0.5).
    pub noise: f64,
    /// Seeds every draw.
    pub seed: u64,
}

impl Generator {
    /// Every generator with its defaults, in menu order.
    pub fn all() -> Vec<Self> {
        vec![
            Self::Circle,
            Self::Xor,
            Self::TwoGaussians,
            Self::Spiral,
            Self::RegressionPlane,
            Self::MultiGaussian,
            Self::Line { w: 2.0, b: -1.0 },
            Self::LinearFeatures {
                weights: vec![1.5, -2.0, 0.5],
                b: 1.0,
            },
            Self::LogicGate { gate: Gate::And },
            Self::LogicGate { gate: Gate::Or },
            Self::LogicGate { gate: Gate::Xor },
            Self::SpiralArms { classes: 3 },
            Self::Blobs { classes: 3 },
        ]
    }

    /// A short name for menus.
    pub fn name(&self) -> String {
        match self {
            Self::Circle => "circle".to_owned(),
            Self::Xor => "XOR".to_owned(),
            Self::TwoGaussians => "two Gaussians".to_owned(),
            Self::Spiral => "spiral".to_owned(),
            Self::RegressionPlane => "plane (regression)".to_owned(),
            Self::MultiGaussian => "multi-Gaussian (regression)".to_owned(),
            Self::Line { .. } => "line y = w·x + b".to_owned(),
            Self::LinearFeatures { weights, .. } => {
                format!("linear, {} features", weights.len())
            }
            Self::LogicGate { gate } => format!("{gate:?} gate").to_uppercase(),
            Self::SpiralArms { classes } => format!("{classes}-arm spiral"),
            Self::Blobs { classes } => format!("{classes} blobs"),
        }
    }

    /// Classification or regression.
    pub fn task(&self) -> Task {
        match self {
            Self::RegressionPlane
            | Self::MultiGaussian
            | Self::Line { .. }
            | Self::LinearFeatures { .. } => Task::Regression,
            _ => Task::Classification,
        }
    }

    /// The default number of points: 500 for classification, 1200 for the Playground's
    /// regressions, 100 for the notes' lines, 4 for gates.
    pub fn default_samples(&self) -> usize {
        match self {
            Self::RegressionPlane | Self::MultiGaussian => 1200,
            Self::Line { .. } | Self::LinearFeatures { .. } => 100,
            Self::LogicGate { .. } => 4,
            _ => 500,
        }
    }

    /// Default settings: the default count, no noise, seed 1.
    pub fn default_settings(&self) -> GeneratorSettings {
        GeneratorSettings {
            samples: self.default_samples(),
            noise: 0.0,
            seed: 1,
        }
    }

    /// The number of classes (classification) or 0 (regression).
    pub fn classes(&self) -> usize {
        match self {
            Self::SpiralArms { classes } | Self::Blobs { classes } => (*classes).max(2),
            _ if self.task() == Task::Classification => 2,
            _ => 0,
        }
    }

    /// The most points a generator makes.
    pub const MAX_SAMPLES: usize = 1_000_000;
    /// The most classes a generator makes.
    pub const MAX_CLASSES: usize = 100;
    /// The most features a linear generator makes.
    pub const MAX_FEATURES: usize = 1000;

    /// What is wrong with these parameters and settings, if anything.
    pub fn problem(&self, settings: &GeneratorSettings) -> Option<String> {
        if settings.samples == 0 || settings.samples > Self::MAX_SAMPLES {
            return Some(format!(
                "the number of points must be between 1 and {}, got {}",
                Self::MAX_SAMPLES,
                settings.samples
            ));
        }
        if !(settings.noise.is_finite() && settings.noise >= 0.0) {
            return Some(format!(
                "the noise must be a number ≥ 0, got {}",
                settings.noise
            ));
        }
        match self {
            Self::SpiralArms { classes } | Self::Blobs { classes }
                if !(2..=Self::MAX_CLASSES).contains(classes) =>
            {
                Some(format!(
                    "the number of classes must be between 2 and {}, got {classes}",
                    Self::MAX_CLASSES
                ))
            }
            Self::LinearFeatures { weights, b } => {
                if weights.is_empty() || weights.len() > Self::MAX_FEATURES {
                    Some(format!(
                        "a linear data set needs 1 to {} weights, got {}",
                        Self::MAX_FEATURES,
                        weights.len()
                    ))
                } else if !weights.iter().chain([b]).all(|v| v.is_finite()) {
                    Some("the weights and intercept must be finite numbers".to_owned())
                } else {
                    None
                }
            }
            Self::Line { w, b } if !(w.is_finite() && b.is_finite()) => {
                Some("the slope and intercept must be finite numbers".to_owned())
            }
            _ => None,
        }
    }

    /// Generates the points. Check [`Generator::problem`] first: an enormous count is
    /// generated as asked.
    pub fn generate(&self, settings: GeneratorSettings) -> Dataset {
        let mut rng = SplitMix64::new(settings.seed);
        let n = settings.samples;
        let noise = settings.noise;
        let mut points: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n);
        match self {
            Self::Circle => {
                for i in 0..n {
                    let inside = i < n / 2;
                    let r = if inside {
                        rng.uniform(0.0, 2.5)
                    } else {
                        rng.uniform(3.5, 5.0)
                    };
                    let angle = rng.uniform(0.0, TAU);
                    let (x, y) = (r * angle.sin(), r * angle.cos());
                    let nx = rng.uniform(-5.0, 5.0) * noise;
                    let ny = rng.uniform(-5.0, 5.0) * noise;
                    let label = f64::from(u8::from((x + nx).hypot(y + ny) < 2.5));
                    points.push((vec![x, y], label));
                }
            }
            Self::Xor => {
                for _ in 0..n {
                    let pad = |v: f64| if v > 0.0 { v + 0.3 } else { v - 0.3 };
                    let x = pad(rng.uniform(-5.0, 5.0));
                    let y = pad(rng.uniform(-5.0, 5.0));
                    let nx = rng.uniform(-5.0, 5.0) * noise;
                    let ny = rng.uniform(-5.0, 5.0) * noise;
                    let label = f64::from(u8::from((x + nx) * (y + ny) >= 0.0));
                    points.push((vec![x, y], label));
                }
            }
            Self::TwoGaussians => {
                let deviation = (0.5 + 7.0 * noise).sqrt();
                for i in 0..n {
                    let (centre, label) = if i < n / 2 { (2.0, 1.0) } else { (-2.0, 0.0) };
                    let x = centre + deviation * rng.normal();
                    let y = centre + deviation * rng.normal();
                    points.push((vec![x, y], label));
                }
            }
            Self::Spiral => {
                let half = (n / 2).max(1) as f64;
                for i in 0..n {
                    let (arm, label) = if i < n / 2 { (0, 1.0) } else { (1, 0.0) };
                    let k = (i - arm * (n / 2)) as f64;
                    let r = 5.0 * k / half;
                    let t = 1.75 * TAU * k / half + PI * arm as f64;
                    let x = r * t.sin() + rng.uniform(-1.0, 1.0) * noise;
                    let y = r * t.cos() + rng.uniform(-1.0, 1.0) * noise;
                    points.push((vec![x, y], label));
                }
            }
            Self::RegressionPlane | Self::MultiGaussian => {
                for _ in 0..n {
                    let x = rng.uniform(-6.0, 6.0);
                    let y = rng.uniform(-6.0, 6.0);
                    let nx = rng.uniform(-6.0, 6.0) * noise;
                    let ny = rng.uniform(-6.0, 6.0) * noise;
                    let target = if matches!(self, Self::RegressionPlane) {
                        (x + nx + y + ny) / 10.0
                    } else {
                        multi_gaussian(x + nx, y + ny)
                    };
                    points.push((vec![x, y], target));
                }
            }
            Self::Line { w, b } => {
                for _ in 0..n {
                    let x = rng.uniform(-5.0, 5.0);
                    let target = w * x + b + noise * rng.normal();
                    points.push((vec![x], target));
                }
            }
            Self::LinearFeatures { weights, b } => {
                for _ in 0..n {
                    let x: Vec<f64> = weights.iter().map(|_| rng.uniform(-5.0, 5.0)).collect();
                    let dot: f64 = x.iter().zip(weights).map(|(x, w)| x * w).sum();
                    let target = dot + b + noise * rng.normal();
                    points.push((x, target));
                }
            }
            Self::LogicGate { gate } => {
                for (a, b) in [(false, false), (false, true), (true, false), (true, true)] {
                    let label = f64::from(u8::from(gate.output(a, b)));
                    points.push((vec![f64::from(u8::from(a)), f64::from(u8::from(b))], label));
                }
            }
            Self::SpiralArms { classes } => {
                let k = (*classes).max(2);
                let per_arm = n.div_ceil(k).max(1) as f64;
                for j in 0..n {
                    let class = j % k;
                    let u = (j / k) as f64 / per_arm;
                    let r = 5.0 * u;
                    let t = 1.75 * TAU * u + TAU * class as f64 / k as f64;
                    let x = r * t.sin() + rng.uniform(-1.0, 1.0) * noise;
                    let y = r * t.cos() + rng.uniform(-1.0, 1.0) * noise;
                    points.push((vec![x, y], class as f64));
                }
            }
            Self::Blobs { classes } => {
                let k = (*classes).max(2);
                let deviation = 0.6 + 3.0 * noise;
                for j in 0..n {
                    let class = j % k;
                    let angle = TAU * class as f64 / k as f64;
                    let x = 3.5 * angle.cos() + deviation * rng.normal();
                    let y = 3.5 * angle.sin() + deviation * rng.normal();
                    points.push((vec![x, y], class as f64));
                }
            }
        }
        self.to_dataset(points)
    }

    fn to_dataset(&self, points: Vec<(Vec<f64>, f64)>) -> Dataset {
        let width = points.first().map_or(2, |p| p.0.len());
        let inputs = Array2::from_shape_fn((points.len(), width), |(r, c)| points[r].0[c]);
        let targets = points.iter().map(|p| p.1).collect();
        let feature_names = if width == 1 {
            vec!["x".to_owned()]
        } else {
            (1..=width).map(|i| format!("x{i}")).collect()
        };
        let class_names = match self.task() {
            Task::Regression => Vec::new(),
            Task::Classification if self.classes() == 2 => {
                vec!["negative".to_owned(), "positive".to_owned()]
            }
            Task::Classification => (0..self.classes()).map(|c| format!("class {c}")).collect(),
        };
        Dataset {
            name: self.name(),
            task: self.task(),
            feature_names,
            target_name: if self.task() == Task::Regression {
                "y".to_owned()
            } else {
                "label".to_owned()
            },
            inputs,
            targets,
            class_names,
            encoding: None,
            notes: Vec::new(),
        }
    }
}

/// TF Playground's six bumps: the signed bump of largest magnitude at (x, y).
fn multi_gaussian(x: f64, y: f64) -> f64 {
    const BUMPS: [(f64, f64, f64); 6] = [
        (-4.0, 2.5, 1.0),
        (0.0, 2.5, -1.0),
        (4.0, 2.5, 1.0),
        (-4.0, -2.5, -1.0),
        (0.0, -2.5, 1.0),
        (4.0, -2.5, -1.0),
    ];
    let mut label: f64 = 0.0;
    for (cx, cy, sign) in BUMPS {
        let height = sign * (1.0 - (x - cx).hypot(y - cy) / 2.0).clamp(0.0, 1.0);
        if height.abs() > label.abs() {
            label = height;
        }
    }
    label
}
