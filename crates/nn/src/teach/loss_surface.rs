//! The loss as a function of the parameters, for networks small enough to draw it: a line
//! `ŷ = w·x + b` has two parameters, so its loss `L(w, b)` (eq. 1.2-1.4) is a surface whose
//! valley gradient descent (eq. 1.5-1.9) walks down.

use ndarray::Array2;

use crate::data::Samples;
use crate::math::float::Float;
use crate::network::architecture::{Architecture, ParameterRole, ParameterSet};
use crate::network::model::{Mode, Workspace, loss_only};

/// The indices (into [`ParameterSet::tensors`]) of the weight `w` and the bias `b` of a
/// network whose only parameters are one scalar weight and one scalar bias (a `1 → 1`
/// layer); `None` for any other network.
pub fn weight_and_bias(architecture: &Architecture) -> Option<[usize; 2]> {
    let parameters = architecture.parameters();
    if parameters.len() != 2 || parameters.iter().any(|p| p.shape != (1, 1)) {
        return None;
    }
    let index_of = |role| parameters.iter().position(|p| p.role == role);
    Some([
        index_of(ParameterRole::Weights)?,
        index_of(ParameterRole::Bias)?,
    ])
}

/// The least-squares line through one-column `samples`: the `(w, b)` minimising
/// `Σ (w·xᵢ + b − yᵢ)²`, that is `w = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)²`, `b = ȳ − w·x̄`.
/// `None` unless inputs and targets have one column and the inputs are not all equal.
pub fn least_squares_line<G: Float>(samples: &Samples<G>) -> Option<[f64; 2]> {
    if samples.inputs.ncols() != 1 || samples.targets.ncols() != 1 || samples.is_empty() {
        return None;
    }
    let x = samples.inputs.column(0).mapv(Float::widen);
    let y = samples.targets.column(0).mapv(Float::widen);
    let n = samples.len() as f64;
    let x_mean = x.sum() / n;
    let y_mean = y.sum() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (&xi, &yi) in x.iter().zip(y.iter()) {
        sxy += (xi - x_mean) * (yi - y_mean);
        sxx += (xi - x_mean) * (xi - x_mean);
    }
    if sxx <= f64::EPSILON * n || !sxx.is_finite() {
        return None;
    }
    let w = sxy / sxx;
    Some([w, y_mean - w * x_mean])
}

/// The training loss sampled on a square lattice of `(w, b)`.
///
/// `losses[[r, c]]` is the loss at `w = w₀ + c·Δw`, `b = b₁ − r·Δb` with
/// `Δ = (range end − range start)/(resolution − 1)`: row 0 is the largest `b`, so the array
/// reads like the picture, and both ends of each range are sampled.
#[derive(Clone, Debug, PartialEq)]
pub struct LossSurface {
    /// `(w₀, w₁)`.
    pub weight_range: (f64, f64),
    /// `(b₀, b₁)`.
    pub bias_range: (f64, f64),
    /// `[resolution, resolution]`, see above.
    pub losses: Array2<f64>,
    /// The least-squares `(w, b)`, when the data have one input and one target column.
    pub least_squares: Option<[f64; 2]>,
}

impl LossSurface {
    /// Samples per side.
    pub fn resolution(&self) -> usize {
        self.losses.nrows()
    }

    /// The `(w, b)` of lattice point `(row, column)`.
    pub fn point(&self, row: usize, column: usize) -> [f64; 2] {
        self.position(row as f64, column as f64)
    }

    /// The `(w, b)` at fractional lattice coordinates (where level curves cross cells).
    pub fn position(&self, row: f64, column: f64) -> [f64; 2] {
        let steps = (self.resolution().max(2) - 1) as f64;
        let (w0, w1) = self.weight_range;
        let (b0, b1) = self.bias_range;
        [
            w0 + column * (w1 - w0) / steps,
            b1 - row * (b1 - b0) / steps,
        ]
    }

