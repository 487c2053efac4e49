//! Output functions and losses, each returning its value and its gradient.
//!
//! The output layer produces logits `z: [batch, units]`. An [`OutputFunction`]
//! turns them into predictions `ŷ = g(z)`; a [`Loss`] compares `ŷ` with the
//! targets `y: [batch, units]` (one-hot rows for softmax). [`loss_and_gradient`]
//! returns the loss and `∂L/∂z`, fusing sigmoid with binary cross-entropy and
//! softmax with softmax cross-entropy so both stay finite for any logits.

use ndarray::{ArrayView2, ArrayViewMut2, Axis, Zip};
use serde::{Deserialize, Serialize};

use crate::math::activations::sigmoid;
use crate::math::float::{Float, Precision};

/// The function the output layer applies to its logits `z` to make predictions `ŷ`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputFunction {
    /// `ŷ = z`: regression.
    #[default]
    Identity,
    /// `ŷ = σ(z)` per unit (eq. 1.13): binary (or multi-label) classification.
    Sigmoid,
    /// `ŷ_k = e^(z_k) / Σ_i e^(z_i)` (eq. 1.15): one of several classes.
    Softmax,
    /// `ŷ = 1 if z > 0 else 0`: the perceptron (eq. 1.12).
    Step,
}

impl OutputFunction {
    /// Every output function, in menu order.
    pub const ALL: [Self; 4] = [Self::Identity, Self::Sigmoid, Self::Softmax, Self::Step];

    /// A short name for menus and messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Sigmoid => "sigmoid",
            Self::Softmax => "softmax",
            Self::Step => "step",
        }
    }

    /// The losses that make sense with this output function.
    pub fn fitting_losses(self) -> &'static [Loss] {
        match self {
            Self::Identity => &[Loss::HalfSquaredError, Loss::SquaredError],
            Self::Sigmoid => &[
                Loss::BinaryCrossEntropy,
                Loss::HalfSquaredError,
                Loss::SquaredError,
            ],
            Self::Softmax => &[Loss::SoftmaxCrossEntropy],
            Self::Step => &[Loss::Perceptron],
        }
    }

    /// Whether the output is a class decision (so accuracy is meaningful).
    pub fn is_classifier(self) -> bool {
        !matches!(self, Self::Identity)
    }

    /// Applies `ŷ = g(z)` to one row of logits in place.
    pub fn apply_row<F: Float>(self, mut row: ndarray::ArrayViewMut1<F>) {
        match self {
            Self::Identity => {}
            Self::Sigmoid => row.mapv_inplace(sigmoid),
            Self::Step => row.mapv_inplace(|z| if z > F::zero() { F::one() } else { F::zero() }),
            Self::Softmax => {
                let max = row.fold(F::neg_infinity(), |m, &z| m.max(z));
                row.mapv_inplace(|z| (z - max).exp());
                let total: F = row.sum();
                row.mapv_inplace(|e| e / total);
            }
        }
    }

    /// Applies `ŷ = g(z)` to every row of `logits` in place.
    pub fn apply<F: Float>(self, mut logits: ArrayViewMut2<F>) {
        match self {
            // Element-wise functions run over the whole block at once.
            Self::Identity => {}
            Self::Sigmoid => logits.mapv_inplace(sigmoid),
            Self::Step => {
                logits.mapv_inplace(|z| if z > F::zero() { F::one() } else { F::zero() });
            }
            Self::Softmax => {
                for row in logits.rows_mut() {
                    self.apply_row(row);
                }
            }
        }
    }
}

/// How per-example losses are combined over a batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduction {
    /// The mean over the examples of the batch (the default).
    #[default]
    Mean,
    /// The sum over the examples, as the notes write their losses (eq. 1.2, 1.14, 1.16).
    Sum,
}

/// A loss `L(ŷ, y)` for one example; [`Reduction`] combines examples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// `½ Σ_k (ŷ_k − y_k)²`. Summed over the batch it is eq. 1.2; averaged, eq. 1.3's `1/(2n)`.
    HalfSquaredError,
    /// `Σ_k (ŷ_k − y_k)²`; averaged over the batch it is the usual mean squared error (`1/n`).
    #[default]
    SquaredError,
    /// `−Σ_k [y_k ln ŷ_k + (1 − y_k) ln(1 − ŷ_k)]` with `ŷ = σ(z)` (eq. 1.14), computed from
    /// the logits as `max(z, 0) − z·y + ln(1 + e^(−|z|))`; `∂L/∂z = σ(z) − y`.
    BinaryCrossEntropy,
    /// `−Σ_k y_k ln ŷ_k` with `ŷ = softmax(z)` (eq. 1.16), computed from the logits as
    /// `Σ_k y_k (logsumexp(z) − z_k)`; `∂L/∂z = softmax(z)·Σy − y`.
    SoftmaxCrossEntropy,
    /// The perceptron rule (eq. 2.1): the value is the number of wrong outputs
    /// `Σ_k |ŷ_k − y_k|` with `ŷ = step(z)`, and the error signal `∂L/∂z = ŷ − y` is passed
    /// straight through the step, so gradient descent with batch 1 updates
    /// `Δw = η (y − ŷ) x`.
    Perceptron,
}

