//! Lessons: a `layerwright.lesson` document is a sequence of stages, each a network with a
//! short explanation, the formulas it teaches (linked to the nodes they describe), the
//! outcome training is stated to reach, and optional variants trained side by side (two
//! learning rates, four activations). [`train_for_lesson`] trains one network the way the
//! lesson's checks and comparisons do, and [`Outcome::judge`] says whether it did what the
//! lesson says it does.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::compile::{compile, load_dataset};
use crate::graph::io::LoadError;
use crate::graph::{GraphDocument, Node};
use crate::math::activations::Activation;
use crate::math::float::Precision;
use crate::teach::loss_surface::{LossSurface, weight_and_bias};
use crate::train::training::{Evaluation, TrainingError};

/// The `format` string of a lesson document.
pub const LESSON_FORMAT: &str = "layerwright.lesson";

/// The newest lesson version this build reads and writes.
pub const LESSON_VERSION: u32 = 1;

/// A lesson: its title, a one-paragraph summary and its stages, in teaching order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonDocument {
    /// Always [`LESSON_FORMAT`].
    pub format: String,
    /// [`LESSON_VERSION`] when written by this build.
    pub version: u32,
    /// The lesson's title, as the Learn menu shows it.
    pub title: String,
    /// What the lesson is about, in a sentence or two.
    pub summary: String,
    /// The stages, shown one at a time.
    pub stages: Vec<Stage>,
}

/// One stage of a lesson: a network to look at and train, and what to notice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// A short heading.
    pub title: String,
    /// The explanation, one string per paragraph.
    pub paragraphs: Vec<String>,
    /// The formulas this stage is about, each linked to the nodes that compute it.
    #[serde(default)]
    pub formulas: Vec<Formula>,
    /// The network this stage opens in the editor.
    pub graph: GraphDocument,
    /// What training `graph` for its epoch budget is stated to do.
    pub outcome: Outcome,
    /// Variations of `graph` trained side by side, their loss curves compared.
    #[serde(default)]
    pub variants: Vec<Variant>,
}

/// A formula with its equation number in the notes, what it says, and the nodes it lives in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Formula {
    /// The equation number in the course notes, e.g. `"1.1"`.
    pub equation: String,
    /// The formula in plain Unicode, e.g. `"ŷ = w·x + b"`.
    pub formula: String,
    /// What it means here, in a sentence.
    pub meaning: String,
    /// The ids of the nodes in the stage's graph that compute it (highlighted on hover).
    pub nodes: Vec<String>,
}

/// A variation of a stage's network: the same graph with some settings changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// How the comparison names it, e.g. `"η = 0.25"`.
    pub label: String,
    /// A different learning rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learning_rate: Option<f64>,
    /// A different activation for every dense layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_activation: Option<Activation>,
    /// A different epoch budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<usize>,
    /// What training this variant is stated to do.
    pub outcome: Outcome,
}

impl Variant {
    /// The stage's graph with this variant's changes applied.
    pub fn apply(&self, graph: &GraphDocument) -> GraphDocument {
        let mut changed = graph.clone();
        if let Some(rate) = self.learning_rate {
            changed.training.learning_rate = rate;
        }
        if let Some(epochs) = self.epochs {
            changed.training.epochs = epochs;
        }
        if let Some(activation) = self.hidden_activation {
            for node in &mut changed.nodes {
                if let Node::Dense(dense) = node {
                    dense.activation = activation;
                }
            }
        }
        changed
    }
}

/// What a lesson states training will do, checked by [`Outcome::judge`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The training accuracy at the end is at least `at_least` (a fraction).
    Accuracy {
        /// The lowest accuracy that counts as learned.
        at_least: f64,
    },
    /// The training accuracy never rises above `at_most` in any epoch: it cannot be learned.
    AccuracyNeverAbove {
        /// The highest accuracy ever reached.
        at_most: f64,
    },
    /// The coefficient of determination on the training split ends at least `at_least`.
    RSquared {
        /// The lowest R² that counts as a fit.
        at_least: f64,
    },
    /// The loss grows: it ends higher than it started, or becomes NaN or infinite.
    Diverges,
    /// In the last epoch, the first weighted layer's gradient norm `‖∂L/∂W₁‖` is below
    /// `fraction` of the last (output) layer's: the gradient vanishes on its way back.
    FirstLayerGradientBelow {
        /// The largest ratio `‖∂L/∂W_first‖ / ‖∂L/∂W_last‖` that counts as vanished.
        fraction: f64,
    },
}

