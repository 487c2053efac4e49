//! The run the trainer thread is on, as the UI sees it, with no egui: the handle and its
//! run id, the live settings sent, the curves (every epoch's metrics), and what the latest
//! snapshot said. The panel draws it; tests drive it directly.

use std::sync::{Arc, OnceLock};

use layerwright_nn::compile::CompiledGraph;
use layerwright_nn::data::{Dataset, Task};
use layerwright_nn::graph::GraphDocument;
use layerwright_nn::network::architecture::Architecture;
use layerwright_nn::{ParameterSet, TrainingConfig};

use crate::network::compiled::Compiled;
use crate::network::snapshot::{BoundarySlice, EpochPoint};
use crate::network::training::worker::{
    DEFAULT_SPEED, FromTrainer, Progress, ToTrainer, TrainerHandle,
};

/// Epochs of history kept before every other one is dropped.
pub const HISTORY_LIMIT: usize = 20_000;

/// Asks the window for a frame (the trainer calls it when it has news).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// What a [`TrainingRun::sync`] changed about the run.
pub enum Synced {
    /// The same run goes on (live settings may have been sent).
    Unchanged,
    /// A new run was loaded from a new compile result.
    Started(Loaded),
    /// The graph has problems: there is no run, and nothing of the last one to show.
    Stopped,
}

/// A new run was loaded from a compile result: what the views need to start again.
pub struct Loaded {
    /// The compiled graph the run trains.
    pub graph: Arc<CompiledGraph>,
    /// Its raw data set.
    pub dataset: Option<Arc<Dataset>>,
}

/// The trainer's run: commands out, snapshots in.
pub struct TrainingRun {
    trainer: Option<TrainerHandle>,
    /// What the trainer calls when it has news; shared with the trainer thread, so a wake
    /// set after the thread started still reaches it.
    wake: Arc<OnceLock<Wake>>,
    run_id: u64,
    /// The compile generation of the loaded run.
    loaded: Option<u64>,
    loaded_config: Option<TrainingConfig>,
    /// The editor version whose live settings were last compared.
    seen: Option<(u64, u64)>,
    reloading_after_failure: bool,
    acknowledged: u64,
    budget: usize,
    /// Epochs per second, `None` for as fast as possible.
    speed: Option<f64>,
    next_seed: u64,
    message: Option<String>,
    state: RunState,
}

/// What the latest snapshots said about the run.
#[derive(Clone, Debug, Default)]
struct RunState {
    architecture: Option<Architecture>,
    task: Option<Task>,
    history: Vec<EpochPoint>,
    epochs: usize,
    playing: bool,
    examples_per_second: f64,
    parameters: Option<ParameterSet<f64>>,
    /// With early stopping: the best epoch so far.
    best_epoch: Option<usize>,
}

impl Default for TrainingRun {
    fn default() -> Self {
        Self {
            trainer: None,
            wake: Arc::new(OnceLock::new()),
            run_id: 0,
            loaded: None,
            loaded_config: None,
            seen: None,
            reloading_after_failure: false,
            acknowledged: 0,
            budget: 0,
            speed: Some(DEFAULT_SPEED),
            next_seed: 1000,
            message: None,
            state: RunState::default(),
        }
    }
}

impl TrainingRun {
    /// Sets what the trainer calls when it has news (once; later calls are ignored). It may
    /// come after the first command: the trainer looks it up each time it has news.
    pub fn set_wake(&mut self, wake: impl FnOnce() -> Wake) {
        if self.wake.get().is_none() {
            let _ = self.wake.set(wake());
        }
    }

    fn send(&mut self, command: ToTrainer) {
        if self.trainer.is_none() {
            let wake = Arc::clone(&self.wake);
            let spawned = TrainerHandle::spawn(move || {
                if let Some(wake) = wake.get() {
                    wake();
                }
            });
            match spawned {
                Ok(handle) => self.trainer = Some(handle),
                Err(error) => {
                    self.message = Some(format!("Could not start the trainer thread: {error}"));
                    return;
                }
            }
        }
        let alive = self.trainer.as_mut().is_some_and(|t| t.send(command));
        if !alive {
            self.trainer = None;
            self.message = Some("The trainer stopped; press Train to start again.".to_owned());
            self.loaded = None;
        }
    }

