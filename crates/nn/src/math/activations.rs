//! Activation functions, each with its derivative written beside it.
//!
//! A dense layer computes `z = x·W + b` and then `y = f(z)` element by element.
//! [`Activation::value`] is `f` and [`Activation::derivative`] is `f'`, given
//! both `z` and `y` so that functions such as sigmoid reuse their output
//! (`σ' = y(1 − y)`).
//!
//! Two activations need more than `z`: PReLU's negative slope `α` is a trained
//! parameter per unit, and RReLU's negative slope is drawn at random per element
//! while training. For those the layer supplies the slope and calls
//! [`leaky_value`] and [`leaky_derivative`]; `value`/`derivative` here give their
//! inference behaviour (PReLU with its initial α, RReLU with the mean slope).

use serde::{Deserialize, Serialize};

use crate::math::float::Float;

/// GELU in f64: `Φ(z)`, the standard normal distribution function, and `φ(z)`, its density.
fn normal_cdf_and_density(z: f64) -> (f64, f64) {
    let cdf = 0.5 * (1.0 + libm::erf(z * std::f64::consts::FRAC_1_SQRT_2));
    let density = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    (cdf, density)
}

/// An activation function `y = f(z)`, applied element by element.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Activation {
    /// `y = z`; `y' = 1`.
    Identity,
    /// Heaviside step, `y = 1 if z > 0 else 0`; `y' = 0`
    /// (the notes' eq. 1.12, with its typo at 0 corrected).
    Step,
    /// Logistic sigmoid `y = 1 / (1 + e^(−z))` (eq. 1.13); `y' = y(1 − y)`.
    Sigmoid,
    /// Hyperbolic tangent `y = (e^z − e^(−z)) / (e^z + e^(−z))` (eq. 2.2); `y' = 1 − y²`.
    Tanh,
    /// Rectified linear unit `y = max(0, z)`; `y' = 1 if z > 0 else 0`.
    #[default]
    Relu,
    /// Leaky ReLU as the notes define it: `y = z` for `z ≥ 0`, `y = z / a` for `z < 0`,
    /// with `a > 1` (default 100, a slope of 0.01).
    LeakyRelu {
        /// The divisor `a > 1` of the negative side.
        a: f64,
    },
    /// Parametric ReLU: `y = z` for `z ≥ 0`, `y = α_j · z` for `z < 0`, with one
    /// slope `α_j` per unit, learned by gradient descent (`∂y/∂α_j = min(z, 0)`).
    Prelu {
        /// The slope every unit starts from (default 0.25).
        initial_alpha: f64,
    },
    /// Randomized leaky ReLU: `y = z` for `z ≥ 0`, `y = s · z` for `z < 0`, with `s`
    /// drawn uniformly from `[lower, upper]` for every element while training and
    /// `s = (lower + upper) / 2` at inference (defaults 1/8 and 1/3, mean ≈ 0.2292).
    Rrelu {
        /// The smallest negative slope.
        lower: f64,
        /// The largest negative slope.
        upper: f64,
    },
    /// Exponential linear unit: `y = z` for `z > 0`, `y = α(e^z − 1)` otherwise;
    /// `y' = 1` or `y + α`.
    Elu {
        /// The negative saturation value `−α` (default 1).
        alpha: f64,
    },
    /// Softplus `y = ln(1 + e^z)`, a smooth ReLU; `y' = σ(z)`.
    Softplus,
    /// Gaussian error linear unit `y = z·Φ(z) = ½ z (1 + erf(z/√2))`, `Φ` the standard
    /// normal distribution function (exact, as PyTorch's `nn.GELU()` and ONNX's `Erf`
    /// compute it); `y' = Φ(z) + z·φ(z)`, `φ` its density.
    Gelu,
    /// Swish (SiLU) `y = z · σ(z)`; `y' = y + σ(z)(1 − y)`.
    Swish,
}