impl Outcome {
    /// The outcome as a sentence for the side panel.
    pub fn describe(&self) -> String {
        match self {
            Self::Accuracy { at_least } if *at_least >= 1.0 => {
                "classifies every training example correctly".to_owned()
            }
            Self::Accuracy { at_least } => {
                format!(
                    "reaches at least {:.0}% training accuracy",
                    at_least * 100.0
                )
            }
            Self::AccuracyNeverAbove { at_most } => format!(
                "stays at or below {:.0}% training accuracy in every epoch",
                at_most * 100.0
            ),
            Self::RSquared { at_least } => format!("fits with R² of at least {at_least}"),
            Self::Diverges => "diverges: the loss grows instead of falling".to_owned(),
            Self::FirstLayerGradientBelow { fraction } => format!(
                "ends with its first layer's gradient norm below {} of its last layer's",
                fraction_words(*fraction)
            ),
        }
    }

    /// Whether `run` did what this outcome states, with what it measured.
    pub fn judge(&self, run: &LessonRun) -> Verdict {
        let final_accuracy = run.final_evaluation.and_then(|e| e.accuracy);
        let (met, measured) = match *self {
            Self::Accuracy { at_least } => (
                run.diverged.is_none() && final_accuracy.is_some_and(|a| a >= at_least),
                percentage("accuracy", final_accuracy),
            ),
            Self::AccuracyNeverAbove { at_most } => (
                run.best_accuracy.is_some_and(|a| a <= at_most),
                percentage("best accuracy", run.best_accuracy),
            ),
            Self::RSquared { at_least } => {
                let r_squared = run.final_evaluation.and_then(|e| e.r_squared);
                (
                    run.diverged.is_none() && r_squared.is_some_and(|r| r >= at_least),
                    r_squared.map_or_else(|| "no R²".to_owned(), |r| format!("R² {r:.3}")),
                )
            }
            Self::Diverges => {
                let grew = match (run.losses.first(), run.losses.last()) {
                    (Some(first), Some(last)) => last > first,
                    _ => false,
                };
                let measured = match (&run.diverged, run.losses.first(), run.losses.last()) {
                    (Some(error), _, _) => error.to_string(),
                    (None, Some(first), Some(last)) => {
                        format!("loss from {} to {}", readable(*first), readable(*last))
                    }
                    _ => "no epochs".to_owned(),
                };
                (run.diverged.is_some() || grew, measured)
            }
            Self::FirstLayerGradientBelow { fraction } => {
                let ratio = run.first_to_last_gradient_ratio();
                (
                    run.diverged.is_none() && ratio.is_some_and(|r| r < fraction),
                    ratio.map_or_else(
                        || "no gradient norms".to_owned(),
                        |r| format!("first/last gradient norm {r:.2e}"),
                    ),
                )
            }
        };
        Verdict { met, measured }
    }
}

/// `0.01` as "1/100", other fractions as they are.
fn fraction_words(fraction: f64) -> String {
    let denominator = (1.0 / fraction).round();
    if fraction > 0.0 && (1.0 / denominator - fraction).abs() < 1e-12 {
        format!("1/{denominator}")
    } else {
        format!("{fraction}")
    }
}

/// A loss for people: three decimals, or three significant digits in powers of ten when large.
fn readable(value: f64) -> String {
    if value.abs() >= 1e4 {
        let exponent = value.abs().log10().floor();
        format!("{:.2}×10^{exponent}", value / 10f64.powf(exponent))
    } else {
        format!("{value:.3}")
    }
}

