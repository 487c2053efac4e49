//! Learning-rate schedules: the step size `η_e` used throughout epoch `e` (0-based), from the
//! base rate `η`, with an optional linear warm-up from `η/10`.

use serde::{Deserialize, Serialize};

/// How the rate decays after the warm-up, epoch by epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Decay {
    /// `η_e = η`.
    #[default]
    Constant,
    /// `η_e = η·γ^⌊e/s⌋`: multiplied by `factor` (γ) every `every` (s ≥ 1) epochs.
    Step {
        /// Epochs between drops, `s ≥ 1`.
        every: usize,
        /// The factor `γ` in `(0, 1]`.
        factor: f64,
    },
    /// `η_e = η·γ^e`.
    Exponential {
        /// The factor `γ` in `(0, 1]`.
        factor: f64,
    },
    /// `η_e = η_min + ½(η − η_min)(1 + cos(π·e/E))` for `e ≤ E`, `η_min` after.
    Cosine {
        /// The rate reached at epoch `E`, `η_min ≥ 0`.
        minimum: f64,
        /// The epochs `E ≥ 1` the decay takes (the document's epoch budget by default).
        epochs: usize,
    },
}

/// A decay with an optional warm-up: during the first `warmup` epochs the decayed rate is
/// scaled by `0.1 + 0.9·e/w`, rising linearly from a tenth.
/// (In a document: the decay's fields with `warmup` beside them, `{"kind": "step", "every":
/// 10, "factor": 0.5, "warmup": 3}`.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LearningRateSchedule {
    /// The decay after (and under) the warm-up.
    #[serde(flatten)]
    pub decay: Decay,
    /// Warm-up epochs `w` (0: none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub warmup: usize,
}

fn is_zero(value: &usize) -> bool {
    *value == 0
}

impl LearningRateSchedule {
    /// The constant rate, no warm-up: training as before schedules existed.
    pub const CONSTANT: Self = Self {
        decay: Decay::Constant,
        warmup: 0,
    };

    /// Whether it is the constant rate with no warm-up.
    pub fn is_constant(&self) -> bool {
        *self == Self::CONSTANT
    }

    /// `η_e` for base rate `base` in epoch `epoch` (0-based).
    pub fn rate(&self, base: f64, epoch: usize) -> f64 {
        let e = epoch as f64;
        let decayed = match self.decay {
            Decay::Constant => base,
            Decay::Step { every, factor } => base * factor.powi((epoch / every.max(1)) as i32),
            Decay::Exponential { factor } => base * factor.powf(e),
            Decay::Cosine { minimum, epochs } => {
                let progress = (e / epochs.max(1) as f64).min(1.0);
                minimum + 0.5 * (base - minimum) * (1.0 + (std::f64::consts::PI * progress).cos())
            }
        };
        if epoch < self.warmup {
            decayed * (0.1 + 0.9 * e / self.warmup as f64)
        } else {
            decayed
        }
    }

    /// Why the schedule cannot be used, if it cannot: a factor outside `(0, 1]`, a step of
    /// 0 epochs, a negative or non-finite minimum, a cosine over 0 epochs.
    pub fn problem(&self) -> Option<String> {
        let factor_ok = |factor: f64| factor.is_finite() && factor > 0.0 && factor <= 1.0;
        match self.decay {
            Decay::Constant => None,
            Decay::Step { every, factor } => {
                if every == 0 {
                    Some("a step schedule must drop the rate every 1 epoch or more".to_owned())
                } else if !factor_ok(factor) {
                    Some(format!(
                        "the step factor {factor} must be above 0 and at most 1"
                    ))
                } else {
                    None
                }
            }
            Decay::Exponential { factor } => (!factor_ok(factor))
                .then(|| format!("the exponential factor {factor} must be above 0 and at most 1")),
            Decay::Cosine { minimum, epochs } => {
                if !(minimum.is_finite() && minimum >= 0.0) {
                    Some(format!("the cosine minimum {minimum} must be 0 or more"))
                } else if epochs == 0 {
                    Some("a cosine schedule must take 1 epoch or more".to_owned())
                } else {
                    None
                }
            }
        }
    }

