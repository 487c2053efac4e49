//! Early stopping: watch a held-out loss after every epoch and stop once it has not
//! improved by at least `min_delta` for `patience` epochs, keeping the best epoch's weights.

use serde::{Deserialize, Serialize};

use crate::ParameterSet;

/// Which loss early stopping watches.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Watched {
    /// A fraction of the training split, carved off before training and never trained on.
    Validation {
        /// The fraction of the training split held out, in `(0, 0.5]`.
        fraction: f64,
    },
    /// The test split itself: the test score then no longer judges the model fairly (it
    /// chose the stopping epoch), which the app says.
    TestSplit,
}

impl Default for Watched {
    fn default() -> Self {
        Self::Validation { fraction: 0.1 }
    }
}

/// When to stop training early.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyStopping {
    /// Epochs without an improvement before stopping, `≥ 1`.
    pub patience: usize,
    /// The least decrease of the watched loss that counts as an improvement, `≥ 0`.
    #[serde(default)]
    pub min_delta: f64,
    /// The loss watched.
    #[serde(default)]
    pub watch: Watched,
    /// Whether the best epoch's weights are put back when training stops.
    #[serde(default = "yes")]
    pub restore_best: bool,
}

fn yes() -> bool {
    true
}

impl Default for EarlyStopping {
    fn default() -> Self {
        Self {
            patience: 10,
            min_delta: 0.0,
            watch: Watched::default(),
            restore_best: true,
        }
    }
}

impl EarlyStopping {
    /// The validation fraction to carve from the training split (0 when the test split is
    /// watched).
    pub fn validation_fraction(&self) -> f64 {
        match self.watch {
            Watched::Validation { fraction } => fraction,
            Watched::TestSplit => 0.0,
        }
    }

    /// Why the settings cannot be used, if they cannot.
    pub fn problem(&self) -> Option<String> {
        if self.patience == 0 {
            return Some("early stopping needs a patience of 1 epoch or more".to_owned());
        }
        if !(self.min_delta.is_finite() && self.min_delta >= 0.0) {
            return Some(format!(
                "the minimum improvement {} must be 0 or more",
                self.min_delta
            ));
        }
        match self.watch {
            Watched::Validation { fraction } if !(fraction > 0.0 && fraction <= 0.5) => Some(
                format!("the validation fraction {fraction} must be above 0 and at most 0.5"),
            ),
            _ => None,
        }
    }
}

/// What the watcher says after an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The loss improved: this is the best epoch so far.
    Improved,
    /// No improvement, but patience is not used up.
    Wait,
    /// Patience is used up: stop.
    Stop,
}

/// Watches the loss epoch by epoch, remembering the best epoch and its weights.
#[derive(Clone, Debug)]
pub struct EarlyStopper {
    rule: EarlyStopping,
    best: Option<(usize, f64)>,
    best_parameters: Option<ParameterSet<f64>>,
    since_best: usize,
}

impl EarlyStopper {
    /// A watcher that has seen nothing yet.
    pub fn new(rule: EarlyStopping) -> Self {
        Self {
            rule,
            best: None,
            best_parameters: None,
            since_best: 0,
        }
    }

    /// Takes the watched `loss` after epoch `epoch` (epochs completed); `parameters` is
    /// asked for only when the epoch is the best so far. An improvement is a loss below
    /// the best by more than `min_delta` (the first epoch always is).
    pub fn observe(
        &mut self,
        epoch: usize,
        loss: f64,
        parameters: impl FnOnce() -> ParameterSet<f64>,
    ) -> Verdict {
        let improved = match self.best {
            None => loss.is_finite(),
            Some((_, best)) => loss < best - self.rule.min_delta,
        };
        if improved {
            self.best = Some((epoch, loss));
            self.best_parameters = Some(parameters());
            self.since_best = 0;
            Verdict::Improved
        } else {
            self.since_best += 1;
            if self.since_best >= self.rule.patience {
                Verdict::Stop
            } else {
                Verdict::Wait
            }
        }
    }

    /// The best epoch so far and its loss.
    pub fn best(&self) -> Option<(usize, f64)> {
        self.best
    }

    /// The best epoch's weights, to put back when `restore_best` is set.
    pub fn weights_to_restore(&self) -> Option<&ParameterSet<f64>> {
        if self.rule.restore_best {
            self.best_parameters.as_ref()
        } else {
            None
        }
    }

    /// The rule it follows.
    pub fn rule(&self) -> &EarlyStopping {
        &self.rule
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(value: f64) -> ParameterSet<f64> {
        ParameterSet {
            tensors: vec![ndarray::Array2::from_elem((1, 1), value)],
        }
    }

    #[test]
    fn stops_after_patience_epochs_without_an_improvement_of_min_delta() {
        let mut stopper = EarlyStopper::new(EarlyStopping {
            patience: 2,
            min_delta: 0.05,
            ..EarlyStopping::default()
        });
        assert_eq!(stopper.observe(1, 1.0, || weights(1.0)), Verdict::Improved);
        assert_eq!(stopper.observe(2, 0.8, || weights(2.0)), Verdict::Improved);
        // 0.78 is better, but by less than 0.05: no improvement.
        assert_eq!(stopper.observe(3, 0.78, || weights(3.0)), Verdict::Wait);
        assert_eq!(stopper.observe(4, 0.9, || weights(4.0)), Verdict::Stop);
        assert_eq!(stopper.best(), Some((2, 0.8)));
        assert_eq!(stopper.weights_to_restore(), Some(&weights(2.0)));
    }

    #[test]
    fn without_restoring_there_is_nothing_to_put_back() {
        let mut stopper = EarlyStopper::new(EarlyStopping {
            restore_best: false,
            ..EarlyStopping::default()
        });
        stopper.observe(1, 1.0, || weights(1.0));
        assert_eq!(stopper.weights_to_restore(), None);
    }

    #[test]
    fn a_document_spells_the_rule_with_its_defaults() {
        let rule: EarlyStopping = serde_json::from_str(r#"{"patience": 5}"#).unwrap();
        assert_eq!(
            rule,
            EarlyStopping {
                patience: 5,
                ..EarlyStopping::default()
            }
        );
        assert_eq!(rule.validation_fraction(), 0.1);
        let test: EarlyStopping =
            serde_json::from_str(r#"{"patience": 5, "watch": {"kind": "test_split"}}"#).unwrap();
        assert_eq!(test.validation_fraction(), 0.0);
        assert!(
            EarlyStopping {
                patience: 0,
                ..rule
            }
            .problem()
            .is_some()
        );
    }
}
