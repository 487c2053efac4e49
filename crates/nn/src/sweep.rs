//! Sweeps: a document trained once per combination of a few settings' values, the runs
//! shared among worker threads. A setting is named by a path (`training.learning_rate`,
//! `nodes.hidden.units`, …) and its values by a list (`0.003,0.01,0.03`), a log range
//! (`log:0.001:0.1:5`, five values) or a linear range (`lin:8:64:8`, eight values).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};
use web_time::Instant;

use thiserror::Error;

use crate::compile::{compile, load_dataset};
use crate::data::Task;
use crate::graph::{GraphDocument, Node};
use crate::math::activations::Activation;
use crate::math::float::Precision;
use crate::math::rng::SplitMix64;
use crate::train::config::Batching;
use crate::train::optimizers::{Optimizer, Regularization};

/// A setting a sweep can vary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SweepPath {
    /// `training.learning_rate`.
    LearningRate,
    /// `training.batch_size`: a number, or `all` for the full batch.
    BatchSize,
    /// `training.epochs`.
    Epochs,
    /// `training.optimizer`: `sgd`, `momentum` or `adam`.
    Optimizer,
    /// `training.l1`: an L1 penalty's rate.
    L1,
    /// `training.l2`: an L2 penalty's rate.
    L2,
    /// `nodes.<id>.units`.
    Units(String),
    /// `nodes.<id>.activation`: the document's activation names.
    Activation(String),
}

/// Why a sweep cannot run as asked.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum SweepError {
    /// A path that names no setting a sweep can vary.
    #[error(
        "'{0}' is not a setting a sweep can vary (training.learning_rate, training.batch_size, training.epochs, training.optimizer, training.l1, training.l2, nodes.<id>.units, nodes.<id>.activation)"
    )]
    Path(String),
    /// A value or range that does not fit its setting.
    #[error("{path}: {problem}")]
    Value {
        /// The setting.
        path: String,
        /// What is wrong with the value.
        problem: String,
    },
    /// A node the document does not have.
    #[error("{path}: the document has no dense node '{node}'")]
    Node {
        /// The setting.
        path: String,
        /// The node id.
        node: String,
    },
}

impl std::fmt::Display for SweepPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::LearningRate => write!(f, "training.learning_rate"),
            Self::BatchSize => write!(f, "training.batch_size"),
            Self::Epochs => write!(f, "training.epochs"),
            Self::Optimizer => write!(f, "training.optimizer"),
            Self::L1 => write!(f, "training.l1"),
            Self::L2 => write!(f, "training.l2"),
            Self::Units(id) => write!(f, "nodes.{id}.units"),
            Self::Activation(id) => write!(f, "nodes.{id}.activation"),
        }
    }
}

impl std::str::FromStr for SweepPath {
    type Err = SweepError;

    fn from_str(text: &str) -> Result<Self, SweepError> {
        let path = match text {
            "training.learning_rate" => Self::LearningRate,
            "training.batch_size" => Self::BatchSize,
            "training.epochs" => Self::Epochs,
            "training.optimizer" => Self::Optimizer,
            "training.l1" => Self::L1,
            "training.l2" => Self::L2,
            _ => {
                let node = text
                    .strip_prefix("nodes.")
                    .and_then(|rest| rest.rsplit_once('.'));
                match node {
                    Some((id, "units")) if !id.is_empty() => Self::Units(id.to_owned()),
                    Some((id, "activation")) if !id.is_empty() => Self::Activation(id.to_owned()),
                    _ => return Err(SweepError::Path(text.to_owned())),
                }
            }
        };
        Ok(path)
    }
}

/// One value a setting takes.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepValue {
    /// A number (rates, counts).
    Number(f64),
    /// A word (`all`, an optimizer or an activation).
    Word(String),
}

impl std::fmt::Display for SweepValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Word(w) => write!(f, "{w}"),
        }
    }
}

impl SweepPath {
    /// Whether its values are counts (whole numbers).
    fn is_count(&self) -> bool {
        matches!(self, Self::BatchSize | Self::Epochs | Self::Units(_))
    }

