//! The trainer thread: it owns the training session, trains when asked, and sends
//! snapshots (new epochs' metrics, the latest weights, the decision-boundary grid) to the UI
//! over bounded channels. Every message carries the run id it belongs to; the UI drops
//! messages of earlier runs. The UI thread never trains.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{
    Receiver, RecvTimeoutError, SyncSender, TryRecvError, TrySendError, sync_channel,
};
use std::thread::JoinHandle;
use web_time::{Duration, Instant};

use layerwright_nn::compile::CompiledGraph;
use layerwright_nn::teach::loss_surface::{LossSurface, weight_and_bias};
use layerwright_nn::train::early_stopping::EarlyStopper;
use layerwright_nn::{ParameterSet, Precision, Session, TrainingConfig};

use super::trainer_run::{Asked, Run, curve_range};
pub use super::trainer_run::{NODE_MAP_WIDTH_LIMIT, SURFACE_RESOLUTION};
pub use crate::network::snapshot::{
    BoundarySlice, CurveValues, EpochPoint, GridSpec, GridValues, ProbeValues, Views,
};

/// What the UI asks the trainer.
pub enum ToTrainer {
    /// Start a new run (paused) on a compiled graph from these weights.
    Load {
        /// The run's id.
        run_id: u64,
        /// The graph and its data.
        compiled: Box<CompiledGraph>,
        /// Where training starts.
        initial: ParameterSet<f64>,
    },
    /// New learning rate, batching or regularization, taking effect at the next update.
    SetConfig(TrainingConfig),
    /// Train until paused, or until `until` epochs are done.
    Play {
        /// The epoch to stop at, if any (the document's epoch budget).
        until: Option<usize>,
    },
    /// At most this many epochs per second, so a person can watch (`None`: as fast as possible).
    SetSpeed(Option<f64>),
    /// Stop training.
    Pause,
    /// Train one epoch.
    StepEpoch,
    /// Make one update.
    StepBatch,
    /// Back to the run's exact initial weights, or to fresh weights drawn from a new seed.
    Reset {
        /// The new seed, if any.
        reseed: Option<u64>,
    },
    /// Show the decision boundary over this slice of the input space (re-evaluated at once,
    /// even while paused).
    SetSlice(BoundarySlice),
    /// Answer for this raw row with every snapshot from now on (`[raw columns]`).
    SetProbe(Vec<f64>),
    /// End the thread.
    Shutdown,
    /// Panic inside the trainer, to prove that a failure there is caught and reported
    /// (only with the `test-hooks` feature, which the integration tests turn on).
    #[cfg(feature = "test-hooks")]
    PanicForTest,
}

/// What the trainer tells the UI.
#[derive(Clone, Debug)]
pub enum FromTrainer {
    /// News of a run.
    Progress(Box<Progress>),
    /// The run stopped: the loss or weights diverged, or the trainer failed. Training is paused.
    Stopped {
        /// The run.
        run_id: u64,
        /// What happened, for the person.
        message: String,
        /// Whether the trainer dropped the run (after a failure): it must be loaded again.
        lost: bool,
    },
}

/// A snapshot of a run.
#[derive(Clone, Debug)]
pub struct Progress {
    /// The run.
    pub run_id: u64,
    /// Epochs completed.
    pub epochs: usize,
    /// Whether it is training now.
    pub playing: bool,
    /// Epochs finished since the last snapshot (empty after a batch step mid-epoch).
    pub points: Vec<EpochPoint>,
    /// Set when the history restarts (a reset).
    pub reset: bool,
    /// Examples per second over the last stretch of training.
    pub examples_per_second: f64,
    /// How many commands the trainer had carried out when it sent this: the UI trusts
    /// `playing` only from snapshots that have seen its latest command.
    pub acknowledged: u64,
    /// The current weights (small networks only).
    pub parameters: Option<ParameterSet<f64>>,
    /// The decision boundary over the chosen slice, with the unit maps, when it was due.
    pub grid: Option<GridValues>,
    /// The answer for the person's row, when it or the weights changed and it was due.
    pub probe: Option<ProbeValues>,
    /// Fitted curve, confusion matrices and the split views, when the weights changed
    /// since they were last sent and they were due.
    pub views: Option<Box<Views>>,
    /// Networks of one weight and one bias: `(w, b)` after each update or epoch since the
    /// last snapshot, the path gradient descent takes over the loss surface.
    pub path: Vec<[f64; 2]>,
    /// Such networks' loss surface, sent when the run (re)starts.
    pub surface: Option<Arc<LossSurface>>,
    /// With early stopping: the best epoch so far (by the watched loss).
    pub best_epoch: Option<usize>,
}

