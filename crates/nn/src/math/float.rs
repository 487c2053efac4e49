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

    /// The logistic sigmoid `1 / (1 + e^(−z))`, fast where it can be: for `f32` through a
    /// branch-free exponential accurate to a few ulp (it vectorizes), exact for `f64`.
    fn fast_sigmoid(self) -> Self;

    /// One tile of a dense product in 512-bit vectors, where the build has them:
    /// `acc[r][j] += a[r]·B[step, column + j]` for each step's six left values `a` (`packed`)
    /// and row of `B` (`b`, rows `n` long), `acc: [6, 32]`. `false` (nothing done) where this
    /// type or build has no such kernel; the caller then runs the portable loop, which the
    /// compiler keeps in 256-bit vectors on CPUs that prefer them even where 512 are there.
    fn accumulate_tile_512(
        acc: &mut [[Self; 32]; 6],
        packed: &[[Self; 6]],
        b: &[Self],
        n: usize,
        column: usize,
    ) -> bool {
        let _ = (acc, packed, b, n, column);
        false
    }
}

/// `e^x` for f32 without branches: `x = k·ln 2 + r` with `|r| ≤ ln 2 / 2` (Cody–Waite split),
/// `e^r` by its Taylor polynomial to degree 7, `2^k` built from the exponent bits. Relative
/// error below 2e-7 for `x` in `[−87, 88]`; clamped outside.
#[allow(clippy::excessive_precision, clippy::unreadable_literal)] // ln 2 split in two parts
#[inline]
fn branch_free_exp(x: f32) -> f32 {
    const LN2_HIGH: f32 = 0.693_145_751_953_125;
    const LN2_LOW: f32 = 1.428_606_820_309_417_2e-6;
    let x = x.clamp(-87.0, 88.0);
    let k = (x * std::f32::consts::LOG2_E).round_ties_even();
    let r = x - k * LN2_HIGH - k * LN2_LOW;
    let mut p = 1.0 / 5040.0;
    for c in [
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p * r + c;
    }
    // 2^k without a float-to-integer conversion (which does not vectorize): adding 1.5·2²³
    // leaves the integer k + 127 in the low mantissa bits; shifting them into the exponent
    // field makes 2^k.
    let scale = f32::from_bits((k + 127.0 + 12_582_912.0).to_bits() << 23);
    p * scale
}

/// tanh for f32 as a rational function: `x·P(x²)/Q(x²)` on `|x| ≤ 7.9053`, where f32's tanh
/// is already ±1. `P` has degree 4 and `Q` degree 3 in `x²`, fitted here for the smallest
/// largest relative error (iteratively reweighted least squares on `[10⁻⁴, 7.9]`): 4.8e-7
/// worst evaluated in f32, under the 1e-6 the engine promises, with two multiply-adds fewer
/// than the usual 13/6 form (tanh is most of a small tanh network's work). Past the clamp it
/// gives ±0.99999964, within 3.6e-7 of the exact value, and never more than 1 in magnitude.
#[allow(clippy::excessive_precision, clippy::unreadable_literal)] // fitted coefficients
#[inline]
fn rational_tanh(x: f32) -> f32 {
    const CLAMP: f32 = 7.905_311_107_635_498;
    const P: [f32; 5] = [
        0.999_999_821_186_065_7,
        0.127_204_403_281_211_85,
        0.002_704_713_260_754_943,
        7.225_362_423_923_798e-6,
        -6.256_503_315_427_153e-9,
    ];
    const Q: [f32; 4] = [
        1.0,
        0.460_536_181_926_727_3,
        0.022_885_564_714_670_18,
        0.000_197_815_650_608_390_57,
    ];
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    // Horner's rule in fused multiply-adds: one instruction and one rounding per degree.
    let mut p = P[4];
    for &a in P[..4].iter().rev() {
        p = p.mul_add(x2, a);
    }
    let mut q = Q[3];
    for &b in Q[..3].iter().rev() {
        q = q.mul_add(x2, b);
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

    #[inline]
    fn fast_tanh(self) -> Self {
        rational_tanh(self)
    }

    #[inline]
    fn fast_sigmoid(self) -> Self {
        1.0 / (1.0 + branch_free_exp(-self))
    }

    #[cfg(target_feature = "avx512f")]
    #[inline(always)]
    fn accumulate_tile_512(
        acc: &mut [[Self; 32]; 6],
        packed: &[[Self; 6]],
        b: &[Self],
        n: usize,
        column: usize,
    ) -> bool {
        use wide::f32x16;
        let half =
            |values: &[f32]| <[f32; 16]>::try_from(values).map_or(f32x16::splat(0.0), f32x16::new);
        // Loops rather than array `map`s: the compiler does not always inline those, and
        // then the tile makes a round trip through memory (a tenth of workload B's time).
        let mut vectors = [[f32x16::splat(0.0); 2]; 6];
        for (row, acc_row) in vectors.iter_mut().zip(acc.iter()) {
            *row = [half(&acc_row[..16]), half(&acc_row[16..])];
        }
        for (a, b_row) in packed.iter().zip(b.chunks_exact(n)) {
            let Some(b_tile) = b_row.get(column..column + 32) else {
                continue;
            };
            let (low, high) = (half(&b_tile[..16]), half(&b_tile[16..]));
            for (row, &a) in vectors.iter_mut().zip(a) {
                let a = f32x16::splat(a);
                row[0] = a.mul_add(low, row[0]);
                row[1] = a.mul_add(high, row[1]);
            }
        }
        for (acc_row, [low, high]) in acc.iter_mut().zip(vectors) {
            acc_row[..16].copy_from_slice(&low.to_array());
            acc_row[16..].copy_from_slice(&high.to_array());
        }
        true
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

    #[inline]
    fn fast_tanh(self) -> Self {
        self.tanh()
    }

    #[inline]
    fn fast_sigmoid(self) -> Self {
        if self >= 0.0 {
            1.0 / (1.0 + (-self).exp())
        } else {
            let e = self.exp();
            e / (1.0 + e)
        }
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
        // Saturated: within a millionth of ±1, never beyond.
        assert!((1.0 - 50.0_f32.fast_tanh()) < 1e-6 && 50.0_f32.fast_tanh() <= 1.0);
        assert_eq!((-50.0_f32).fast_tanh(), -(50.0_f32.fast_tanh()));
        let largest = (0..80_000)
            .map(|i| (i as f32 * 1e-4).fast_tanh())
            .fold(0.0_f32, f32::max);
        assert!(largest <= 1.0);
    }

    #[test]
    fn the_fast_f32_sigmoid_is_within_a_millionth_of_the_exact_one() {
        let mut worst: f64 = 0.0;
        for i in -80_000..=80_000 {
            let z = i as f32 * 1e-3;
            let exact = 1.0 / (1.0 + (-f64::from(z)).exp());
            let error = (f64::from(z.fast_sigmoid()) - exact).abs() / exact;
            worst = worst.max(error);
        }
        assert!(worst < 1e-6, "worst relative error {worst:e}");
        assert_eq!(200.0_f32.fast_sigmoid(), 1.0);
    }
}
