//! Training runs kept beside a document (`NAME.runs.json`, never inside the graph file):
//! each run's graph and settings, what changed against the run before it in words, its
//! curves, final and best epochs, wall time, a note and, for some, the trained weights.
//! The file has its own format name and version, and a size cap that drops the oldest
//! un-noted runs' curves first.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::graph::{GraphDocument, TrainedWeights};

/// The runs file's `format` field.
pub const FORMAT: &str = "layerwright.runs";
/// The newest runs file version this build writes.
pub const VERSION: u32 = 1;
/// Runs kept at most.
pub const MAX_RUNS: usize = 200;
/// The runs file's size at most, in bytes.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// Points a thinned curve keeps.
const THINNED_POINTS: usize = 100;

/// One epoch of a run's curves.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunPoint {
    /// Epochs completed.
    pub epoch: usize,
    /// Mean loss on the training split.
    pub train_loss: f64,
    /// Mean loss on the test split, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_loss: Option<f64>,
    /// Accuracy (classification) or R² (regression) on the training split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_score: Option<f64>,
    /// The same on the test split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_score: Option<f64>,
}

impl RunPoint {
    /// The score that ranks epochs and runs: the test score, else the training score.
    pub fn score(&self) -> Option<f64> {
        self.test_score.or(self.train_score)
    }
}

/// One training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    /// Counts up within the file; never reused.
    pub id: u64,
    /// "Run 3", or what the person renamed it to.
    pub name: String,
    /// When it started, in seconds since 1970.
    pub started: u64,
    /// What changed against the run before it, one phrase each.
    pub changes: Vec<String>,
    /// The graph, data and settings it trained (without weights).
    pub document: GraphDocument,
    /// Its curves, epoch by epoch (thinned, or empty, when the file grew too large).
    pub curve: Vec<RunPoint>,
    /// Whether `curve` was thinned to keep the file small.
    #[serde(default)]
    pub curve_thinned: bool,
    /// The last epoch.
    pub last: Option<RunPoint>,
    /// The epoch with the best score.
    pub best: Option<RunPoint>,
    /// Seconds spent training (pauses left out).
    pub wall_seconds: f64,
    /// The person's note.
    #[serde(default)]
    pub note: String,
    /// The trained weights, when kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<TrainedWeights>,
}

impl RunRecord {
    /// A new run of `document` (its weights left out) after the run of `previous`.
    pub fn start(
        id: u64,
        document: &GraphDocument,
        previous: Option<&GraphDocument>,
        started: u64,
    ) -> Self {
        let mut document = document.clone();
        document.weights = None;
        let changes = match previous.map(|previous| describe_changes(previous, &document)) {
            Some(changes) if changes.is_empty() => vec!["nothing changed".to_owned()],
            Some(changes) => changes,
            None => vec!["first run".to_owned()],
        };
        Self {
            id,
            name: format!("Run {id}"),
            started,
            changes,
            document,
            curve: Vec::new(),
            curve_thinned: false,
            last: None,
            best: None,
            wall_seconds: 0.0,
            note: String::new(),
            weights: None,
        }
    }

    /// Adds an epoch: the curve grows, the last and best epochs follow.
    pub fn push(&mut self, point: RunPoint) {
        if self
            .curve
            .last()
            .is_some_and(|last| last.epoch >= point.epoch)
        {
            return;
        }
        self.curve.push(point);
        self.last = Some(point);
        let better = match (self.best.and_then(|b| b.score()), point.score()) {
            (_, None) => self.best.is_none(),
            (None, Some(_)) => true,
            (Some(best), Some(score)) => score > best,
        };
        if better {
            self.best = Some(point);
        }
    }
}

/// The runs file: its header and the runs, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunsFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// The file's version.
    pub version: u32,
    /// The runs, oldest first.
    pub runs: Vec<RunRecord>,
}

impl Default for RunsFile {
    fn default() -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            runs: Vec::new(),
        }
    }
}

/// Why a runs file cannot be read.
#[derive(Debug, Error)]
pub enum RunsFileError {
    /// Not JSON, or not the runs file's fields (line and column say where).
    #[error("{path}: line {line}, column {column}: {message}")]
    Json {
        /// The file.
        path: String,
        /// The line (1-based).
        line: usize,
        /// The column (1-based).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Another kind of file.
    #[error("{path}: this is not a Layerwright runs file (its format is {found:?})")]
    Format {
        /// The file.
        path: String,
        /// Its format field.
        found: String,
    },
    /// A version this build cannot read.
    #[error("{path}: the runs file is version {found}; this Layerwright reads version {VERSION}")]
    Version {
        /// The file.
        path: String,
        /// Its version.
        found: u32,
    },
}

impl RunsFile {
    /// Reads a runs file; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, RunsFileError> {
        let file: Self = serde_json::from_str(text).map_err(|error| RunsFileError::Json {
            path: path.to_owned(),
            line: error.line(),
            column: error.column(),
            message: error.to_string(),
        })?;
        if file.format != FORMAT {
            return Err(RunsFileError::Format {
                path: path.to_owned(),
                found: file.format,
            });
        }
        if file.version != VERSION {
            return Err(RunsFileError::Version {
                path: path.to_owned(),
                found: file.version,
            });
        }
        Ok(file)
    }