    /// Whether its values are words rather than numbers.
    fn is_word(&self) -> bool {
        matches!(self, Self::Optimizer | Self::Activation(_))
    }

    /// The values `spec` stands for: `a,b,c`, `log:low:high:n` (n values evenly spaced in
    /// log₁₀), `lin:low:high:n` (n values evenly spaced); counts are rounded to whole numbers.
    pub fn values(&self, spec: &str) -> Result<Vec<SweepValue>, SweepError> {
        let problem = |problem: String| SweepError::Value {
            path: self.to_string(),
            problem,
        };
        let number = |text: &str| -> Result<f64, SweepError> {
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| problem(format!("'{text}' is not a number")))
        };
        let range = |rest: &str, log: bool| -> Result<Vec<f64>, SweepError> {
            let parts: Vec<&str> = rest.split(':').collect();
            let [low, high, count] = parts.as_slice() else {
                return Err(problem(format!(
                    "a range is written {}:LOW:HIGH:COUNT",
                    if log { "log" } else { "lin" }
                )));
            };
            let (low, high) = (number(low)?, number(high)?);
            let count: usize = count
                .trim()
                .parse()
                .ok()
                .filter(|&c| c >= 1)
                .ok_or_else(|| problem(format!("'{count}' is not a count of 1 or more")))?;
            if log && (low <= 0.0 || high <= 0.0) {
                return Err(problem("a log range needs positive ends".to_owned()));
            }
            Ok((0..count)
                .map(|i| {
                    let t = if count == 1 {
                        0.0
                    } else {
                        i as f64 / (count - 1) as f64
                    };
                    if log {
                        10f64.powf(low.log10() + t * (high.log10() - low.log10()))
                    } else {
                        low + t * (high - low)
                    }
                })
                .collect())
        };
        let numbers = if let Some(rest) = spec.strip_prefix("log:") {
            Some(range(rest, true)?)
        } else if let Some(rest) = spec.strip_prefix("lin:") {
            Some(range(rest, false)?)
        } else {
            None
        };
        let values: Vec<SweepValue> = match numbers {
            Some(numbers) => numbers.into_iter().map(SweepValue::Number).collect(),
            None => spec
                .split(',')
                .map(|item| {
                    let item = item.trim();
                    if self.is_word() || (*self == Self::BatchSize && item == "all") {
                        Ok(SweepValue::Word(item.to_owned()))
                    } else {
                        number(item).map(SweepValue::Number)
                    }
                })
                .collect::<Result<_, _>>()?,
        };
        if values.is_empty() || spec.trim().is_empty() {
            return Err(problem("no values".to_owned()));
        }
        Ok(values
            .into_iter()
            .map(|value| match value {
                SweepValue::Number(n) if self.is_count() => SweepValue::Number(n.round()),
                other => other,
            })
            .collect())
    }

    /// Sets `value` in `document`.
    pub fn apply(
        &self,
        document: &mut GraphDocument,
        value: &SweepValue,
    ) -> Result<(), SweepError> {
        let problem = |problem: String| SweepError::Value {
            path: self.to_string(),
            problem,
        };
        let positive = |value: &SweepValue| match value {
            SweepValue::Number(n) if *n > 0.0 => Ok(*n),
            other => Err(problem(format!("'{other}' must be a positive number"))),
        };
        let count = |value: &SweepValue| -> Result<usize, SweepError> {
            match value {
                SweepValue::Number(n) if *n >= 1.0 => Ok(*n as usize),
                other => Err(problem(format!(
                    "'{other}' must be a whole number of 1 or more"
                ))),
            }
        };
        let training = &mut document.training;
        match self {
            Self::LearningRate => training.learning_rate = positive(value)?,
            Self::Epochs => training.epochs = count(value)?,
            Self::BatchSize => {
                training.batching = match value {
                    SweepValue::Word(word) if word == "all" => Batching::FullBatch,
                    other => match count(other)? {
                        1 => Batching::PerExample,
                        size => Batching::MiniBatch { size },
                    },
                }
            }
            Self::Optimizer => {
                training.optimizer = match value {
                    SweepValue::Word(word) if word == "sgd" => Optimizer::GradientDescent,
                    SweepValue::Word(word) if word == "momentum" => Optimizer::MOMENTUM,
                    SweepValue::Word(word) if word == "adam" => Optimizer::ADAM,
                    other => {
                        return Err(problem(format!(
                            "'{other}' is not an optimizer (sgd, momentum, adam)"
                        )));
                    }
                }
            }
            Self::L1 | Self::L2 => {
                let rate = match value {
                    SweepValue::Number(n) if *n >= 0.0 => *n,
                    other => return Err(problem(format!("'{other}' must be 0 or more"))),
                };
                training.regularization = if rate == 0.0 {
                    Regularization::None
                } else if *self == Self::L1 {
                    Regularization::L1 { rate }
                } else {
                    Regularization::L2 { rate }
                };
            }
            Self::Units(id) | Self::Activation(id) => {
                let node = document.nodes.iter_mut().find(|n| n.id() == id);
                let Some(Node::Dense(dense)) = node else {
                    return Err(SweepError::Node {
                        path: self.to_string(),
                        node: id.clone(),
                    });
                };
                if let Self::Units(_) = self {
                    dense.units = count(value)?;
                } else {
                    // The document's names (`relu`, `leaky_relu`, …), each with its default
                    // parameters.
                    let name = value.to_string();
                    let kind = |activation: &Activation| {
                        serde_json::to_value(activation)
                            .ok()
                            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
                    };
                    dense.activation = Activation::ALL
                        .into_iter()
                        .find(|activation| kind(activation).as_deref() == Some(name.as_str()))
                        .ok_or_else(|| {
                            let names: Vec<String> =
                                Activation::ALL.iter().filter_map(kind).collect();
                            problem(format!(
                                "'{name}' is not an activation ({})",
                                names.join(", ")
                            ))
                        })?;
                }
            }
        }
        Ok(())
    }
}