    /// Keeps the run in step with the document: a new compile result starts a new run
    /// (returned, so the views can start again) from `initial` weights chosen by
    /// `carry_over`; new live settings (learning rate, batching, regularization, the epoch
    /// budget) go to the trainer without one. `version` is the editor's (id, revision).
    pub fn sync(
        &mut self,
        version: (u64, u64),
        document: &GraphDocument,
        compiled: Option<&Arc<Compiled>>,
    ) -> Synced {
        let mut synced = Synced::Unchanged;
        // Another document (New, Open): nothing of this run is shown while it compiles.
        if self.seen.is_some_and(|(editor, _)| editor != version.0) && self.state.task.is_some() {
            if self.state.playing {
                self.send(ToTrainer::Pause);
            }
            // Snapshots still on their way belong to the old run: a new id drops them.
            self.run_id += 1;
            self.state = RunState::default();
            self.loaded_config = None;
            self.message = None;
            synced = Synced::Stopped;
        }
        if let Some(compiled) = compiled
            && self.loaded != Some(compiled.generation)
        {
            self.loaded = Some(compiled.generation);
            synced = match self.load(compiled) {
                Some(loaded) => Synced::Started(loaded),
                None => Synced::Stopped,
            };
            // The compile may be older than the live settings: compare them below.
            self.seen = None;
        }
        if self.seen != Some(version) {
            self.seen = Some(version);
            self.budget = document.training.epochs;
            if let Some(config) = self.loaded_config {
                let wanted = TrainingConfig {
                    optimizer: document.training.optimizer,
                    learning_rate: document.training.learning_rate,
                    batching: document.training.batching,
                    shuffle: document.training.shuffle,
                    regularization: document.training.regularization,
                    seed: config.seed,
                    schedule: document.training.schedule,
                };
                if wanted != config {
                    let new_kind = std::mem::discriminant(&wanted.optimizer)
                        != std::mem::discriminant(&config.optimizer);
                    self.loaded_config = Some(wanted);
                    self.send(ToTrainer::SetConfig(wanted));
                    // Another update rule is another experiment: from the initial weights.
                    if new_kind {
                        self.reset(false);
                    }
                }
            }
        }
        synced
    }

    /// Starts a run on a compile result, or stops training when the graph has problems.
    fn load(&mut self, compiled: &Compiled) -> Option<Loaded> {
        match &compiled.graph {
            Ok(graph) => {
                let initial = self.carry_over(graph);
                // The last run's curves and numbers go; the trainer reports epoch 0 next.
                self.state = RunState {
                    playing: self.state.playing,
                    ..RunState::default()
                };
                self.state.task = Some(graph.data.description.task);
                self.state.architecture = Some(graph.architecture.clone());
                self.loaded_config = Some(graph.config);
                self.run_id += 1;
                // After a failure the message stays until the person acts.
                if !std::mem::take(&mut self.reloading_after_failure) {
                    self.message = None;
                }
                let resume = self.state.playing;
                self.send(ToTrainer::Load {
                    run_id: self.run_id,
                    compiled: Box::new(CompiledGraph::clone(graph)),
                    initial,
                });
                if resume {
                    self.send(ToTrainer::Play { until: None });
                }
                Some(Loaded {
                    graph: Arc::clone(graph),
                    dataset: compiled.dataset.as_ref().ok().cloned(),
                })
            }
            Err(message) => {
                if self.state.playing {
                    self.send(ToTrainer::Pause);
                }
                // Nothing of the last graph's run is shown for this one.
                self.state = RunState::default();
                self.loaded_config = None;
                self.message = Some(message.clone());
                None
            }
        }
    }

    /// Fresh weights for a recompiled graph, keeping each parameter whose layer and shape
    /// match; all fresh when the seed changed (new initial weights were asked for).
    fn carry_over(&self, compiled: &CompiledGraph) -> ParameterSet<f64> {
        let same_seed = self
            .loaded_config
            .is_none_or(|config| config.seed == compiled.config.seed);
        match (&self.state.architecture, &self.state.parameters) {
            (Some(old), Some(parameters)) if same_seed => compiled.initial_keeping(old, parameters),
            _ => compiled.initial.clone(),
        }
    }