impl Loss {
    /// Every loss, in menu order.
    pub const ALL: [Self; 5] = [
        Self::HalfSquaredError,
        Self::SquaredError,
        Self::BinaryCrossEntropy,
        Self::SoftmaxCrossEntropy,
        Self::Perceptron,
    ];

    /// A short name for menus and messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::HalfSquaredError => "half squared error",
            Self::SquaredError => "squared error",
            Self::BinaryCrossEntropy => "binary cross-entropy",
            Self::SoftmaxCrossEntropy => "softmax cross-entropy",
            Self::Perceptron => "perceptron rule",
        }
    }

    /// Whether this loss fits `output` (see [`OutputFunction::fitting_losses`]).
    pub fn fits(self, output: OutputFunction) -> bool {
        output.fitting_losses().contains(&self)
    }
}

/// The loss of a batch and, when `gradient` is given, `∂L/∂z` written into it.
///
/// Shapes: `logits`, `targets` and `gradient` are all `[batch, units]`.
/// With [`Reduction::Mean`] both the value and the gradient are divided by `batch`.
/// The pair `(output, loss)` should fit ([`Loss::fits`]); an unfitting pair is
/// computed by the chain rule through `output` all the same.
pub fn loss_and_gradient<F: Float>(
    output: OutputFunction,
    loss: Loss,
    reduction: Reduction,
    logits: ArrayView2<F>,
    targets: ArrayView2<F>,
    mut gradient: Option<ArrayViewMut2<F>>,
) -> F {
    let batch = logits.nrows();
    if batch == 0 {
        return F::zero();
    }
    let scale = match reduction {
        Reduction::Mean => F::one() / F::cast(batch as f64),
        Reduction::Sum => F::one(),
    };
    let has_gradient = gradient.is_some();
    if let ((OutputFunction::Sigmoid, Loss::BinaryCrossEntropy), Some(zs), Some(ys)) =
        ((output, loss), logits.as_slice(), targets.as_slice())
    {
        let gradient = gradient.as_mut().and_then(|g| g.as_slice_mut());
        if gradient.is_some() == has_gradient {
            return sigmoid_cross_entropy(zs, ys, gradient, scale) * scale;
        }
    }
    let mut total = F::zero();
    for (row, (z, y)) in logits
        .axis_iter(Axis(0))
        .zip(targets.axis_iter(Axis(0)))
        .enumerate()
    {
        let grad_row = gradient.as_mut().map(|g| g.row_mut(row));
        total += example_loss(output, loss, z, y, grad_row, scale);
    }
    total * scale
}

/// Sigmoid outputs with binary cross-entropy over whole contiguous batches (`zs`, `ys` and
/// `gradient` laid out alike), in one pass: `e = e^(−|z|)` once per value gives both the
/// loss term `max(z, 0) − z·y + ln(1 + e)` and `σ(z)` (`1/(1 + e)` for `z ≥ 0`, `e/(1 + e)`
/// below), so `∂L/∂z = (σ(z) − y)·scale` costs no second exponential. Returns the sum.
fn sigmoid_cross_entropy<F: Float>(
    zs: &[F],
    ys: &[F],
    mut gradient: Option<&mut [F]>,
    scale: F,
) -> F {
    let (zero, one) = (F::zero(), F::one());
    let mut total = zero;
    for (index, (&z, &y)) in zs.iter().zip(ys).enumerate() {
        let e = (-z.abs()).exp();
        total += z.max(zero) - z * y + ln_one_plus(e);
        if let Some(g) = gradient.as_deref_mut().and_then(|g| g.get_mut(index)) {
            let p = if z >= zero {
                one / (one + e)
            } else {
                e / (one + e)
            };
            *g = (p - y) * scale;
        }
    }
    total
}