/// The settings varied, their values, and how the combinations are run.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// Each setting with its values, the first varying slowest.
    pub settings: Vec<(SweepPath, Vec<SweepValue>)>,
    /// Draw this many combinations at random (seeded) instead of the whole grid.
    pub random: Option<usize>,
    /// Runs of each combination, with seeds = the document's seed + 0, 1, …
    pub repeats: usize,
}

/// One run of a sweep: which values, which seed.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPoint {
    /// One value per setting, in the sweep's order.
    pub values: Vec<SweepValue>,
    /// The training seed.
    pub seed: u64,
}

impl Sweep {
    /// Checks every value of every setting against `document` (a node the sweep names, a
    /// word its setting accepts), so a bad one is named before anything trains.
    pub fn check(&self, document: &GraphDocument) -> Result<(), SweepError> {
        for (path, values) in &self.settings {
            for value in values {
                path.apply(&mut document.clone(), value)?;
            }
        }
        Ok(())
    }

    /// The runs in order: the grid (first setting slowest) or the random draws, each
    /// repeated with seeds `seed`, `seed + 1`, …
    pub fn points(&self, seed: u64) -> Vec<SweepPoint> {
        let mut grid: Vec<Vec<SweepValue>> = vec![Vec::new()];
        for (_, values) in &self.settings {
            grid = grid
                .into_iter()
                .flat_map(|prefix| {
                    values.iter().map(move |value| {
                        let mut next = prefix.clone();
                        next.push(value.clone());
                        next
                    })
                })
                .collect();
        }
        if let Some(count) = self.random {
            let mut rng = SplitMix64::new(seed ^ 0x5EE9_5EE9);
            grid = (0..count)
                .map(|_| {
                    self.settings
                        .iter()
                        .map(|(_, values)| values[rng.below(values.len())].clone())
                        .collect()
                })
                .collect();
        }
        grid.into_iter()
            .flat_map(|values| {
                (0..self.repeats.max(1) as u64).map(move |r| SweepPoint {
                    values: values.clone(),
                    seed: seed + r,
                })
            })
            .collect()
    }
}

