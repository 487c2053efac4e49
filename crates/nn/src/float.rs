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

    /// `tanh`, fast where it can be: within a few units in the last place for `f32`
    /// (a rational approximation that vectorizes), exact for `f64` (gradient checks).
    fn fast_tanh(self) -> Self;
}

/// tanh for f32 as a rational function: `x·P(x²)/Q(x²)` on `|x| ≤ 7.9053`, where f32's tanh
/// is already ±1; the same coefficients as Eigen's float `ptanh` (accurate to a few ulp).
#[allow(clippy::excessive_precision, clippy::unreadable_literal)] // published coefficients
fn rational_tanh(x: f32) -> f32 {
    const CLAMP: f32 = 7.905_311_107_635_498;
    const ALPHA: [f32; 7] = [
        4.893_524_558_917_86e-3,
        6.372_619_288_754_36e-4,
        1.485_722_357_179_79e-5,
        5.122_297_090_371_14e-8,
        -8.604_671_522_137_35e-11,
        2.000_187_904_824_77e-13,
        -2.760_768_477_423_55e-16,
    ];
    const BETA: [f32; 4] = [
        4.893_525_185_543_85e-3,
        2.268_434_632_439_00e-3,
        1.185_347_056_866_54e-4,
        1.198_258_394_667_02e-6,
    ];
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let mut p = ALPHA[6];
    for &a in ALPHA[..6].iter().rev() {
        p = p * x2 + a;
    }
    let mut q = BETA[3];
    for &b in BETA[..3].iter().rev() {
        q = q * x2 + b;
    }
    x * p / q
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

    fn fast_tanh(self) -> Self {
        rational_tanh(self)
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

    fn fast_tanh(self) -> Self {
        self.tanh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_f32_tanh_is_within_a_millionth_of_the_exact_one() {
        let mut worst: f64 = 0.0;
        for i in -200_000..=200_000 {
            let x = i as f32 * 1e-4;
            let exact = f64::from(x).tanh();
            let fast = f64::from(x.fast_tanh());
            let error = (fast - exact).abs() / exact.abs().max(1e-30);
            if x != 0.0 {
                worst = worst.max(error);
            }
        }
        assert!(worst < 1e-6, "worst relative error {worst:e}");
        assert_eq!(50.0_f32.fast_tanh(), 1.0);
        assert_eq!((-50.0_f32).fast_tanh(), -1.0);
    }
}
