//! The project's own random number generator, SplitMix64.
//!
//! Every random draw in the engine (initial weights, shuffles, dropout masks,
//! RReLU slopes, generated data) comes from here, so the same seed gives the
//! same numbers on every machine and with every version of every dependency.

/// SplitMix64 (Steele, Lea and Flood 2014), as specified in the benchmark's `WORKLOADS.md`:
///
/// ```text
/// state += 0x9E3779B97F4A7C15
/// z = (state ^ (state >> 30)) * 0xBF58476D1CE4E5B9
/// z = (z ^ (z >> 27)) * 0x94D049BB133111EB
/// return z ^ (z >> 31)                 (all mod 2^64)
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose first draw depends only on `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` with 53 random bits: `(next_u64() >> 11) · 2⁻⁵³`.
    #[allow(clippy::cast_precision_loss)] // a 53-bit integer is exact in f64
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[low, high)`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next_f64()
    }

    /// An integer uniform in `0..bound` by `next_u64() % bound` (the benchmark's rule;
    /// the modulo bias is below 2⁻⁴⁰ for any bound this engine uses). `bound` must be > 0.
    #[allow(clippy::cast_possible_truncation)] // the result is < bound, a usize
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % (bound.max(1) as u64)) as usize
    }

    /// A standard normal draw (mean 0, variance 1) by the Box–Muller transform,
    /// using two uniform draws.
    pub fn normal(&mut self) -> f64 {
        // 1 - u lies in (0, 1], so its logarithm is finite.
        let u1 = 1.0 - self.next_f64();
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Shuffles `items` in place by Fisher–Yates: for i = n-1 down to 1,
    /// j = `next_u64() % (i+1)`, swap items i and j.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// The permutation of `0..n` that [`SplitMix64::shuffle`] makes from the identity.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        self.shuffle(&mut order);
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_draws_from_seed_zero_match_the_reference_sequence() {
        // Published reference values of SplitMix64 seeded with 0.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn uniform_draws_stay_in_the_half_open_unit_interval() {
        let mut rng = SplitMix64::new(7);
        for _ in 0..10_000 {
            let u = rng.next_f64();
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn permutation_holds_every_index_once() {
        let mut order = SplitMix64::new(42).permutation(500);
        order.sort_unstable();
        assert_eq!(order, (0..500).collect::<Vec<_>>());
    }

    #[test]
    fn normal_draws_have_unit_variance() {
        let mut rng = SplitMix64::new(3);
        let draws: Vec<f64> = (0..20_000).map(|_| rng.normal()).collect();
        let mean = draws.iter().sum::<f64>() / 20_000.0;
        let variance = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 20_000.0;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((variance - 1.0).abs() < 0.05, "variance {variance}");
    }
}