/// What one run of a sweep gave.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRow {
    /// Which run.
    pub point: SweepPoint,
    /// Epochs trained.
    pub epochs: usize,
    /// Final losses and scores (accuracy or R²).
    pub train_loss: f64,
    /// The test loss, if there is a test split.
    pub test_loss: Option<f64>,
    /// Accuracy or R² on the training split.
    pub train_score: Option<f64>,
    /// The same on the test split.
    pub test_score: Option<f64>,
    /// Seconds the run took.
    pub seconds: f64,
    /// The document the run trained (with the values set), for opening it.
    pub document: GraphDocument,
}

/// Trains `document` (its data read relative to `folder`) with `point`'s values, as
/// `layerwright train` would train the document with those values written in.
pub fn run_point(
    document: &GraphDocument,
    folder: Option<&Path>,
    settings: &[SweepPath],
    point: &SweepPoint,
    keep_going: &dyn Fn() -> bool,
) -> Result<SweepRow, String> {
    let started = Instant::now();
    let mut document = document.clone();
    for (path, value) in settings.iter().zip(&point.values) {
        path.apply(&mut document, value)
            .map_err(|e| e.to_string())?;
    }
    document.training.seed = point.seed;
    let dataset = load_dataset(&document.dataset, folder).map_err(|e| e.to_string())?;
    let compiled = compile(&document, &dataset).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let mut run = compiled
        .train(compiled.epochs, Precision::F32, |_| {}, keep_going)
        .map_err(|e| e.to_string())?;
    // A run cut short by Cancel is not a result.
    if !keep_going() {
        return Err("cancelled".to_owned());
    }
    let metrics = compiled
        .metrics(&mut run.session)
        .map_err(|e| e.to_string())?;
    let score = |e: &crate::train::training::Evaluation| match compiled.data.description.task {
        Task::Classification => e.accuracy,
        Task::Regression => e.r_squared,
    };
    Ok(SweepRow {
        point: point.clone(),
        epochs: run.epochs_trained,
        train_loss: metrics.train.loss,
        test_loss: metrics.test.map(|t| t.loss),
        train_score: score(&metrics.train),
        test_score: metrics.test.as_ref().and_then(score),
        seconds: started.elapsed().as_secs_f64(),
        document,
    })
}

