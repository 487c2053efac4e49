//! Parameter updates: gradient descent, momentum and Adam, with L1/L2 regularization.

use ndarray::{Array2, ArrayViewMut2, Zip};
use serde::{Deserialize, Serialize};

use crate::math::float::Float;

/// The rule that turns a gradient `g` into a parameter update (learning rate `η`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Optimizer {
    /// Gradient descent (eq. 1.8-1.9): `w ← w − η g`.
    #[default]
    GradientDescent,
    /// Heavy-ball momentum: `v ← μ v + g`, `w ← w − η v`.
    Momentum {
        /// The momentum coefficient `μ` (typically 0.9).
        momentum: f64,
    },
    /// Adam (Kingma and Ba 2015): `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g²`,
    /// `w ← w − η m̂ / (√v̂ + ε)` with bias corrections `m̂ = m/(1 − β₁ᵗ)`, `v̂ = v/(1 − β₂ᵗ)`.
    Adam {
        /// Decay of the first moment (typically 0.9).
        beta1: f64,
        /// Decay of the second moment (typically 0.999).
        beta2: f64,
        /// Keeps the division finite (typically 1e-8).
        epsilon: f64,
    },
}

impl Optimizer {
    /// Momentum with `μ = 0.9`.
    pub const MOMENTUM: Self = Self::Momentum { momentum: 0.9 };
    /// Adam with its published defaults.
    pub const ADAM: Self = Self::Adam {
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
    };

    /// A short name for menus and messages.
    pub fn name(&self) -> &'static str {
        match self {
            Self::GradientDescent => "gradient descent",
            Self::Momentum { .. } => "momentum",
            Self::Adam { .. } => "Adam",
        }
    }
}

/// A penalty on the weights (not biases or PReLU slopes) added to the loss's gradient.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Regularization {
    /// No penalty.
    #[default]
    None,
    /// `rate · Σ|w|`, gradient `rate · sign(w)`: drives weights to exactly zero.
    L1 {
        /// The penalty's weight.
        rate: f64,
    },
    /// `rate · ½ Σ w²`, gradient `rate · w`: weight decay.
    L2 {
        /// The penalty's weight.
        rate: f64,
    },
}

impl Regularization {
    /// The penalty's value for one weight matrix.
    pub fn penalty<F: Float>(&self, weights: &Array2<F>) -> f64 {
        match *self {
            Self::None => 0.0,
            Self::L1 { rate } => rate * weights.iter().map(|w| w.widen().abs()).sum::<f64>(),
            Self::L2 { rate } => {
                0.5 * rate * weights.iter().map(|w| w.widen().powi(2)).sum::<f64>()
            }
        }
    }

    /// Adds the penalty's gradient at `weights` to `gradient`.
    pub fn add_gradient<F: Float>(&self, weights: &Array2<F>, gradient: &mut Array2<F>) {
        match *self {
            Self::None => {}
            Self::L1 { rate } => {
                let rate = F::cast(rate);
                Zip::from(gradient).and(weights).for_each(|g, &w| {
                    if w != F::zero() {
                        *g += rate * w.signum();
                    }
                });
            }
            Self::L2 { rate } => {
                let rate = F::cast(rate);
                Zip::from(gradient)
                    .and(weights)
                    .for_each(|g, &w| *g += rate * w);
            }
        }
    }
}

/// The optimizer's memory for one parameter tensor (empty for gradient descent).
#[derive(Clone, Debug)]
pub struct OptimizerSlot<F: Float> {
    /// Momentum's velocity or Adam's first moment.
    first: Array2<F>,
    /// Adam's second moment.
    second: Array2<F>,
}

impl<F: Float> OptimizerSlot<F> {
    /// A zeroed slot for a parameter of `shape`, sized for `optimizer`.
    pub fn new(optimizer: &Optimizer, shape: (usize, usize)) -> Self {
        let sized = |used: bool| {
            if used {
                Array2::zeros(shape)
            } else {
                Array2::zeros((0, 0))
            }
        };
        let (first, second) = match optimizer {
            Optimizer::GradientDescent => (false, false),
            Optimizer::Momentum { .. } => (true, false),
            Optimizer::Adam { .. } => (true, true),
        };
        Self {
            first: sized(first),
            second: sized(second),
        }
    }