/// Networks with more parameters than this do not send their weights with every snapshot.
const SNAPSHOT_PARAMETER_LIMIT: usize = 100_000;
/// How long the trainer trains between snapshots.
const SLICE: Duration = Duration::from_millis(50);
/// How often the decision boundary is re-evaluated while training (at least 10 per second).
const GRID_INTERVAL: Duration = Duration::from_millis(90);
/// Epochs per second unless the person asks for more: fast enough to learn, slow enough to watch.
pub const DEFAULT_SPEED: f64 = 60.0;
/// Cells per side of the decision-boundary grid.
pub const GRID_RESOLUTION: usize = 80;

/// The UI's end of the trainer thread.
pub struct TrainerHandle {
    /// `None` only while dropping.
    to_trainer: Option<SyncSender<(u64, ToTrainer)>>,
    sent: u64,
    /// `None` only while dropping: the receiver goes first, so a trainer blocked on a full
    /// news channel wakes up with an error instead of waiting forever.
    from_trainer: Option<Receiver<FromTrainer>>,
    thread: Option<JoinHandle<()>>,
}

impl TrainerHandle {
    /// Starts the thread named `trainer`; `wake` is called whenever it has news.
    pub fn spawn(wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (to_trainer, commands) = sync_channel::<(u64, ToTrainer)>(64);
        let (news, from_trainer) = sync_channel::<FromTrainer>(16);
        let thread = std::thread::Builder::new()
            .name("trainer".to_owned())
            .spawn(move || trainer_loop(&commands, &news, &wake))?;
        Ok(Self {
            to_trainer: Some(to_trainer),
            sent: 0,
            from_trainer: Some(from_trainer),
            thread: Some(thread),
        })
    }

    /// Sends a command; false if the trainer has gone.
    pub fn send(&mut self, command: ToTrainer) -> bool {
        self.sent += 1;
        self.to_trainer
            .as_ref()
            .is_some_and(|sender| sender.send((self.sent, command)).is_ok())
    }

    /// How many commands have been sent.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Every message waiting, oldest first.
    pub fn drain(&self) -> Vec<FromTrainer> {
        self.from_trainer
            .as_ref()
            .map(|receiver| receiver.try_iter().collect())
            .unwrap_or_default()
    }
}