    /// The file as pretty JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }

    /// The next run's id.
    pub fn next_id(&self) -> u64 {
        self.runs.iter().map(|r| r.id).max().map_or(1, |id| id + 1)
    }

    /// Keeps the file within `max_runs` runs and about `max_bytes` bytes: the oldest runs
    /// without a note go first (whole runs over the count); over the size, their curves are
    /// thinned to a hundred points, then dropped, then their weights, oldest first; noted
    /// runs only when nothing else is left.
    pub fn enforce_limits(&mut self, max_runs: usize, max_bytes: usize) {
        while self.runs.len() > max_runs {
            let index = self
                .runs
                .iter()
                .position(|r| r.note.trim().is_empty())
                .unwrap_or(0);
            self.runs.remove(index);
        }
        // Each run's size as written: pretty, every line indented four more spaces inside
        // the file's list; plus the file's header, measured once.
        let size = |run: &RunRecord| {
            serde_json::to_string_pretty(run).map_or(0, |t| t.len() + 4 * t.lines().count())
        };
        let mut sizes: Vec<usize> = self.runs.iter().map(size).collect();
        let overhead = self
            .to_json()
            .map_or(0, |t| t.len())
            .saturating_sub(sizes.iter().sum());
        // Each pass makes one saving, the first that applies, in the order above.
        let shrinkers: [fn(&mut RunRecord) -> bool; 3] = [
            |run| {
                if run.curve_thinned || run.curve.len() <= THINNED_POINTS {
                    return false;
                }
                run.curve = thinned(&run.curve, THINNED_POINTS);
                run.curve_thinned = true;
                true
            },
            |run| !std::mem::take(&mut run.curve).is_empty(),
            |run| run.weights.take().is_some(),
        ];
        while sizes.iter().sum::<usize>() + overhead > max_bytes {
            let mut saved = false;
            'find: for noted in [false, true] {
                for shrink in shrinkers {
                    for (index, run) in self.runs.iter_mut().enumerate() {
                        if run.note.trim().is_empty() == noted {
                            continue;
                        }
                        if shrink(run) {
                            sizes[index] = size(run);
                            saved = true;
                            break 'find;
                        }
                    }
                }
            }
            if !saved {
                break;
            }
        }
    }
}

/// `points` thinned to about `keep` evenly spaced ones, the first and last kept.
fn thinned(points: &[RunPoint], keep: usize) -> Vec<RunPoint> {
    let step = points.len().div_ceil(keep.max(1)).max(1);
    let mut kept: Vec<RunPoint> = points.iter().step_by(step).copied().collect();
    if let (Some(last), Some(kept_last)) = (points.last(), kept.last())
        && last.epoch != kept_last.epoch
    {
        kept.push(*last);
    }
    kept
}

/// What changed from `before` to `after`, one phrase each, in the order training settings,
/// nodes, wiring, data: "learning rate 0.01 → 0.03", "hidden1: 8 → 16 units", "data: noise
/// 0 → 0.2". Empty when nothing did (a reset with the same settings).
pub fn describe_changes(before: &GraphDocument, after: &GraphDocument) -> Vec<String> {
    let mut changes = Vec::new();
    // Training settings, in the panel's order.
    let (old, new) = (json(&before.training), json(&after.training));
    for (key, name) in [
        ("learning_rate", "learning rate"),
        ("batching", "batch"),
        ("regularization", "penalty"),
        ("optimizer", "optimizer"),
        ("epochs", "epochs"),
        ("shuffle", "shuffle"),
        ("seed", "seed"),
        ("schedule", "schedule"),
        ("early_stopping", "early stopping"),
    ] {
        let (a, b) = (field(&old, key), field(&new, key));
        if a != b {
            changes.push(format!("{name} {} → {}", short(&a), short(&b)));
        }
    }
    // Nodes by id.
    let nodes = |document: &GraphDocument| -> Vec<(String, Value)> {
        document
            .nodes
            .iter()
            .map(|node| (node.id().to_owned(), json(node)))
            .collect()
    };
    let (old_nodes, new_nodes) = (nodes(before), nodes(after));
    for (id, new_node) in &new_nodes {
        match old_nodes.iter().find(|(old_id, _)| old_id == id) {
            None => changes.push(format!("added {id} ({})", short(&field(new_node, "kind")))),
            Some((_, old_node)) => {
                // The kind, width and activation first, then the rest alphabetically.
                let mut node_keys = keys(old_node, new_node);
                node_keys.sort_by_key(|key| {
                    ["kind", "units", "activation"]
                        .iter()
                        .position(|first| first == key)
                        .unwrap_or(usize::MAX)
                });
                for key in node_keys {
                    if key == "id" {
                        continue;
                    }
                    let (a, b) = (field(old_node, &key), field(new_node, &key));
                    if a == b {
                        continue;
                    }
                    changes.push(if key == "units" {
                        format!("{id}: {} → {} units", short(&a), short(&b))
                    } else if key == "activation" || key == "kind" {
                        format!("{id}: {} → {}", short(&a), short(&b))
                    } else {
                        format!("{id}: {} {} → {}", words(&key), short(&a), short(&b))
                    });
                }
            }
        }
    }
    for (id, old_node) in &old_nodes {
        if !new_nodes.iter().any(|(new_id, _)| new_id == id) {
            changes.push(format!(
                "removed {id} ({})",
                short(&field(old_node, "kind"))
            ));
        }
    }
    if json(&before.edges) != json(&after.edges) {
        changes.push("wiring changed".to_owned());
    }
    // The data set: the source's fields, then the rest.
    let (old_data, new_data) = (json(&before.dataset), json(&after.dataset));
    let (old_source, new_source) = (field(&old_data, "source"), field(&new_data, "source"));
    if field(&old_source, "kind") == field(&new_source, "kind") {
        for key in keys(&old_source, &new_source) {
            let (a, b) = (field(&old_source, &key), field(&new_source, &key));
            if a != b {
                changes.push(if key == "points" {
                    let count = |v: &Value| v.as_array().map_or(0, Vec::len);
                    format!("data: {} → {} points", count(&a), count(&b))
                } else {
                    format!("data: {} {} → {}", words(&key), short(&a), short(&b))
                });
            }
        }
    } else {
        changes.push(format!(
            "data: {} → {}",
            short(&old_source),
            short(&new_source)
        ));
    }
    for key in keys(&old_data, &new_data) {
        if key == "source" {
            continue;
        }
        let (a, b) = (field(&old_data, &key), field(&new_data, &key));
        if a != b {
            changes.push(format!(
                "data: {} {} → {}",
                words(&key),
                short(&a),
                short(&b)
            ));
        }
    }
    changes
}

