//! Initial weights.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::math::rng::SplitMix64;

/// How a layer's weight matrix `W: [fan_in, fan_out]` is filled before training.
///
/// Draws are taken row by row (`i` over `fan_in`, then `j` over `fan_out`), layer by
/// layer in the model's order, from one [`SplitMix64`], so a seed fixes every weight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Initializer {
    /// Glorot (Xavier) uniform: `w = (2u − 1)·√(6 / (fan_in + fan_out))`, `u ~ U[0, 1)`.
    #[default]
    GlorotUniform,
    /// He normal: `w ~ N(0, 2 / fan_in)`, suited to ReLU layers.
    He,
    /// `w ~ U[low, high)` (TF Playground uses −0.5 to 0.5).
    Uniform {
        /// The smallest weight.
        low: f64,
        /// The bound no weight reaches.
        high: f64,
    },
    /// Every weight equal to `value` (for hand-worked examples).
    Constant {
        /// The weight.
        value: f64,
    },
    /// Every weight zero.
    Zeros,
}

impl Initializer {
    /// Uniform on `[−0.5, 0.5)`.
    pub const UNIFORM: Self = Self::Uniform {
        low: -0.5,
        high: 0.5,
    };

    /// A short name for menus and messages.
    pub fn name(&self) -> &'static str {
        match self {
            Self::GlorotUniform => "Glorot uniform",
            Self::He => "He normal",
            Self::Uniform { .. } => "uniform",
            Self::Constant { .. } => "constant",
            Self::Zeros => "zeros",
        }
    }

    /// A weight matrix of shape `[fan_in, fan_out]`, drawn from `rng` in row-major order.
    #[allow(clippy::cast_precision_loss)] // layer sizes are far below 2^52
    pub fn weights(&self, fan_in: usize, fan_out: usize, rng: &mut SplitMix64) -> Array2<f64> {
        match *self {
            Self::GlorotUniform => {
                let limit = (6.0 / (fan_in + fan_out).max(1) as f64).sqrt();
                Array2::from_shape_simple_fn((fan_in, fan_out), || {
                    (2.0 * rng.next_f64() - 1.0) * limit
                })
            }
            Self::He => {
                let deviation = (2.0 / fan_in.max(1) as f64).sqrt();
                Array2::from_shape_simple_fn((fan_in, fan_out), || rng.normal() * deviation)
            }
            Self::Uniform { low, high } => {
                Array2::from_shape_simple_fn((fan_in, fan_out), || rng.uniform(low, high))
            }
            Self::Constant { value } => Array2::from_elem((fan_in, fan_out), value),
            Self::Zeros => Array2::zeros((fan_in, fan_out)),
        }
    }
}