    /// Applies one update to `parameter` with `gradient`, at step `step` (1 for the first).
    pub fn update(
        &mut self,
        optimizer: &Optimizer,
        learning_rate: f64,
        step: u64,
        parameter: ArrayViewMut2<F>,
        gradient: &Array2<F>,
    ) {
        let rate = F::cast(learning_rate);
        match *optimizer {
            Optimizer::GradientDescent => {
                let mut parameter = parameter;
                match (parameter.as_slice_mut(), gradient.as_slice()) {
                    // Plain slices: a small layer's update is a few values, where Zip's
                    // layout checks cost more than the arithmetic.
                    (Some(ws), Some(gs)) => {
                        for (w, &g) in ws.iter_mut().zip(gs) {
                            *w -= rate * g;
                        }
                    }
                    _ => Zip::from(parameter)
                        .and(gradient)
                        .for_each(|w, &g| *w -= rate * g),
                }
            }
            Optimizer::Momentum { momentum } => {
                let momentum = F::cast(momentum);
                if self.first.dim() != gradient.dim() {
                    self.first = Array2::zeros(gradient.dim());
                }
                Zip::from(parameter)
                    .and(&mut self.first)
                    .and(gradient)
                    .for_each(|w, v, &g| {
                        *v = momentum * *v + g;
                        *w -= rate * *v;
                    });
            }
            Optimizer::Adam {
                beta1,
                beta2,
                epsilon,
            } => {
                if self.first.dim() != gradient.dim() {
                    self.first = Array2::zeros(gradient.dim());
                }
                if self.second.dim() != gradient.dim() {
                    self.second = Array2::zeros(gradient.dim());
                }
                let exponent = i32::try_from(step.max(1)).unwrap_or(i32::MAX);
                let first_correction = F::cast(1.0 / (1.0 - beta1.powi(exponent)));
                let second_correction = F::cast(1.0 / (1.0 - beta2.powi(exponent)));
                let (b1, b2, eps) = (F::cast(beta1), F::cast(beta2), F::cast(epsilon));
                let one = F::one();
                Zip::from(parameter)
                    .and(&mut self.first)
                    .and(&mut self.second)
                    .and(gradient)
                    .for_each(|w, m, v, &g| {
                        *m = b1 * *m + (one - b1) * g;
                        *v = b2 * *v + (one - b2) * g * g;
                        let m_hat = *m * first_correction;
                        let v_hat = *v * second_correction;
                        *w -= rate * m_hat / (v_hat.sqrt() + eps);
                    });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn gradient_descent_steps_against_the_gradient() {
        let mut w = array![[1.0_f64, -2.0]];
        let g = array![[0.5_f64, -1.0]];
        let mut slot = OptimizerSlot::new(&Optimizer::GradientDescent, (1, 2));
        slot.update(&Optimizer::GradientDescent, 0.1, 1, w.view_mut(), &g);
        assert_eq!(w, array![[0.95, -1.9]]);
    }

    #[test]
    fn momentum_accumulates_velocity() {
        let mut w = array![[0.0_f64]];
        let g = array![[1.0_f64]];
        let mut slot = OptimizerSlot::new(&Optimizer::MOMENTUM, (1, 1));
        slot.update(&Optimizer::MOMENTUM, 0.1, 1, w.view_mut(), &g); // v = 1, w = -0.1
        slot.update(&Optimizer::MOMENTUM, 0.1, 2, w.view_mut(), &g); // v = 1.9, w = -0.29
        assert!((w[[0, 0]] + 0.29).abs() < 1e-15);
    }

    #[test]
    fn adam_first_step_moves_by_the_learning_rate() {
        // With bias correction, m̂ = g and v̂ = g², so the first step is η·g/(|g| + ε) ≈ η.
        let mut w = array![[0.0_f64, 0.0]];
        let g = array![[3.0_f64, -0.002]];
        let mut slot = OptimizerSlot::new(&Optimizer::ADAM, (1, 2));
        slot.update(&Optimizer::ADAM, 0.01, 1, w.view_mut(), &g);
        assert!((w[[0, 0]] + 0.01).abs() < 1e-9);
        assert!((w[[0, 1]] - 0.01).abs() < 1e-7);
    }

    #[test]
    fn regularization_gradients_follow_the_penalties() {
        let w = array![[2.0_f64, -0.5, 0.0]];
        let mut g = Array2::zeros((1, 3));
        Regularization::L2 { rate: 0.1 }.add_gradient(&w, &mut g);
        assert_eq!(g, array![[0.2, -0.05, 0.0]]);
        let mut g = Array2::zeros((1, 3));
        Regularization::L1 { rate: 0.1 }.add_gradient(&w, &mut g);
        assert_eq!(g, array![[0.1, -0.1, 0.0]]);
        assert!((Regularization::L2 { rate: 0.1 }.penalty(&w) - 0.2125).abs() < 1e-15);
        assert!((Regularization::L1 { rate: 0.1 }.penalty(&w) - 0.25).abs() < 1e-15);
    }
}