/// `ln(1 + e)` for `e` in `[0, 1]`: exact (`ln_1p`) in f64; in f32 `e − e²/2 + e³/3` below
/// 10⁻³ (error below `e⁴/4`) and `ln(1 + e)` above, whose rounding of `1 + e` costs at most
/// 6e-8 absolute: a quarter of the time of `ln_1p` in the hot loop of a binary classifier.
#[inline]
fn ln_one_plus<F: Float>(e: F) -> F {
    match F::PRECISION {
        Precision::F64 => e.ln_1p(),
        Precision::F32 if e < F::cast(1e-3) => {
            e * (F::one() - e * (F::cast(0.5) - e / F::cast(3.0)))
        }
        Precision::F32 => (F::one() + e).ln(),
    }
}

/// One example's loss; writes `scale · ∂L/∂z` into `gradient` when given.
fn example_loss<F: Float>(
    output: OutputFunction,
    loss: Loss,
    z: ndarray::ArrayView1<F>,
    y: ndarray::ArrayView1<F>,
    gradient: Option<ndarray::ArrayViewMut1<F>>,
    scale: F,
) -> F {
    let zero = F::zero();
    let one = F::one();
    match (output, loss) {
        (OutputFunction::Sigmoid, Loss::BinaryCrossEntropy) => {
            let mut value = zero;
            for (&zk, &yk) in z.iter().zip(y) {
                value += zk.max(zero) - zk * yk + (-zk.abs()).exp().ln_1p();
            }
            if let Some(mut g) = gradient {
                Zip::from(&mut g)
                    .and(&z)
                    .and(&y)
                    .for_each(|g, &zk, &yk| *g = (sigmoid(zk) - yk) * scale);
            }
            value
        }
        (OutputFunction::Softmax, Loss::SoftmaxCrossEntropy) => {
            let max = z.fold(F::neg_infinity(), |m, &v| m.max(v));
            let sum_exp: F = z.iter().map(|&v| (v - max).exp()).sum();
            let log_sum_exp = max + sum_exp.ln();
            let target_mass: F = y.sum();
            let value = z
                .iter()
                .zip(y)
                .map(|(&zk, &yk)| yk * (log_sum_exp - zk))
                .sum();
            if let Some(mut g) = gradient {
                // softmax_k = e^(z_k − max) / Σ e^(z_i − max): shifting by the max rather than
                // by logsumexp keeps f32 exact when the logits are large.
                Zip::from(&mut g).and(&z).and(&y).for_each(|g, &zk, &yk| {
                    *g = ((zk - max).exp() / sum_exp * target_mass - yk) * scale;
                });
            }
            value
        }
        (OutputFunction::Step, _) | (_, Loss::Perceptron) => {
            // The perceptron rule: the error of the thresholded output, passed straight through.
            let mut value = zero;
            let mut errors = z.mapv(|zk| if zk > zero { one } else { zero });
            Zip::from(&mut errors).and(&y).for_each(|e, &yk| {
                *e -= yk;
                value += e.abs();
            });
            if let Some(mut g) = gradient {
                Zip::from(&mut g)
                    .and(&errors)
                    .for_each(|g, &e| *g = e * scale);
            }
            value
        }
        _ => {
            // Any other pair: ŷ = g(z), then the chain rule through g.
            let mut prediction = z.to_owned();
            output.apply_row(prediction.view_mut());
            let (value, mut d_prediction) = match loss {
                Loss::HalfSquaredError => {
                    let d = &prediction - &y;
                    (F::cast(0.5) * d.mapv(|v| v * v).sum(), d)
                }
                Loss::SquaredError => {
                    let d = &prediction - &y;
                    (d.mapv(|v| v * v).sum(), d.mapv(|v| F::cast(2.0) * v))
                }
                Loss::BinaryCrossEntropy => {
                    // Cross-entropy on predictions that are not a sigmoid of these logits.
                    let tiny = F::epsilon();
                    let mut value = zero;
                    let d = Zip::from(&prediction).and(&y).map_collect(|&p, &yk| {
                        let p = p.max(tiny).min(one - tiny);
                        value -= yk * p.ln() + (one - yk) * (one - p).ln();
                        (p - yk) / (p * (one - p))
                    });
                    (value, d)
                }
                Loss::SoftmaxCrossEntropy => {
                    let tiny = F::min_positive_value();
                    let mut value = zero;
                    let d = Zip::from(&prediction).and(&y).map_collect(|&p, &yk| {
                        let p = p.max(tiny);
                        value -= yk * p.ln();
                        -yk / p
                    });
                    (value, d)
                }
                Loss::Perceptron => {
                    // Caught by the straight-through arm above; kept total for clarity.
                    let d = &prediction - &y;
                    (d.mapv(F::abs).sum(), d)
                }
            };
            if let Some(mut g) = gradient {
                chain_through_output(output, &prediction, &mut d_prediction);
                Zip::from(&mut g)
                    .and(&d_prediction)
                    .for_each(|g, &d| *g = d * scale);
            }
            value
        }
    }
}

