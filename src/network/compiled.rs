//! The graph compiled once per change of what compiling depends on (the nodes, the wires,
//! the data settings, the seed, trained weights, and whether the training settings are
//! valid), on a thread named `compiler`. A learning-rate drag changes none of these: it
//! neither recompiles nor reloads data. The diagnostics on the canvas, the trainer, the
//! gradient check, step-through and export all share the one result.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use layerwright_nn::compile::{CompiledGraph, compile, load_dataset_reporting};
use layerwright_nn::data::{DataSummary, Dataset};
use layerwright_nn::graph::{GraphDocument, TrainingSpec};

use crate::network::editor::diagnostics::{Diagnostics, diagnose};
use crate::worker::{Cancel, Job, Polled};

/// What one compile produced.
#[derive(Debug)]
pub struct Compiled {
    /// Which compile this is: each new result of a [`CompileCache`] counts one up.
    pub generation: u64,
    /// What it was compiled from (see [`compile_key`]).
    pub key: String,
    /// The data set, or why it did not load.
    pub dataset: Result<Arc<Dataset>, String>,
    /// The data set's column statistics and class counts, worked out once per load.
    pub summary: Option<Arc<DataSummary>>,
    /// The compiled graph, or the first problem as a sentence for the person.
    pub graph: Result<Arc<CompiledGraph>, String>,
    /// Every problem by node, widths, the parameter count, the data's summary.
    pub diagnostics: Diagnostics,
}

/// The part of a document compiling depends on, as a comparable string: nodes, edges, the
/// data settings and the folder relative paths start from, the training seed, trained
/// weights, and only whether the live training settings (learning rate, batching) are valid.
pub fn compile_key(document: &GraphDocument, base_dir: Option<&Path>) -> String {
    serde_json::to_string(&(
        &document.nodes,
        &document.edges,
        &document.dataset,
        base_dir,
        document.training.seed,
        // Early stopping carves the validation rows out of the training split.
        &document.training.early_stopping,
        &document.weights,
        live_settings_valid(&document.training),
        batch_norm_on_single_examples(document),
    ))
    .unwrap_or_default()
}

/// Whether a batch-norm node would train on batches of one example, which compile refuses.
fn batch_norm_on_single_examples(document: &GraphDocument) -> bool {
    let single = matches!(
        document.training.batching,
        layerwright_nn::Batching::PerExample | layerwright_nn::Batching::MiniBatch { size: 1 }
    );
    single
        && document
            .nodes
            .iter()
            .any(|n| matches!(n, layerwright_nn::graph::Node::BatchNorm(_)))
}

/// Whether the settings that change live (not by recompiling) are ones compile accepts.
fn live_settings_valid(training: &TrainingSpec) -> bool {
    training.learning_rate.is_finite()
        && training.learning_rate > 0.0
        && training.batching != layerwright_nn::Batching::MiniBatch { size: 0 }
        && training.schedule.problem().is_none()
}

/// The data set's part of the key: data reloads only when what loading reads changes (the
/// source, target, task, image shape and a file's column choices), not the normalisation,
/// so a drag of the train fraction does not generate points again. A CSV's categories and
/// fill values come from its training split, so there the split counts too.
fn dataset_key(document: &GraphDocument, base_dir: Option<&Path>) -> String {
    let spec = &document.dataset;
    let split = matches!(spec.source, layerwright_nn::graph::DataSource::Csv { .. })
        .then_some((spec.train_fraction, spec.seed));
    serde_json::to_string(&(
        (&spec.source, &spec.target, spec.task, &spec.image),
        (&spec.columns, spec.missing, spec.unseen, split),
        base_dir,
    ))
    .unwrap_or_default()
}

