//! The scalar type the engine computes in: `f32` for training, `f64` for gradient checks.

use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use serde::{Deserialize, Serialize};

/// Which floating-point type a model computes in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// 32-bit floats: the default for training (twice the throughput of f64).
    #[default]
    F32,
    /// 64-bit floats: for gradient checks and reference runs.
    F64,
}

/// A floating-point scalar the engine is generic over (`f32` or `f64`).
///
/// One implementation of every layer, loss and optimiser serves both precisions.
pub trait Float:
    num_traits::Float
    + num_traits::FromPrimitive
    + ndarray::LinalgScalar
    + ndarray::ScalarOperand
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + Debug
    + Display
    + Default
    + Send
    + Sync
    + 'static
{
    /// The [`Precision`] this type stands for.
    const PRECISION: Precision;

    /// Converts from `f64`, rounding to nearest for `f32`.
    fn cast(value: f64) -> Self;

    /// Widens (or copies) to `f64`.
    fn widen(self) -> f64;
}

impl Float for f32 {
    const PRECISION: Precision = Precision::F32;

    #[allow(clippy::cast_possible_truncation)] // rounding to f32 is the point
    fn cast(value: f64) -> Self {
        value as f32
    }

    fn widen(self) -> f64 {
        f64::from(self)
    }
}

impl Float for f64 {
    const PRECISION: Precision = Precision::F64;

    fn cast(value: f64) -> Self {
        value
    }

    fn widen(self) -> f64 {
        self
    }
}