/// Turns `∂L/∂ŷ` into `∂L/∂z` in place, for `ŷ = g(z)` given as `prediction`.
fn chain_through_output<F: Float>(
    output: OutputFunction,
    prediction: &ndarray::Array1<F>,
    d_prediction: &mut ndarray::Array1<F>,
) {
    let one = F::one();
    match output {
        OutputFunction::Identity => {}
        OutputFunction::Sigmoid => {
            Zip::from(d_prediction)
                .and(prediction)
                .for_each(|d, &p| *d *= p * (one - p));
        }
        OutputFunction::Softmax => {
            // ∂L/∂z_j = ŷ_j (∂L/∂ŷ_j − Σ_k ŷ_k ∂L/∂ŷ_k)
            let inner: F = prediction
                .iter()
                .zip(d_prediction.iter())
                .map(|(&p, &d)| p * d)
                .sum();
            Zip::from(d_prediction)
                .and(prediction)
                .for_each(|d, &p| *d = p * (*d - inner));
        }
        OutputFunction::Step => d_prediction.fill(F::zero()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn softmax_cross_entropy_stays_finite_for_huge_logits() {
        let logits = array![[1000.0_f32, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]];
        let targets = array![[0.0_f32, 1.0, 0.0], [1.0, 0.0, 0.0]];
        let mut gradient = ndarray::Array2::zeros((2, 3));
        let value = loss_and_gradient(
            OutputFunction::Softmax,
            Loss::SoftmaxCrossEntropy,
            Reduction::Sum,
            logits.view(),
            targets.view(),
            Some(gradient.view_mut()),
        );
        assert!(value.is_finite());
        // Row 1: the target's logit is 2000 below the winner: loss 2000.
        // Row 2: two logits tie at 1000, target at -1000: loss 2000 + ln 2.
        assert!(
            (value - (4000.0 + std::f32::consts::LN_2)).abs() < 1e-2,
            "{value}"
        );
        assert!(gradient.iter().all(|g| g.is_finite()));
        assert_eq!(gradient.row(0).to_vec(), vec![1.0, -1.0, 0.0]);
        assert_eq!(gradient.row(1).to_vec(), vec![-1.0, 0.5, 0.5]);
    }

    #[test]
    fn binary_cross_entropy_stays_finite_for_huge_logits() {
        let logits = array![[1000.0_f64], [-1000.0]];
        let targets = array![[0.0_f64], [0.0]];
        let value = loss_and_gradient(
            OutputFunction::Sigmoid,
            Loss::BinaryCrossEntropy,
            Reduction::Sum,
            logits.view(),
            targets.view(),
            None,
        );
        assert_eq!(value, 1000.0);
    }

    #[test]
    fn mean_reduction_divides_by_the_batch() {
        // Two examples with errors 1 and 3: half squared error 0.5 + 4.5 = 5, mean 2.5.
        let logits = array![[1.0_f64], [3.0]];
        let targets = array![[0.0_f64], [0.0]];
        let sum = loss_and_gradient(
            OutputFunction::Identity,
            Loss::HalfSquaredError,
            Reduction::Sum,
            logits.view(),
            targets.view(),
            None,
        );
        let mean = loss_and_gradient(
            OutputFunction::Identity,
            Loss::HalfSquaredError,
            Reduction::Mean,
            logits.view(),
            targets.view(),
            None,
        );
        assert_eq!((sum, mean), (5.0, 2.5));
    }

    #[test]
    fn losses_fit_their_output_functions() {
        assert!(Loss::SoftmaxCrossEntropy.fits(OutputFunction::Softmax));
        assert!(Loss::BinaryCrossEntropy.fits(OutputFunction::Sigmoid));
        assert!(Loss::SquaredError.fits(OutputFunction::Sigmoid));
        assert!(Loss::Perceptron.fits(OutputFunction::Step));
        assert!(!Loss::BinaryCrossEntropy.fits(OutputFunction::Softmax));
        assert!(!Loss::SquaredError.fits(OutputFunction::Step));
    }
}