    /// The lattice coordinates `(row, column)` of `(w, b)`, fractional.
    pub fn lattice_coordinates(&self, [w, b]: [f64; 2]) -> (f64, f64) {
        let steps = (self.resolution().max(2) - 1) as f64;
        let (w0, w1) = self.weight_range;
        let (b0, b1) = self.bias_range;
        ((b1 - b) / (b1 - b0) * steps, (w - w0) / (w1 - w0) * steps)
    }

    /// The lattice point with the smallest loss: `(w, b)` and the loss.
    pub fn lowest(&self) -> Option<([f64; 2], f64)> {
        self.losses
            .indexed_iter()
            .filter(|(_, v)| v.is_finite())
            .min_by(|a, b| a.1.total_cmp(b.1))
            .map(|((row, column), &loss)| (self.point(row, column), loss))
    }

    /// The loss of the network `architecture` (see [`weight_and_bias`]) on `samples` over
    /// the given ranges, `resolution ≥ 2` points per side, with the network's own loss and
    /// reduction (so the surface's height is the training curve's loss). `None` when the
    /// network has other parameters than one weight and one bias.
    pub fn sample<G: Float>(
        architecture: &Architecture,
        samples: &Samples<G>,
        weight_range: (f64, f64),
        bias_range: (f64, f64),
        resolution: usize,
    ) -> Option<Self> {
        let [weight, bias] = weight_and_bias(architecture)?;
        let samples: Samples<f64> = samples.in_precision();
        let resolution = resolution.max(2);
        let mut parameters = ParameterSet {
            tensors: vec![Array2::zeros((1, 1)); 2],
        };
        let mut workspace = Workspace::new(architecture, samples.len());
        let mut surface = Self {
            weight_range,
            bias_range,
            losses: Array2::zeros((resolution, resolution)),
            least_squares: least_squares_line(&samples),
        };
        for row in 0..resolution {
            for column in 0..resolution {
                let [w, b] = surface.point(row, column);
                parameters.tensors[weight][[0, 0]] = w;
                parameters.tensors[bias][[0, 0]] = b;
                surface.losses[[row, column]] = loss_only(
                    architecture,
                    &parameters,
                    samples.inputs.view(),
                    samples.targets.view(),
                    Mode::Inference,
                    &mut workspace,
                );
            }
        }
        Some(surface)
    }

    /// A surface framing every point of `path` (a descent path of `(w, b)`) and the
    /// least-squares line, with a tenth of the span as margin and the same span on both
    /// axes. `None` when the path is empty, not finite or spans more than `10⁴`.
    pub fn framing<G: Float>(
        architecture: &Architecture,
        samples: &Samples<G>,
        path: &[[f64; 2]],
        resolution: usize,
    ) -> Option<Self> {
        let least_squares = least_squares_line(samples);
        let points = path.iter().chain(least_squares.iter());
        let (mut low, mut high) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for point in points {
            for axis in 0..2 {
                low[axis] = low[axis].min(point[axis]);
                high[axis] = high[axis].max(point[axis]);
            }
        }
        let span = (high[0] - low[0]).max(high[1] - low[1]).max(1.0) * 1.2;
        if path.is_empty() || !span.is_finite() || span > 1e4 {
            return None;
        }
        let centre = [0.5 * (low[0] + high[0]), 0.5 * (low[1] + high[1])];
        let half = 0.5 * span;
        Self::sample(
            architecture,
            samples,
            (centre[0] - half, centre[0] + half),
            (centre[1] - half, centre[1] + half),
            resolution,
        )
    }