impl Drop for TrainerHandle {
    /// Stops the trainer and waits for it. Neither step can block: the news channel is
    /// closed first (a trainer waiting to send gets an error and returns), the shutdown is
    /// only offered (a full command channel is closed instead, which the trainer also
    /// notices), and then the thread is joined.
    fn drop(&mut self) {
        drop(self.from_trainer.take());
        if let Some(sender) = self.to_trainer.take() {
            let _ = sender.try_send((u64::MAX, ToTrainer::Shutdown));
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "an unknown error".to_owned())
}

/// The trainer's state between commands.
struct Control {
    playing: bool,
    until: Option<usize>,
    epochs_per_second: Option<f64>,
}

fn trainer_loop(
    commands: &Receiver<(u64, ToTrainer)>,
    news: &SyncSender<FromTrainer>,
    wake: &dyn Fn(),
) {
    let mut acknowledged = 0u64;
    let mut run: Option<Run> = None;
    let mut control = Control {
        playing: false,
        until: None,
        epochs_per_second: Some(DEFAULT_SPEED),
    };
    loop {
        // Paused, wait for a command; playing, only look.
        let first = if control.playing {
            match commands.try_recv() {
                Ok(command) => Some(command),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else {
            match commands.recv_timeout(Duration::from_millis(500)) {
                Ok(command) => Some(command),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        let mut batch: Vec<(u64, ToTrainer)> = first.into_iter().collect();
        batch.extend(commands.try_iter());
        let mut changed = false;
        for (sequence, command) in batch {
            if matches!(command, ToTrainer::Shutdown) {
                return;
            }
            acknowledged = sequence;
            changed = true;
            let outcome =
                catch_unwind(AssertUnwindSafe(|| handle(command, &mut run, &mut control)));
            match outcome {
                Ok(Ok(did)) => changed |= did,
                Ok(Err(message)) => {
                    control.playing = false;
                    stop(news, wake, run.as_ref(), message, false);
                }
                Err(panic) => {
                    control.playing = false;
                    let message = format!(
                        "The trainer failed ({}); your graph is safe. Reset to start again.",
                        panic_text(panic.as_ref())
                    );
                    stop(news, wake, run.as_ref(), message, true);
                    run = None;
                }
            }
        }
        if control.playing
            && let Some(current) = run.as_mut()
        {
            let outcome = catch_unwind(AssertUnwindSafe(|| train_slice(current, &mut control)));
            match outcome {
                Ok(Ok(())) => changed = true,
                Ok(Err(message)) => {
                    control.playing = false;
                    stop(news, wake, Some(current), message, false);
                    // The run goes on (paused): its last epochs and weights still go out.
                    changed = true;
                }
                Err(panic) => {
                    control.playing = false;
                    let message = format!(
                        "The trainer failed ({}); your graph is safe. Reset to start again.",
                        panic_text(panic.as_ref())
                    );
                    stop(news, wake, Some(current), message, true);
                    run = None;
                }
            }
        }
        if changed && let Some(current) = run.as_mut() {
            let due = current
                .asked
                .last_grid
                .is_none_or(|t| t.elapsed() >= GRID_INTERVAL)
                || !control.playing;
            // The views only when the weights changed; the grid also when the slice did.
            let views =
                (due && current.asked.views_stale).then(|| Box::new(current.evaluate_views()));
            let grid = if due && (views.is_some() || current.asked.grid_stale) {
                current.evaluate_grid()
            } else {
                None
            };
            let probe = if due && (views.is_some() || current.asked.probe_stale) {
                current.evaluate_probe()
            } else {
                None
            };
            let surface = if std::mem::take(&mut current.surface_due) {
                current.surface()
            } else {
                None
            };
            let parameters = (current.session.architecture().parameter_count()
                <= SNAPSHOT_PARAMETER_LIMIT)
                .then(|| current.session.parameters());
            let progress = Progress {
                run_id: current.run_id,
                epochs: current.session.epochs(),
                playing: control.playing,
                points: std::mem::take(&mut current.pending),
                reset: std::mem::take(&mut current.reset),
                examples_per_second: current.examples_per_second,
                acknowledged,
                parameters,
                grid,
                probe,
                views,
                path: std::mem::take(&mut current.pending_path),
                surface,
                best_epoch: current
                    .stopper
                    .as_ref()
                    .and_then(EarlyStopper::best)
                    .map(|(epoch, _)| epoch),
            };
            let message = FromTrainer::Progress(Box::new(progress));
            // While training, a full channel means the UI is behind: drop this snapshot
            // (its epochs are re-sent with the next one). Otherwise wait for room.
            match news.try_send(message) {
                Ok(()) => {}
                Err(TrySendError::Full(FromTrainer::Progress(progress))) if control.playing => {
                    current.pending.splice(0..0, progress.points);
                    current.pending_path.splice(0..0, progress.path);
                    current.reset |= progress.reset;
                    current.surface_due |= progress.surface.is_some();
                }
                Err(TrySendError::Full(message)) => {
                    if news.send(message).is_err() {
                        return;
                    }
                }
                Err(TrySendError::Disconnected(_)) => return,
            }
            wake();
        }
    }
}

fn stop(
    news: &SyncSender<FromTrainer>,
    wake: &dyn Fn(),
    run: Option<&Run>,
    message: String,
    lost: bool,
) {
    let run_id = run.map_or(0, |r| r.run_id);
    let _ = news.send(FromTrainer::Stopped {
        run_id,
        message,
        lost,
    });
    wake();
}

/// Carries out one command; returns whether there is news, or the message that stops training.
fn handle(
    command: ToTrainer,
    run: &mut Option<Run>,
    control: &mut Control,
) -> Result<bool, String> {
    let playing = &mut control.playing;
    match command {
        ToTrainer::Load {
            run_id,
            compiled,
            initial,
        } => {
            let mut session = Session::new(
                compiled.architecture.clone(),
                &initial,
                &compiled.data.train,
                compiled.config,
                Precision::F32,
            )
            .map_err(|e| e.to_string())?;
            // The dynamics view's gradient figures: one pass over the weight gradients a step.
            session.track_gradients(true);
            // Two raw columns: the whole plane; more wait for the panel's slice.
            let bounds = &compiled.data.raw_train_bounds;
            let slice = (bounds.ncols() == 2)
                .then(|| GridSpec::over(bounds, [0, 1], GRID_RESOLUTION))
                .flatten()
                .map(|spec| (spec, vec![0.0; 2]));
            let stopper = compiled
                .watched()
                .and(compiled.early_stopping)
                .map(EarlyStopper::new);
            let mut new_run = Run {
                run_id,
                stopper,
                asked: Asked {
                    slice,
                    views_stale: true,
                    grid_stale: true,
                    ..Asked::default()
                },
                weight_and_bias: weight_and_bias(&compiled.architecture),
                curve_range: curve_range(&compiled.data.raw_train_bounds),
                pending_path: Vec::new(),
                surface_due: true,
                compiled: *compiled,
                session,
                initial,
                pending: Vec::new(),
                reset: true,
                examples_per_second: 0.0,
            };
            let point = new_run.point()?;
            new_run.pending.push(point);
            new_run.weights_changed();
            *run = Some(new_run);
            *playing = false;
            Ok(true)
        }
        ToTrainer::SetConfig(config) => {
            if let Some(current) = run.as_mut() {
                current.session.set_config(config);
            }
            Ok(false)
        }
        ToTrainer::Play { until } => {
            *playing = run.is_some();
            control.until = until;
            Ok(true)
        }
        ToTrainer::SetSpeed(speed) => {
            control.epochs_per_second = speed;
            Ok(false)
        }
        ToTrainer::Pause => {
            *playing = false;
            Ok(true)
        }
        ToTrainer::StepEpoch => {
            let Some(current) = run.as_mut() else {
                return Ok(false);
            };
            *playing = false;
            current.session.run_epoch().map_err(|e| e.to_string())?;
            match current.epoch_done()? {
                Some(stopped_early) => Err(stopped_early),
                None => Ok(true),
            }
        }
        ToTrainer::StepBatch => {
            let Some(current) = run.as_mut() else {
                return Ok(false);
            };
            *playing = false;
            let report = current.session.step_batch().map_err(|e| e.to_string())?;
            if report.finished_epoch
                && let Some(stopped_early) = current.epoch_done()?
            {
                return Err(stopped_early);
            }
            current.weights_changed();
            Ok(true)
        }
        ToTrainer::Reset { reseed } => {
            let Some(current) = run.as_mut() else {
                return Ok(false);
            };
            *playing = false;
            if let Some(seed) = reseed {
                current.initial = current.compiled.architecture.initial_parameters(seed);
                let mut config = *current.session.config();
                config.seed = seed;
                current.session = Session::new(
                    current.compiled.architecture.clone(),
                    &current.initial,
                    &current.compiled.data.train,
                    config,
                    Precision::F32,
                )
                .map_err(|e| e.to_string())?;
            } else {
                current.session.reset();
            }
            current.pending.clear();
            current.pending_path.clear();
            current.reset = true;
            current.stopper = current
                .stopper
                .as_ref()
                .map(|s| EarlyStopper::new(*s.rule()));
            current.surface_due = true;
            let point = current.point()?;
            current.pending.push(point);
            current.weights_changed();
            Ok(true)
        }
        ToTrainer::SetSlice(BoundarySlice { axes, held }) => {
            let Some(current) = run.as_mut() else {
                return Ok(false);
            };
            let bounds = &current.compiled.data.raw_train_bounds;
            current.asked.slice = (held.len() == bounds.ncols())
                .then(|| GridSpec::over(bounds, axes, GRID_RESOLUTION))
                .flatten()
                .map(|spec| (spec, held));
            current.asked.grid_stale = true;
            Ok(true)
        }
        ToTrainer::SetProbe(row) => {
            let Some(current) = run.as_mut() else {
                return Ok(false);
            };
            current.asked.probe = Some(row);
            current.asked.probe_stale = true;
            Ok(true)
        }
        ToTrainer::Shutdown => Ok(false),
        #[cfg(feature = "test-hooks")]
        ToTrainer::PanicForTest => panic!("a deliberate failure"),
    }
}

/// Trains whole epochs for about [`SLICE`], recording each, at most at the chosen speed and
/// stopping at the epoch budget.
fn train_slice(run: &mut Run, control: &mut Control) -> Result<(), String> {
    let started = Instant::now();
    let examples = run.compiled.data.train.len();
    let mut trained = 0usize;
    let mut epochs_done = 0usize;
    while started.elapsed() < SLICE {
        if control
            .until
            .is_some_and(|until| run.session.epochs() >= until)
        {
            control.playing = false;
            break;
        }
        if let Some(speed) = control.epochs_per_second {
            // Keep to the speed: the epochs done so far must not run ahead of the clock.
            let allowed = (started.elapsed().as_secs_f64() * speed).floor() as usize + 1;
            if epochs_done >= allowed {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
        }
        run.session.run_epoch().map_err(|e| e.to_string())?;
        trained += examples;
        epochs_done += 1;
        if let Some(stopped_early) = run.epoch_done()? {
            control.playing = false;
            return Err(stopped_early);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if seconds > 0.0 && trained > 0 {
        run.examples_per_second = trained as f64 / seconds;
    }
    Ok(())
}