fn percentage(what: &str, value: Option<f64>) -> String {
    value.map_or_else(
        || format!("no {what}"),
        |v| format!("{what} {:.1}%", v * 100.0),
    )
}

/// Whether a run did what its lesson states, and the measurement that says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The outcome was reached.
    pub met: bool,
    /// What was measured, e.g. `"accuracy 100.0%"`.
    pub measured: String,
}

/// One network trained for its epoch budget the way lessons train: per-epoch loss and
/// accuracy, and for a network of one weight and one bias its path over the loss surface.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonRun {
    /// The mean batch loss of each epoch trained.
    pub losses: Vec<f64>,
    /// The training accuracy after each epoch (classifiers only).
    pub accuracies: Vec<f64>,
    /// The highest training accuracy after any epoch (classifiers only).
    pub best_accuracy: Option<f64>,
    /// Loss, accuracy or R² on the training split at the end (none if training diverged).
    pub final_evaluation: Option<Evaluation>,
    /// Why training stopped early, if it diverged.
    pub diverged: Option<TrainingError>,
    /// `(w, b)` at the start and after each epoch, for a one-weight, one-bias network.
    pub descent_path: Vec<[f64; 2]>,
    /// The loss over `(w, b)` framing the path and the optimum, for such a network.
    pub surface: Option<LossSurface>,
    /// Each weighted layer's gradient figures over the last epoch trained, in network order.
    pub gradients: Vec<crate::train::dynamics::LayerGradients>,
}

impl LessonRun {
    /// `‖∂L/∂W_first‖ / ‖∂L/∂W_last‖` over the last epoch trained (none before an epoch).
    pub fn first_to_last_gradient_ratio(&self) -> Option<f64> {
        let first = self.gradients.first()?.gradient_norm;
        let last = self.gradients.last()?.gradient_norm;
        (last > 0.0).then(|| first / last)
    }
}

/// Why a lesson's network could not be trained at all.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum LessonError {
    /// The data set could not be made or read.
    #[error("the data set: {0}")]
    Dataset(String),
    /// The graph does not compile.
    #[error("the network: {0}")]
    Graph(String),
    /// Training could not start.
    #[error("training: {0}")]
    Training(TrainingError),
}

/// Lattice points per side of a lesson's loss surface.
const SURFACE_RESOLUTION: usize = 48;

