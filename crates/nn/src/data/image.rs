//! Rows that are images: how many channels, rows and columns of pixels each row holds, and
//! the range its pixel values span.

use serde::{Deserialize, Serialize};

/// Each example's raw columns are one image, channel by channel, each channel row by row:
/// column `c·height·width + r·width + k` is channel `c`, pixel row `r`, pixel column `k`.
/// Shape of a row: `[channels · height · width]`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageShape {
    /// Colour channels (1 for grey).
    pub channels: usize,
    /// Pixel rows.
    pub height: usize,
    /// Pixel columns.
    pub width: usize,
    /// The values of a blank and of a full pixel, `[low, high]` (the digits: `[0, 16]`).
    pub range: [f64; 2],
}

impl ImageShape {
    /// The bundled digits: one grey channel of 8 × 8 pixels from 0 to 16.
    pub const DIGITS: Self = Self {
        channels: 1,
        height: 8,
        width: 8,
        range: [0.0, 16.0],
    };

    /// The number of raw columns one image fills: `channels · height · width`.
    pub fn pixels(&self) -> usize {
        self.channels
            .saturating_mul(self.height)
            .saturating_mul(self.width)
    }

    /// What is wrong with this shape for rows of `columns` raw values, if anything.
    pub fn problem(&self, columns: usize) -> Option<String> {
        let [low, high] = self.range;
        if self.channels == 0 || self.height == 0 || self.width == 0 {
            return Some(format!(
                "an image needs at least one channel, row and column, got {self}"
            ));
        }
        if !(low.is_finite() && high.is_finite() && low < high) {
            return Some(format!(
                "the pixel range must run from a number to a larger one, got {low} to {high}"
            ));
        }
        (self.pixels() != columns).then(|| {
            format!(
                "the image shape {self} makes {} pixels, but each row has {columns} feature columns",
                self.pixels()
            )
        })
    }

    /// A pixel value as ink from 0 (blank) to 1 (full), clamped.
    pub fn ink(&self, value: f64) -> f64 {
        let [low, high] = self.range;
        ((value - low) / (high - low)).clamp(0.0, 1.0)
    }
}

impl std::fmt::Display for ImageShape {
    /// `channels × height × width`, e.g. `1 × 8 × 8`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} × {} × {}", self.channels, self.height, self.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digits_fill_sixty_four_columns_and_map_sixteen_to_full_ink() {
        assert_eq!(ImageShape::DIGITS.pixels(), 64);
        assert_eq!(ImageShape::DIGITS.problem(64), None);
        assert_eq!(ImageShape::DIGITS.ink(4.0), 0.25);
        assert_eq!(ImageShape::DIGITS.ink(20.0), 1.0);
        assert_eq!(ImageShape::DIGITS.ink(-3.0), 0.0);
    }

    #[test]
    fn a_shape_that_does_not_match_the_columns_says_both_counts() {
        let problem = ImageShape::DIGITS.problem(63).unwrap_or_default();
        assert!(problem.contains("1 × 8 × 8 makes 64 pixels"), "{problem}");
        assert!(problem.contains("63 feature columns"), "{problem}");
        let flat = ImageShape {
            range: [1.0, 1.0],
            ..ImageShape::DIGITS
        };
        assert!(flat.problem(64).is_some());
    }
}