impl Activation {
    /// Leaky ReLU with the notes' default divisor `a = 100`.
    pub const LEAKY_RELU: Self = Self::LeakyRelu { a: 100.0 };
    /// PReLU starting from `α = 0.25`.
    pub const PRELU: Self = Self::Prelu {
        initial_alpha: 0.25,
    };
    /// RReLU with slopes drawn from `[1/8, 1/3]`.
    pub const RRELU: Self = Self::Rrelu {
        lower: 1.0 / 8.0,
        upper: 1.0 / 3.0,
    };
    /// ELU with `α = 1`.
    pub const ELU: Self = Self::Elu { alpha: 1.0 };

    /// Every kind of activation with its default parameters, in the order a menu shows them.
    pub const ALL: [Self; 12] = [
        Self::Identity,
        Self::Step,
        Self::Sigmoid,
        Self::Tanh,
        Self::Relu,
        Self::LEAKY_RELU,
        Self::PRELU,
        Self::RRELU,
        Self::ELU,
        Self::Softplus,
        Self::Gelu,
        Self::Swish,
    ];

    /// A short name for menus and error messages.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Step => "step",
            Self::Sigmoid => "sigmoid",
            Self::Tanh => "tanh",
            Self::Relu => "ReLU",
            Self::LeakyRelu { .. } => "leaky ReLU",
            Self::Prelu { .. } => "PReLU",
            Self::Rrelu { .. } => "RReLU",
            Self::Elu { .. } => "ELU",
            Self::Softplus => "softplus",
            Self::Gelu => "GELU",
            Self::Swish => "swish",
        }
    }

    /// The negative-side slope used at inference for the leaky family
    /// (leaky ReLU `1/a`, PReLU its initial α, RReLU `(lower + upper)/2`); `None` for the rest.
    pub fn inference_negative_slope(&self) -> Option<f64> {
        match *self {
            Self::LeakyRelu { a } => Some(1.0 / a),
            Self::Prelu { initial_alpha } => Some(initial_alpha),
            Self::Rrelu { lower, upper } => Some(0.5 * (lower + upper)),
            _ => None,
        }
    }

    /// A description of what is wrong with this activation's parameters, if anything.
    pub fn parameter_problem(&self) -> Option<String> {
        match *self {
            Self::LeakyRelu { a } if !(a.is_finite() && a > 1.0) => Some(format!(
                "leaky ReLU needs a divisor a > 1 (the negative slope is 1/a), got {a}"
            )),
            Self::Prelu { initial_alpha } if !initial_alpha.is_finite() => Some(format!(
                "PReLU needs a finite initial slope, got {initial_alpha}"
            )),
            Self::Rrelu { lower, upper }
                if !(lower.is_finite() && upper.is_finite() && 0.0 <= lower && lower <= upper) =>
            {
                Some(format!(
                    "RReLU needs slopes 0 ≤ lower ≤ upper, got lower {lower} and upper {upper}"
                ))
            }
            Self::Elu { alpha } if !(alpha.is_finite() && alpha >= 0.0) => {
                Some(format!("ELU needs a finite α ≥ 0, got {alpha}"))
            }
            _ => None,
        }
    }

    /// `y = f(z)` at inference (see the type's docs for each formula).
    pub fn value<F: Float>(&self, z: F) -> F {
        let zero = F::zero();
        let one = F::one();
        match *self {
            Self::Identity => z,
            Self::Step => {
                if z > zero {
                    one
                } else {
                    zero
                }
            }
            Self::Sigmoid => sigmoid(z),
            Self::Tanh => z.fast_tanh(),
            Self::Relu => z.max(zero),
            Self::LeakyRelu { a } => leaky_value(z, F::cast(1.0 / a)),
            Self::Prelu { initial_alpha } => leaky_value(z, F::cast(initial_alpha)),
            Self::Rrelu { lower, upper } => leaky_value(z, F::cast(0.5 * (lower + upper))),
            Self::Elu { alpha } => {
                if z > zero {
                    z
                } else {
                    F::cast(alpha) * z.exp_m1()
                }
            }
            Self::Softplus => softplus(z),
            Self::Gelu => {
                let (cdf, _) = normal_cdf_and_density(z.widen());
                F::cast(z.widen() * cdf)
            }
            Self::Swish => z * sigmoid(z),
        }
    }

    /// `f'(z)`, given `z` and `y = f(z)` (computed by [`Activation::value`]).
    pub fn derivative<F: Float>(&self, z: F, y: F) -> F {
        let zero = F::zero();
        let one = F::one();
        match *self {
            Self::Identity => one,
            Self::Step => zero,
            Self::Sigmoid => y * (one - y),
            Self::Tanh => one - y * y,
            Self::Relu => {
                if z > zero {
                    one
                } else {
                    zero
                }
            }
            Self::LeakyRelu { a } => leaky_derivative(z, F::cast(1.0 / a)),
            Self::Prelu { initial_alpha } => leaky_derivative(z, F::cast(initial_alpha)),
            Self::Rrelu { lower, upper } => leaky_derivative(z, F::cast(0.5 * (lower + upper))),
            Self::Elu { alpha } => {
                if z > zero {
                    one
                } else {
                    y + F::cast(alpha)
                }
            }
            Self::Softplus => sigmoid(z),
            Self::Gelu => {
                let (cdf, density) = normal_cdf_and_density(z.widen());
                F::cast(cdf + z.widen() * density)
            }
            Self::Swish => {
                let s = sigmoid(z);
                y + s * (one - y)
            }
        }
    }
}