/// Loads the data (unless `cached` is it) and compiles `document`: the work of one job.
fn compile_job(
    key: String,
    document: &GraphDocument,
    base_dir: Option<&Path>,
    cached: Option<LoadedData>,
    cancel: &Cancel,
) -> Compiled {
    let (dataset, summary) = cached.unwrap_or_else(|| {
        // Progress in thousandths, for the bar beside "checking…".
        let progress = |fraction: f64| cancel.report((fraction * 1000.0) as usize, 1000);
        let dataset = load_dataset_reporting(&document.dataset, base_dir, &progress)
            .map(Arc::new)
            .map_err(|e| e.to_string());
        let summary = dataset.as_ref().ok().map(|d| Arc::new(d.summary()));
        (dataset, summary)
    });
    let compiled = dataset
        .as_ref()
        .map_err(|_| Vec::new())
        .and_then(|dataset| compile(document, dataset));
    let diagnostics = diagnose(document, &dataset, compiled.as_ref().map_err(Vec::as_slice));
    let graph = match (&dataset, compiled) {
        (Err(message), _) => Err(message.clone()),
        (Ok(_), Ok(compiled)) => Ok(Arc::new(compiled)),
        (Ok(_), Err(errors)) => Err(format!(
            "Fix the graph to train: {}",
            errors.first().map_or_else(String::new, ToString::to_string)
        )),
    };
    Compiled {
        generation: 0,
        key,
        dataset,
        summary,
        graph,
        diagnostics,
    }
}

/// A loaded data set (or why it did not load) with its summary.
type LoadedData = (Result<Arc<Dataset>, String>, Option<Arc<DataSummary>>);

/// The latest compile result, and the one under way.
#[derive(Default)]
pub struct CompileCache {
    /// The key of the latest request.
    wanted: Option<String>,
    current: Option<Arc<Compiled>>,
    /// The job under way, with its data set's key.
    job: Option<(String, Job<Compiled>)>,
    /// The last data set loaded, by its key.
    dataset: Option<(String, LoadedData)>,
    compiles: u64,
    cancelled: bool,
}

impl CompileCache {
    /// Asks for `document` compiled: a new job when what compiling depends on changed since
    /// the last request, nothing otherwise. `wake` asks the window for a frame when done.
    pub fn request(
        &mut self,
        document: &GraphDocument,
        base_dir: Option<&Path>,
        wake: impl Fn() + Send + 'static,
    ) {
        let key = compile_key(document, base_dir);
        if self.wanted.as_ref() == Some(&key) {
            return;
        }
        self.wanted = Some(key.clone());
        self.compiles += 1;
        self.cancelled = false;
        let data_key = dataset_key(document, base_dir);
        let cached = self
            .dataset
            .as_ref()
            .filter(|(k, _)| *k == data_key)
            .map(|(_, loaded)| loaded.clone());
        let document = document.clone();
        let base_dir: Option<PathBuf> = base_dir.map(Path::to_path_buf);
        // A newer request replaces the one under way (dropping a job cancels it).
        let job = Job::spawn("compiler", wake, move |cancel| {
            compile_job(key, &document, base_dir.as_deref(), cached, cancel)
        });
        self.job = Some((data_key, job));
    }

    /// Takes the result of the job under way, if it arrived; true when there is a new one.
    pub fn poll(&mut self) -> bool {
        let Some((data_key, job)) = &self.job else {
            return false;
        };
        match job.poll() {
            Polled::Running => false,
            Polled::Finished(mut compiled) => {
                self.dataset = Some((
                    data_key.clone(),
                    (compiled.dataset.clone(), compiled.summary.clone()),
                ));
                self.job = None;
                compiled.generation = self.compiles;
                self.current = Some(Arc::new(compiled));
                true
            }
            Polled::Failed => {
                self.job = None;
                self.unchecked(
                    "The graph could not be checked: the compiler stopped unexpectedly.",
                );
                true
            }
        }
    }

    /// The latest result (of the latest request once it arrives).
    pub fn current(&self) -> Option<&Arc<Compiled>> {
        self.current.as_ref()
    }

    /// Stops waiting for the compile under way (a huge data file, say): the graph counts as
    /// unchecked, with a message saying so, until it changes or [`CompileCache::retry`].
    pub fn cancel(&mut self) {
        if self.job.take().is_none() {
            return;
        }
        self.unchecked("Checking was cancelled: change the graph, or choose Check again.");
        self.cancelled = true;
    }