    /// The settings the trainer runs with now.
    pub fn config(&self) -> Option<TrainingConfig> {
        self.loaded_config
    }

    /// Takes the trainer's news: the run's own state is updated here, and each snapshot of
    /// the current run is returned for the views (messages of earlier runs are dropped).
    pub fn poll(&mut self) -> Vec<Progress> {
        let Some(trainer) = self.trainer.as_mut() else {
            return Vec::new();
        };
        let mut snapshots = Vec::new();
        for message in trainer.drain() {
            match message {
                FromTrainer::Progress(progress) if progress.run_id == self.run_id => {
                    self.absorb(&progress);
                    snapshots.push(*progress);
                }
                FromTrainer::Stopped {
                    run_id,
                    message,
                    lost,
                } if run_id == self.run_id || run_id == 0 => {
                    self.state.playing = false;
                    self.message = Some(message);
                    if lost {
                        // The next sync loads the graph again, from fresh weights.
                        self.reloading_after_failure = true;
                        self.loaded = None;
                        self.state.parameters = None;
                        self.state.architecture = None;
                    }
                }
                // A message from an earlier run.
                _ => {}
            }
        }
        snapshots
    }

    fn absorb(&mut self, progress: &Progress) {
        let state = &mut self.state;
        if progress.reset {
            state.history.clear();
        }
        state.history.extend_from_slice(&progress.points);
        if state.history.len() > HISTORY_LIMIT {
            // Runs at full speed reach millions of epochs: keep every other point (and the
            // latest), so memory and the curves' upkeep stay bounded.
            let last = state.history.last().copied();
            let mut index = 0;
            state.history.retain(|_| {
                index += 1;
                index % 2 == 1
            });
            if let Some(last) = last
                && state.history.last() != Some(&last)
            {
                state.history.push(last);
            }
        }
        state.epochs = progress.epochs;
        self.acknowledged = progress.acknowledged;
        // A snapshot sent before the trainer saw the latest Train or Pause must not undo it.
        let settled = self
            .trainer
            .as_ref()
            .is_none_or(|t| progress.acknowledged >= t.sent());
        if settled {
            state.playing = progress.playing;
        }
        state.examples_per_second = progress.examples_per_second;
        state.best_epoch = progress.best_epoch;
        if progress.parameters.is_some() {
            state.parameters.clone_from(&progress.parameters);
        }
    }

    /// Whether the trainer has carried out every command sent to it.
    pub fn is_settled(&self) -> bool {
        self.acknowledged >= self.trainer.as_ref().map_or(0, TrainerHandle::sent)
    }

    /// Train ⇄ Pause (nothing while the graph has problems).
    pub fn toggle(&mut self) {
        if self.state.architecture.is_none() {
            return;
        }
        if self.state.playing {
            self.state.playing = false;
            self.send(ToTrainer::Pause);
        } else {
            self.state.playing = true;
            self.message = None;
            // Up to the epoch budget; past it, until paused.
            let until = (self.budget > self.state.epochs).then_some(self.budget);
            self.send(ToTrainer::Play { until });
        }
    }

    /// Makes the trainer panic (tests use this to check that failures are caught).
    #[cfg(feature = "test-hooks")]
    pub fn panic_for_test(&mut self) {
        self.send(ToTrainer::PanicForTest);
    }

    /// One epoch, then pause.
    pub fn step_epoch(&mut self) {
        self.state.playing = false;
        self.send(ToTrainer::StepEpoch);
    }

    /// One update, then pause.
    pub fn step_batch(&mut self) {
        self.state.playing = false;
        self.send(ToTrainer::StepBatch);
    }

    /// Back to the exact initial weights, or fresh ones from a new seed.
    pub fn reset(&mut self, new_seed: bool) {
        self.state.playing = false;
        self.message = None;
        let reseed = new_seed.then(|| {
            self.next_seed += 1;
            self.next_seed
        });
        self.send(ToTrainer::Reset { reseed });
    }

    /// Shows the decision boundary over `slice` (re-evaluated at once, even while paused).
    pub fn set_slice(&mut self, slice: BoundarySlice) {
        self.send(ToTrainer::SetSlice(slice));
    }