/// Runs every point on `jobs` worker threads named `sweep-N`, sending `(index, result)`
/// back over a bounded channel as each finishes; `keep_going` is asked before each run and
/// each epoch (Cancel). The receiver ends when every worker has.
pub fn run_sweep(
    document: &GraphDocument,
    folder: Option<PathBuf>,
    sweep: &Sweep,
    jobs: usize,
    keep_going: Arc<dyn Fn() -> bool + Send + Sync>,
) -> Receiver<(usize, Result<SweepRow, String>)> {
    let points = sweep.points(document.training.seed);
    let settings: Vec<SweepPath> = sweep.settings.iter().map(|(p, _)| p.clone()).collect();
    let queue = Arc::new(Mutex::new(points.into_iter().enumerate()));
    let (sender, receiver) = sync_channel(jobs.max(1) * 2);
    let document = Arc::new(document.clone());
    let settings = Arc::new(settings);
    for worker in 0..jobs.max(1) {
        let (queue, sender) = (Arc::clone(&queue), sender.clone());
        let (document, settings) = (Arc::clone(&document), Arc::clone(&settings));
        let (folder, keep_going) = (folder.clone(), Arc::clone(&keep_going));
        let _ = std::thread::Builder::new()
            .name(format!("sweep-{worker}"))
            .spawn(move || {
                loop {
                    if !keep_going() {
                        return;
                    }
                    let next = queue.lock().ok().and_then(|mut q| q.next());
                    let Some((index, point)) = next else {
                        return;
                    };
                    let result = run_point(
                        &document,
                        folder.as_deref(),
                        &settings,
                        &point,
                        &*keep_going,
                    );
                    if sender.send((index, result)).is_err() {
                        return;
                    }
                }
            });
    }
    receiver
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(values: &[SweepValue]) -> Vec<f64> {
        values
            .iter()
            .map(|v| match v {
                SweepValue::Number(n) => *n,
                SweepValue::Word(_) => f64::NAN,
            })
            .collect()
    }

    #[test]
    fn ranges_expand_as_written() {
        let rate = SweepPath::LearningRate;
        let log = numbers(&rate.values("log:0.001:0.1:5").unwrap());
        assert!(
            (log[0] - 0.001).abs() < 1e-15 && (log[4] - 0.1).abs() < 1e-15,
            "{log:?}"
        );
        assert!((log[2] - 0.01).abs() < 1e-15, "{log:?}");
        // 10^(−2.5) = 0.0031622…, the geometric mean of 0.001 and 0.01.
        assert!((log[1] - 10f64.powf(-2.5)).abs() < 1e-15, "{log:?}");
        let units = SweepPath::Units("hidden".to_owned());
        assert_eq!(
            numbers(&units.values("lin:8:64:8").unwrap()),
            [8.0, 16.0, 24.0, 32.0, 40.0, 48.0, 56.0, 64.0]
        );
        assert_eq!(
            numbers(&rate.values("0.003, 0.01,0.03").unwrap()),
            [0.003, 0.01, 0.03]
        );
        assert_eq!(
            SweepPath::BatchSize.values("16,all").unwrap(),
            [SweepValue::Number(16.0), SweepValue::Word("all".to_owned())]
        );
        assert!(rate.values("log:0:1:3").is_err());
        assert!(
            rate.values("fast")
                .unwrap_err()
                .to_string()
                .contains("'fast'")
        );
    }

    #[test]
    fn an_activation_by_its_document_name_takes_its_default_parameters() {
        let mut document = crate::graph::io::parse_document(
            include_str!("../../../assets/examples/xor.json"),
            "xor.json",
        )
        .unwrap();
        let path = SweepPath::Activation("hidden".to_owned());
        path.apply(&mut document, &SweepValue::Word("leaky_relu".to_owned()))
            .unwrap();
        let Node::Dense(hidden) = &document.nodes[1] else {
            panic!("xor's second node is dense");
        };
        assert_eq!(hidden.activation, Activation::LEAKY_RELU);
        let error = path
            .apply(&mut document, &SweepValue::Word("wiggly".to_owned()))
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("'wiggly' is not an activation (identity, step"),
            "{error}"
        );
    }

    #[test]
    fn paths_parse_and_a_bad_one_is_named() {
        assert_eq!(
            "nodes.hidden1.units".parse::<SweepPath>().unwrap(),
            SweepPath::Units("hidden1".to_owned())
        );
        let error = "training.momentum".parse::<SweepPath>().unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("'training.momentum' is not a setting")
        );
    }

    #[test]
    fn the_grid_varies_the_first_setting_slowest_and_repeats_with_the_next_seeds() {
        let sweep = Sweep {
            settings: vec![
                (
                    SweepPath::LearningRate,
                    vec![SweepValue::Number(0.1), SweepValue::Number(0.2)],
                ),
                (
                    SweepPath::Epochs,
                    vec![SweepValue::Number(5.0), SweepValue::Number(9.0)],
                ),
            ],
            random: None,
            repeats: 2,
        };
        let points = sweep.points(7);
        let shown: Vec<(String, u64)> = points
            .iter()
            .map(|p| {
                (
                    p.values
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" "),
                    p.seed,
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("0.1 5".to_owned(), 7),
                ("0.1 5".to_owned(), 8),
                ("0.1 9".to_owned(), 7),
                ("0.1 9".to_owned(), 8),
                ("0.2 5".to_owned(), 7),
                ("0.2 5".to_owned(), 8),
                ("0.2 9".to_owned(), 7),
                ("0.2 9".to_owned(), 8),
            ]
        );
    }
}