    /// Makes the latest result "not checked", saying why everywhere a result is read.
    fn unchecked(&mut self, message: &str) {
        self.current = Some(Arc::new(Compiled {
            generation: self.compiles,
            key: self.wanted.clone().unwrap_or_default(),
            dataset: Err(message.to_owned()),
            summary: None,
            graph: Err(message.to_owned()),
            diagnostics: Diagnostics {
                general_errors: vec![message.to_owned()],
                ..Diagnostics::default()
            },
        }));
    }

    /// Whether the last compile was cancelled.
    pub fn was_cancelled(&self) -> bool {
        self.cancelled
    }

    /// Forgets the last request, so the next [`CompileCache::request`] compiles again.
    pub fn retry(&mut self) {
        self.wanted = None;
    }

    /// Whether a compile is under way.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// How far loading the data of the compile under way got, 0 to 1, when it says.
    pub fn progress(&self) -> Option<f32> {
        let (_, job) = self.job.as_ref()?;
        let (done, total) = job.progress();
        (total > 0).then(|| done as f32 / total as f32)
    }

    /// How many compiles were started: tests check that edits compile once and
    /// learning-rate changes not at all.
    pub fn compile_count(&self) -> u64 {
        self.compiles
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use web_time::{Duration, Instant};

    use super::*;

    fn xor() -> GraphDocument {
        let text = crate::examples::example("xor.json").unwrap().text;
        layerwright_nn::graph::io::parse_document(text, "xor.json").unwrap()
    }

    fn finish(cache: &mut CompileCache) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !cache.poll() {
            assert!(Instant::now() < deadline, "the compile did not finish");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn the_same_structure_compiles_once_and_live_settings_never() {
        let mut document = xor();
        let mut cache = CompileCache::default();
        cache.request(&document, None, || {});
        finish(&mut cache);
        assert!(cache.current().unwrap().graph.is_ok());
        document.training.learning_rate *= 3.0;
        document.training.batching = layerwright_nn::Batching::FullBatch;
        cache.request(&document, None, || {});
        assert!(!cache.is_busy(), "live settings do not recompile");
        assert_eq!(cache.compile_count(), 1);
        // An invalid learning rate is a change compile must see (to report it).
        document.training.learning_rate = -1.0;
        cache.request(&document, None, || {});
        finish(&mut cache);
        assert_eq!(cache.compile_count(), 2);
        assert!(cache.current().unwrap().diagnostics.general_errors[0].contains("learning rate"));
    }

    #[test]
    fn a_new_split_compiles_again_on_the_data_already_loaded_and_a_new_seed_reloads() {
        let mut document = xor();
        let mut cache = CompileCache::default();
        cache.request(&document, None, || {});
        finish(&mut cache);
        let first = cache.current().unwrap().dataset.clone().unwrap();
        document.dataset.train_fraction = 0.5;
        document.dataset.normalization = layerwright_nn::data::Normalization::ZScore;
        cache.request(&document, None, || {});
        finish(&mut cache);
        assert_eq!(cache.compile_count(), 2);
        let second = cache.current().unwrap().dataset.clone().unwrap();
        assert!(Arc::ptr_eq(&first, &second), "the same loaded data");
        if let layerwright_nn::graph::DataSource::Generated { seed, .. } =
            &mut document.dataset.source
        {
            *seed += 1;
        }
        cache.request(&document, None, || {});
        finish(&mut cache);
        let third = cache.current().unwrap().dataset.clone().unwrap();
        assert!(
            !Arc::ptr_eq(&second, &third),
            "a new seed loads the data again"
        );
    }

    #[test]
    fn a_cancelled_compile_leaves_the_graph_unchecked_until_asked_again() {
        let document = xor();
        let mut cache = CompileCache::default();
        cache.request(&document, None, || {});
        cache.cancel();
        assert!(!cache.is_busy());
        assert!(cache.was_cancelled());
        let current = cache.current().unwrap();
        assert!(
            current
                .graph
                .as_ref()
                .unwrap_err()
                .starts_with("Checking was cancelled")
        );
        // The same document is not compiled again by itself...
        cache.request(&document, None, || {});
        assert!(!cache.is_busy());
        // ...but is when asked.
        cache.retry();
        cache.request(&document, None, || {});
        finish(&mut cache);
        assert!(!cache.was_cancelled());
        assert!(cache.current().unwrap().graph.is_ok());
    }
}