    /// Has the trainer answer for raw row `row` with every snapshot ("Try it").
    pub fn set_probe(&mut self, row: Vec<f64>) {
        self.send(ToTrainer::SetProbe(row));
    }

    /// At most `epochs_per_second`, or as fast as possible with `None`.
    pub fn set_speed(&mut self, epochs_per_second: Option<f64>) {
        if self.speed != epochs_per_second {
            self.speed = epochs_per_second;
            self.send(ToTrainer::SetSpeed(epochs_per_second));
        }
    }

    /// The speed asked for: epochs per second, `None` for as fast as possible.
    pub fn speed(&self) -> Option<f64> {
        self.speed
    }

    /// With early stopping: the best epoch so far by the watched loss.
    pub fn best_epoch(&self) -> Option<usize> {
        self.state.best_epoch
    }

    /// The latest weights the trainer reported (small networks).
    pub fn parameters(&self) -> Option<&ParameterSet<f64>> {
        self.state.parameters.as_ref()
    }

    /// The running network's structure, while the graph compiles.
    pub fn architecture(&self) -> Option<&Architecture> {
        self.state.architecture.as_ref()
    }

    /// Classification or regression, once a run is loaded.
    pub fn task(&self) -> Option<Task> {
        self.state.task
    }

    /// Every epoch's metrics of the current run (thinned past [`HISTORY_LIMIT`]).
    pub fn history(&self) -> &[EpochPoint] {
        &self.state.history
    }

    /// The latest training loss, if any.
    pub fn train_loss(&self) -> Option<f64> {
        self.state.history.last().map(|p| p.train_loss)
    }

    /// Epochs completed.
    pub fn epochs(&self) -> usize {
        self.state.epochs
    }

    /// Whether the trainer is training.
    pub fn is_playing(&self) -> bool {
        self.state.playing
    }

    /// Examples per second over the last stretch of training.
    pub fn examples_per_second(&self) -> f64 {
        self.state.examples_per_second
    }

    /// The document's epoch budget.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Why training stopped or cannot start, if it did.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use web_time::{Duration, Instant};

    use super::*;
    use crate::network::compiled::CompileCache;

    fn compiled(example: &str) -> (GraphDocument, Arc<Compiled>) {
        let text = crate::examples::example(example).unwrap().text;
        let document = layerwright_nn::graph::io::parse_document(text, example).unwrap();
        let mut cache = CompileCache::default();
        cache.request(&document, None, || {});
        let deadline = Instant::now() + Duration::from_secs(20);
        while !cache.poll() {
            assert!(Instant::now() < deadline, "the compile did not finish");
            std::thread::sleep(Duration::from_millis(2));
        }
        (document, Arc::clone(cache.current().unwrap()))
    }