/// Any settings as a JSON value (`null` if they cannot be).
fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `value[key]`, or `null`.
fn field(value: &Value, key: &str) -> Value {
    value.get(key).cloned().unwrap_or(Value::Null)
}

/// The keys of both objects, in the first's order then the second's new ones.
fn keys(a: &Value, b: &Value) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for object in [a, b] {
        if let Some(object) = object.as_object() {
            for key in object.keys() {
                if !all.contains(key) {
                    all.push(key.clone());
                }
            }
        }
    }
    all
}

/// `snake_case` as words.
fn words(text: &str) -> String {
    text.replace('_', " ")
}

/// A value in a few words: numbers as they are (0, 0.2), text with spaces, an object by its
/// kind and its other values, `none` for nothing.
fn short(value: &Value) -> String {
    match value {
        Value::Null => "none".to_owned(),
        Value::Bool(flag) => if *flag { "on" } else { "off" }.to_owned(),
        Value::Number(number) => number
            .as_f64()
            .map_or_else(|| number.to_string(), |n| format!("{n}")),
        Value::String(text) => words(text),
        Value::Array(items) => format!("{} items", items.len()),
        Value::Object(object) => {
            let kind = object.get("kind").map(short);
            let rest: Vec<String> = object
                .iter()
                .filter(|(key, _)| key.as_str() != "kind")
                .map(|(key, value)| format!("{} {}", words(key), short(value)))
                .collect();
            match (kind, rest.is_empty()) {
                (Some(kind), true) => kind,
                (Some(kind), false) => format!("{kind} ({})", rest.join(", ")),
                (None, _) => rest.join(", "),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xor() -> GraphDocument {
        crate::graph::io::parse_document(
            include_str!("../../../assets/examples/xor.json"),
            "xor.json",
        )
        .unwrap()
    }

    fn point(epoch: usize, test_score: f64) -> RunPoint {
        RunPoint {
            epoch,
            train_loss: 1.0 / (1.0 + epoch as f64),
            test_loss: Some(0.5),
            train_score: Some(0.5),
            test_score: Some(test_score),
        }
    }

    #[test]
    fn a_run_keeps_its_last_and_best_epochs() {
        let mut run = RunRecord::start(1, &xor(), None, 0);
        assert_eq!(run.changes, ["first run"]);
        for (epoch, score) in [(1, 0.6), (2, 0.9), (3, 0.7)] {
            run.push(point(epoch, score));
        }
        run.push(point(3, 0.99));
        assert_eq!(
            run.curve.len(),
            3,
            "an epoch already recorded is not added again"
        );
        assert_eq!(run.last.unwrap().epoch, 3);
        assert_eq!(run.best.unwrap().epoch, 2);
    }

    #[test]
    fn thinning_keeps_the_first_and_last_epochs() {
        let points: Vec<RunPoint> = (1..=1000).map(|e| point(e, 0.5)).collect();
        let kept = thinned(&points, 100);
        assert!(kept.len() <= 101);
        assert_eq!(kept[0].epoch, 1);
        assert_eq!(kept.last().unwrap().epoch, 1000);
    }
}