/// The leaky family's forward rule: `z` for `z ≥ 0`, `slope · z` for `z < 0`.
pub fn leaky_value<F: Float>(z: F, negative_slope: F) -> F {
    if z >= F::zero() {
        z
    } else {
        negative_slope * z
    }
}

/// The leaky family's derivative with respect to `z`: `1` for `z ≥ 0`, `slope` for `z < 0`.
pub fn leaky_derivative<F: Float>(z: F, negative_slope: F) -> F {
    if z >= F::zero() {
        F::one()
    } else {
        negative_slope
    }
}

/// The leaky family's derivative with respect to its slope: `0` for `z ≥ 0`, `z` for `z < 0`
/// (PReLU's `∂y/∂α`).
pub fn leaky_slope_derivative<F: Float>(z: F) -> F {
    z.min(F::zero())
}

/// Logistic sigmoid `σ(z) = 1 / (1 + e^(−z))`, evaluated without overflow for any `z`
/// (see [`Float::fast_sigmoid`]).
#[inline]
pub fn sigmoid<F: Float>(z: F) -> F {
    z.fast_sigmoid()
}

/// `ln(1 + e^z)` without overflow: `max(z, 0) + ln(1 + e^(−|z|))`.
pub fn softplus<F: Float>(z: F) -> F {
    z.max(F::zero()) + (-z.abs()).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rrelu_uses_the_mean_slope_at_inference() {
        let slope = Activation::RRELU
            .inference_negative_slope()
            .unwrap_or(f64::NAN);
        assert!((slope - 0.229_166_666_666_666_66).abs() < 1e-15);
        assert!((Activation::RRELU.value(-1.0_f64) + 0.229_166_666_666_666_66).abs() < 1e-15);
    }

    #[test]
    fn leaky_relu_divides_negative_inputs_by_a() {
        assert_eq!(Activation::LEAKY_RELU.value(-3.0_f64), -0.03);
        assert_eq!(Activation::LEAKY_RELU.value(3.0_f64), 3.0);
        assert_eq!(Activation::LEAKY_RELU.derivative(-3.0_f64, -0.03), 0.01);
    }

    #[test]
    fn step_is_zero_at_zero() {
        assert_eq!(Activation::Step.value(0.0_f64), 0.0);
        assert_eq!(Activation::Step.value(1e-12_f64), 1.0);
    }

    #[test]
    fn sigmoid_and_softplus_do_not_overflow() {
        assert_eq!(sigmoid(-1000.0_f64), 0.0);
        assert_eq!(sigmoid(1000.0_f64), 1.0);
        assert_eq!(softplus(1000.0_f64), 1000.0);
        assert_eq!(softplus(-1000.0_f64), 0.0);
    }

    #[test]
    fn bad_parameters_are_described() {
        assert!(
            Activation::LeakyRelu { a: 0.5 }
                .parameter_problem()
                .is_some()
        );
        assert!(
            Activation::Rrelu {
                lower: 0.4,
                upper: 0.1
            }
            .parameter_problem()
            .is_some()
        );
        assert!(Activation::RRELU.parameter_problem().is_none());
    }
}