/// Trains `graph` for its epoch budget in `f32` from its initial weights, calling
/// `keep_going` after every epoch (training stops when it returns false).
pub fn train_for_lesson(
    graph: &GraphDocument,
    mut keep_going: impl FnMut(usize) -> bool,
) -> Result<LessonRun, LessonError> {
    let dataset =
        load_dataset(&graph.dataset, None).map_err(|e| LessonError::Dataset(e.to_string()))?;
    let compiled = compile(graph, &dataset).map_err(|errors| {
        LessonError::Graph(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let mut session = compiled
        .session(Precision::F32)
        .map_err(LessonError::Training)?;
    let pair = weight_and_bias(&compiled.architecture);
    let position = |session: &crate::train::training::Session| {
        pair.and_then(|[weight, bias]| {
            let parameters = session.parameters();
            Some([
                *parameters.tensors.get(weight)?.get([0, 0])?,
                *parameters.tensors.get(bias)?.get([0, 0])?,
            ])
        })
    };
    let mut run = LessonRun {
        losses: Vec::new(),
        accuracies: Vec::new(),
        best_accuracy: None,
        final_evaluation: None,
        diverged: None,
        descent_path: position(&session).into_iter().collect(),
        surface: None,
        gradients: Vec::new(),
    };
    session.track_gradients(true);
    for epoch in 1..=compiled.epochs {
        match session.run_epoch() {
            Ok(report) => run.losses.push(report.mean_batch_loss),
            Err(error) => {
                run.diverged = Some(error);
                break;
            }
        }
        run.descent_path.extend(position(&session));
        let evaluation = session
            .evaluate(&compiled.data.train)
            .map_err(LessonError::Training)?;
        if let Some(accuracy) = evaluation.accuracy {
            run.accuracies.push(accuracy);
            run.best_accuracy = Some(run.best_accuracy.map_or(accuracy, |b| b.max(accuracy)));
        }
        run.final_evaluation = Some(evaluation);
        if !keep_going(epoch) {
            break;
        }
    }
    if run.diverged.is_some() {
        run.final_evaluation = None;
    }
    run.gradients = session.epoch_gradients().to_vec();
    run.surface = LossSurface::framing(
        &compiled.architecture,
        &compiled.data.train,
        &run.descent_path,
        SURFACE_RESOLUTION,
    );
    Ok(run)
}

/// Reads a lesson from `text` (`path` names it in errors) and checks that every formula
/// names nodes its stage's graph has.
pub fn parse_lesson(text: &str, path: &str) -> Result<LessonDocument, LessonLoadError> {
    crate::graph::io::read_header(text, path, LESSON_FORMAT, LESSON_VERSION)?;
    let lesson: LessonDocument = crate::graph::io::deserialize_strictly(text, path)?;
    if lesson.stages.is_empty() {
        return Err(LessonLoadError::NoStages {
            path: path.to_owned(),
        });
    }
    for (index, stage) in lesson.stages.iter().enumerate() {
        for formula in &stage.formulas {
            for node in &formula.nodes {
                if stage.graph.node(node).is_none() {
                    return Err(LessonLoadError::UnknownNode {
                        path: path.to_owned(),
                        stage: index + 1,
                        equation: formula.equation.clone(),
                        node: node.clone(),
                    });
                }
            }
        }
    }
    Ok(lesson)
}

/// Why a lesson document could not be read.
#[derive(Debug, Error)]
pub enum LessonLoadError {
    /// The JSON or its shape is wrong.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The lesson has no stages.
    #[error("{path}: the lesson has no stages")]
    NoStages {
        /// The lesson's name.
        path: String,
    },
    /// A formula names a node its stage's graph does not have.
    #[error(
        "{path}: stage {stage}, formula ({equation}) names node \"{node}\", which the stage's graph does not have"
    )]
    UnknownNode {
        /// The lesson's name.
        path: String,
        /// The stage (1-based).
        stage: usize,
        /// The formula's equation number.
        equation: String,
        /// The missing node id.
        node: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(losses: Vec<f64>, best_accuracy: Option<f64>) -> LessonRun {
        LessonRun {
            losses,
            accuracies: Vec::new(),
            best_accuracy,
            final_evaluation: Some(Evaluation {
                loss: 0.1,
                accuracy: Some(0.75),
                r_squared: None,
            }),
            diverged: None,
            descent_path: Vec::new(),
            surface: None,
            gradients: Vec::new(),
        }
    }

    #[test]
    fn a_loss_that_ends_above_its_start_diverges() {
        let grew = run_with(vec![1.0, 3.0, 9.0], None);
        let fell = run_with(vec![1.0, 0.5, 0.2], None);
        assert!(Outcome::Diverges.judge(&grew).met);
        assert!(!Outcome::Diverges.judge(&fell).met);
        assert_eq!(
            Outcome::Diverges.judge(&grew).measured,
            "loss from 1.000 to 9.000"
        );
        let exploded = run_with(vec![15.9, 1.743e14], None);
        assert_eq!(
            Outcome::Diverges.judge(&exploded).measured,
            "loss from 15.900 to 1.74×10^14"
        );
    }

    #[test]
    fn never_above_looks_at_the_best_epoch_not_the_last() {
        let run = run_with(vec![1.0], Some(0.75));
        assert!(
            Outcome::AccuracyNeverAbove { at_most: 0.75 }
                .judge(&run)
                .met
        );
        assert!(!Outcome::AccuracyNeverAbove { at_most: 0.5 }.judge(&run).met);
        assert_eq!(
            Outcome::Accuracy { at_least: 0.8 }.judge(&run).measured,
            "accuracy 75.0%"
        );
    }
}