    /// A surface framing both where training starts (`start`, the parameters of a
    /// [`weight_and_bias`] network) and the least-squares line (or the start alone when
    /// there is none), with the same span on both axes so level curves keep their shape.
    pub fn around_start<G: Float>(
        architecture: &Architecture,
        start: &ParameterSet<f64>,
        samples: &Samples<G>,
        resolution: usize,
    ) -> Option<Self> {
        let [weight, bias] = weight_and_bias(architecture)?;
        let from = [
            start.tensors.get(weight)?[[0, 0]],
            start.tensors.get(bias)?[[0, 0]],
        ];
        let to = least_squares_line(samples).unwrap_or(from);
        let centre = [0.5 * (from[0] + to[0]), 0.5 * (from[1] + to[1])];
        let distance = (from[0] - to[0]).abs().max((from[1] - to[1]).abs());
        let half_span = (0.5 * distance * 1.6).max(1.0);
        Self::sample(
            architecture,
            samples,
            (centre[0] - half_span, centre[0] + half_span),
            (centre[1] - half_span, centre[1] + half_span),
            resolution,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::architecture::{ArchitectureBuilder, DenseSpec, OutputSpec};
    use crate::{Activation, Loss, OutputFunction};
    use ndarray::array;

    fn line_network() -> Architecture {
        let mut builder = ArchitectureBuilder::new();
        let input = builder.input("input", 1).unwrap();
        builder
            .output(
                "output",
                input,
                OutputSpec::new(1, OutputFunction::Identity, Loss::HalfSquaredError),
            )
            .unwrap()
    }

    fn noisy_line() -> Samples {
        // y = 2x − 1 plus a fixed wiggle, so the best line is not exactly (2, −1).
        let x = array![[-2.0], [-1.0], [0.0], [0.5], [1.0], [2.0], [3.0]];
        let wiggle = [0.3, -0.2, 0.1, 0.0, -0.4, 0.25, 0.1];
        let targets = Array2::from_shape_fn((7, 1), |(i, _)| 2.0 * x[[i, 0]] - 1.0 + wiggle[i]);
        Samples::new(x, targets)
    }

    #[test]
    fn least_squares_recovers_an_exact_line() {
        let samples = Samples::new(array![[0.0], [1.0], [3.0]], array![[-1.0], [1.0], [5.0]]);
        let [w, b] = least_squares_line(&samples).unwrap();
        assert!((w - 2.0).abs() < 1e-12 && (b + 1.0).abs() < 1e-12);
    }

    #[test]
    fn only_one_weight_and_one_bias_make_a_surface() {
        assert!(weight_and_bias(&line_network()).is_some());
        let mut builder = ArchitectureBuilder::new();
        let input = builder.input("input", 1).unwrap();
        let hidden = builder
            .dense("hidden", input, DenseSpec::new(1, Activation::Tanh))
            .unwrap();
        let deeper = builder
            .output(
                "output",
                hidden,
                OutputSpec::new(1, OutputFunction::Identity, Loss::HalfSquaredError),
            )
            .unwrap();
        assert!(weight_and_bias(&deeper).is_none());
    }

    #[test]
    fn each_height_is_the_half_mean_squared_error_at_that_point() {
        let samples = noisy_line();
        let surface =
            LossSurface::sample(&line_network(), &samples, (0.0, 4.0), (-3.0, 1.0), 5).unwrap();
        // Row 0 is b = 1, column 0 is w = 0: ŷ = 1, L = ½·mean((1 − y)²).
        let expected: f64 = samples
            .targets
            .iter()
            .map(|y| 0.5 * (1.0 - y).powi(2))
            .sum::<f64>()
            / 7.0;
        assert!((surface.losses[[0, 0]] - expected).abs() < 1e-12);
        assert_eq!(surface.point(4, 4), [4.0, -3.0]);
        assert_eq!(surface.point(2, 1), [1.0, -1.0]);
    }

    #[test]
    fn the_lowest_point_of_the_grid_is_the_least_squares_line() {
        let samples = noisy_line();
        let [w_star, b_star] = least_squares_line(&samples).unwrap();
        let start = ParameterSet {
            tensors: vec![array![[0.0]], array![[0.0]]],
        };
        let surface = LossSurface::around_start(&line_network(), &start, &samples, 81).unwrap();
        let ([w, b], _) = surface.lowest().unwrap();
        let cell = (surface.weight_range.1 - surface.weight_range.0) / 80.0;
        assert!((w - w_star).abs() <= cell, "w {w} vs {w_star}");
        assert!((b - b_star).abs() <= cell, "b {b} vs {b_star}");
        // Both the start and the optimum are inside the frame.
        for (value, range) in [
            (0.0, surface.weight_range),
            (w_star, surface.weight_range),
            (0.0, surface.bias_range),
            (b_star, surface.bias_range),
        ] {
            assert!(range.0 < value && value < range.1);
        }
    }
}