    fn poll_until(run: &mut TrainingRun, what: &str, done: impl Fn(&TrainingRun) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            run.poll();
            if done(run) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_run_loads_once_per_compile_trains_to_its_budget_and_resets_exactly() {
        let (mut document, compiled) = compiled("xor.json");
        document.training.epochs = 30;
        let mut run = TrainingRun::default();
        assert!(matches!(
            run.sync((1, 0), &document, Some(&compiled)),
            Synced::Started(_)
        ));
        // The same compile result again: no new run.
        assert!(matches!(
            run.sync((1, 1), &document, Some(&compiled)),
            Synced::Unchanged
        ));
        run.step_epoch();
        poll_until(&mut run, "the first epoch", |r| {
            r.epochs() == 1 && r.is_settled()
        });
        // The run reports epoch 0 (the initial weights) and then every epoch.
        assert_eq!(run.history().len(), 2);
        let first_loss = run.history()[1].train_loss;
        run.toggle();
        assert!(run.is_playing());
        poll_until(&mut run, "the budget", |r| {
            !r.is_playing() && r.is_settled()
        });
        assert_eq!(run.epochs(), 30, "training stops at the epoch budget");
        assert_eq!(run.history().len(), 31, "epoch 0, then one point per epoch");
        assert!(run.history().iter().enumerate().all(|(i, p)| p.epoch == i));
        run.reset(false);
        run.step_epoch();
        poll_until(&mut run, "the epoch after the reset", |r| {
            r.epochs() == 1 && r.is_settled()
        });
        assert_eq!(run.history().len(), 2, "a reset starts the curves again");
        assert_eq!(
            run.history()[1].train_loss.to_bits(),
            first_loss.to_bits(),
            "the same first epoch from the same initial weights"
        );
    }

    #[test]
    fn a_learning_rate_change_reaches_the_trainer_without_a_new_run() {
        let (mut document, compiled) = compiled("xor.json");
        let mut run = TrainingRun::default();
        assert!(matches!(
            run.sync((1, 0), &document, Some(&compiled)),
            Synced::Started(_)
        ));
        document.training.learning_rate *= 2.0;
        assert!(matches!(
            run.sync((1, 1), &document, Some(&compiled)),
            Synced::Unchanged
        ));
        assert_eq!(
            run.loaded_config.map(|c| c.learning_rate),
            Some(document.training.learning_rate)
        );
    }

    #[test]
    fn a_graph_with_problems_stops_training_with_its_message() {
        let (mut document, _) = compiled("xor.json");
        document.edges.clear();
        let mut cache = CompileCache::default();
        cache.request(&document, None, || {});
        while !cache.poll() {
            std::thread::sleep(Duration::from_millis(2));
        }
        let broken = Arc::clone(cache.current().unwrap());
        let mut run = TrainingRun::default();
        assert!(matches!(
            run.sync((1, 0), &document, Some(&broken)),
            Synced::Stopped
        ));
        assert!(run.architecture().is_none());
        assert!(
            run.message()
                .unwrap()
                .starts_with("Fix the graph to train:"),
            "{:?}",
            run.message()
        );
        run.toggle();
        assert!(
            !run.is_playing(),
            "Train does nothing while the graph is broken"
        );
    }

    #[test]
    fn a_wake_set_after_the_trainer_started_still_asks_for_frames() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let (document, compiled) = compiled("xor.json");
        let mut run = TrainingRun::default();
        // A command before anything said how to wake the window starts the trainer.
        run.set_speed(None);
        let woken = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&woken);
        run.set_wake(move || {
            Arc::new(move || {
                counter.fetch_add(1, Ordering::Relaxed);
            })
        });
        assert!(matches!(
            run.sync((1, 0), &document, Some(&compiled)),
            Synced::Started(_)
        ));
        run.step_epoch();
        poll_until(&mut run, "the epoch", |r| r.epochs() == 1 && r.is_settled());
        assert!(
            woken.load(Ordering::Relaxed) > 0,
            "the trainer woke the window"
        );
    }

    #[test]
    fn a_new_seed_starts_from_its_own_weights_instead_of_the_trained_ones() {
        let (mut document, _) = compiled("xor.json");
        // One cache for both compiles, as the window has: generations count up.
        let mut cache = CompileCache::default();
        cache.request(&document, None, || {});
        while !cache.poll() {
            std::thread::sleep(Duration::from_millis(2));
        }
        let compiled = Arc::clone(cache.current().unwrap());
        let mut run = TrainingRun::default();
        assert!(matches!(
            run.sync((1, 0), &document, Some(&compiled)),
            Synced::Started(_)
        ));
        run.step_epoch();
        poll_until(&mut run, "a trained epoch", |r| {
            r.epochs() == 1 && r.is_settled() && r.parameters().is_some()
        });
        document.training.seed += 1;
        cache.request(&document, None, || {});
        while !cache.poll() {
            std::thread::sleep(Duration::from_millis(2));
        }
        let reseeded = Arc::clone(cache.current().unwrap());
        assert!(matches!(
            run.sync((1, 1), &document, Some(&reseeded)),
            Synced::Started(_)
        ));
        poll_until(&mut run, "the new run's first snapshot", |r| {
            r.epochs() == 0 && r.is_settled() && r.parameters().is_some()
        });
        // The new seed's initial weights (as the f32 trainer holds them), not the trained ones.
        let fresh = &reseeded.graph.as_ref().unwrap().initial;
        let held = run.parameters().unwrap();
        for (held, fresh) in held.tensors.iter().zip(&fresh.tensors) {
            assert!(
                held.iter().zip(fresh).all(|(h, f)| (h - f).abs() < 1e-6),
                "{held} is not {fresh}"
            );
        }
    }
}