    /// The schedule in words, for exports' comments: "constant", "step: ×0.5 every 10
    /// epochs, warm-up 3 epochs".
    pub fn describe(&self) -> String {
        let decay = match self.decay {
            Decay::Constant => "constant".to_owned(),
            Decay::Step { every, factor } => format!("step: ×{factor} every {every} epochs"),
            Decay::Exponential { factor } => format!("exponential: ×{factor} each epoch"),
            Decay::Cosine { minimum, epochs } => {
                format!("cosine to {minimum} over {epochs} epochs")
            }
        };
        if self.warmup > 0 {
            format!("{decay}, warm-up {} epochs from a tenth", self.warmup)
        } else {
            decay
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn each_decay_at_hand_worked_epochs() {
        let step = LearningRateSchedule {
            decay: Decay::Step {
                every: 10,
                factor: 0.5,
            },
            warmup: 0,
        };
        // η·γ^⌊e/s⌋ with η = 0.1: 0.1 up to epoch 9, 0.05 from 10, 0.025 from 20.
        assert!(close(step.rate(0.1, 9), 0.1));
        assert!(close(step.rate(0.1, 10), 0.05));
        assert!(close(step.rate(0.1, 25), 0.025));
        let exponential = LearningRateSchedule {
            decay: Decay::Exponential { factor: 0.9 },
            warmup: 0,
        };
        // 0.1·0.9³ = 0.0729.
        assert!(close(exponential.rate(0.1, 3), 0.0729));
        let cosine = LearningRateSchedule {
            decay: Decay::Cosine {
                minimum: 0.01,
                epochs: 100,
            },
            warmup: 0,
        };
        // e = 0: η; e = E/2: the mean (0.1 + 0.01)/2 = 0.055; e = E and after: η_min.
        assert!(close(cosine.rate(0.1, 0), 0.1));
        assert!(close(cosine.rate(0.1, 50), 0.055));
        assert!(close(cosine.rate(0.1, 100), 0.01));
        assert!(close(cosine.rate(0.1, 150), 0.01));
        // e = 25: 0.01 + 0.045·(1 + cos(π/4)) = 0.01 + 0.045·1.70710678… = 0.0868198…
        assert!(close(
            cosine.rate(0.1, 25),
            0.01 + 0.045 * (1.0 + std::f64::consts::FRAC_1_SQRT_2)
        ));
        assert!(close(LearningRateSchedule::CONSTANT.rate(0.1, 1000), 0.1));
    }

    #[test]
    fn warm_up_rises_linearly_from_a_tenth() {
        let warm = LearningRateSchedule {
            decay: Decay::Constant,
            warmup: 4,
        };
        // 0.1·(0.1 + 0.9·e/4): 0.01, 0.0325, 0.055, 0.0775, then 0.1.
        for (epoch, expected) in [(0, 0.01), (1, 0.0325), (2, 0.055), (3, 0.0775), (4, 0.1)] {
            assert!(close(warm.rate(0.1, epoch), expected), "epoch {epoch}");
        }
    }

    #[test]
    fn a_document_spells_a_schedule_flat_with_its_warm_up() {
        let schedule = LearningRateSchedule {
            decay: Decay::Step {
                every: 5,
                factor: 0.5,
            },
            warmup: 2,
        };
        let text = serde_json::to_string(&schedule).unwrap();
        assert_eq!(text, r#"{"kind":"step","every":5,"factor":0.5,"warmup":2}"#);
        assert_eq!(
            serde_json::from_str::<LearningRateSchedule>(&text).unwrap(),
            schedule
        );
        assert_eq!(
            serde_json::to_string(&LearningRateSchedule::CONSTANT).unwrap(),
            r#"{"kind":"constant"}"#
        );
    }

    #[test]
    fn a_factor_above_one_is_a_problem() {
        let bad = LearningRateSchedule {
            decay: Decay::Exponential { factor: 1.5 },
            warmup: 0,
        };
        assert!(bad.problem().unwrap().contains("1.5"));
        assert_eq!(LearningRateSchedule::CONSTANT.problem(), None);
    }
}
