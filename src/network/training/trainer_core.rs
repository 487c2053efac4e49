//! The trainer itself, apart from how it is driven: [`TrainerCore`] owns the training session,
//! carries out the UI's commands, trains for a given budget of time and builds snapshots
//! (new epochs' metrics, the latest weights, the decision-boundary grid). On the desktop a
//! thread named `trainer` calls [`TrainerCore::turn`] in a loop; in a browser, which has no
//! threads, the UI calls it once a frame with a few milliseconds' budget (issue 29). Both
//! sit behind [`super::worker::TrainerHandle`], so the panels do not know which they run on.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::TrySendError;
use web_time::{Duration, Instant};

use layerwright_nn::teach::loss_surface::weight_and_bias;
use layerwright_nn::train::early_stopping::EarlyStopper;
use layerwright_nn::{Precision, Session};

use super::trainer_run::{Asked, Run, curve_range};
use super::worker::{
    BoundarySlice, DEFAULT_SPEED, FromTrainer, GRID_RESOLUTION, GridSpec, Progress, ToTrainer,
};

/// Networks with more parameters than this do not send their weights with every snapshot.
const SNAPSHOT_PARAMETER_LIMIT: usize = 100_000;
/// How often the decision boundary is re-evaluated while training (at least 10 per second).
const GRID_INTERVAL: Duration = Duration::from_millis(90);
/// A gap between stretches of training longer than this is a pause, not a frame drawn: the
/// examples-per-second figure does not count it.
const PAUSE_GAP: Duration = Duration::from_millis(500);
/// How far the speed limit lets training fall behind before it stops catching up: after a
/// long epoch (or a slow frame between turns) at most this long's worth of epochs is owed.
const CATCH_UP_LIMIT: Duration = Duration::from_millis(250);

/// Where the trainer's news goes: the thread's bounded channel, or the browser's queue.
pub(super) trait Outbox {
    /// Sends news that must arrive (a stop, a paused snapshot), waiting for room if need
    /// be; false when nobody listens any more.
    fn send(&mut self, message: FromTrainer) -> bool;
    /// Offers a snapshot without waiting: `Full` gives it back when the UI is behind.
    fn offer(&mut self, message: FromTrainer) -> Result<(), TrySendError<FromTrainer>>;
}

/// Whether the trainer goes on after a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flow {
    /// Ready for the next turn.
    Continue,
    /// Shut down, or nobody listens any more.
    Ended,
}

/// The speed limit's clock: epochs trained since `since`, which must not run ahead of
/// `epochs_per_second` × the seconds since then.
#[derive(Clone, Copy, Debug)]
struct Pace {
    since: Instant,
    epochs: usize,
}

/// The trainer's state between commands.
struct Control {
    playing: bool,
    until: Option<usize>,
    epochs_per_second: Option<f64>,
    /// Kept across turns, so a limit of 10 epochs a second holds whatever the turns' length.
    pace: Option<Pace>,
    /// When the last stretch of training ended, for the examples-per-second figure.
    last_slice_end: Option<Instant>,
}

/// The trainer: the run it is on, what it has been told, and how fast it may go.
pub(super) struct TrainerCore {
    acknowledged: u64,
    run: Option<Run>,
    control: Control,
}

impl Default for TrainerCore {
    fn default() -> Self {
        Self {
            acknowledged: 0,
            run: None,
            control: Control {
                playing: false,
                until: None,
                epochs_per_second: Some(DEFAULT_SPEED),
                pace: None,
                last_slice_end: None,
            },
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

fn failure_message(panic: &(dyn std::any::Any + Send)) -> String {
    format!(
        "The trainer failed ({}); your graph is safe. Reset to start again.",
        panic_text(panic)
    )
}

impl TrainerCore {
    /// Whether it is training (then the next turn trains; paused, it waits for a command).
    pub(super) fn is_playing(&self) -> bool {
        self.control.playing
    }

    /// One turn: carries out `commands` (each with its sequence number) in order, trains
    /// whole epochs for about `budget` when playing, and sends a snapshot if anything
    /// changed. `may_wait`: whether it may sleep to keep to the speed limit (a thread may;
    /// the browser's frame loop must return instead). A failure inside is caught and
    /// reported as a stop, never passed on.
    pub(super) fn turn(
        &mut self,
        commands: Vec<(u64, ToTrainer)>,
        budget: Duration,
        may_wait: bool,
        outbox: &mut dyn Outbox,
        wake: &dyn Fn(),
    ) -> Flow {
        let mut changed = false;
        for (sequence, command) in commands {
            if matches!(command, ToTrainer::Shutdown) {
                return Flow::Ended;
            }
            self.acknowledged = sequence;
            changed = true;
            let Self { run, control, .. } = self;
            let outcome = catch_unwind(AssertUnwindSafe(|| handle(command, run, control)));
            match outcome {
                Ok(Ok(did)) => changed |= did,
                Ok(Err(message)) => {
                    self.control.playing = false;
                    if !stop(outbox, wake, self.run.as_ref(), message, false) {
                        return Flow::Ended;
                    }
                }
                Err(panic) => {
                    self.control.playing = false;
                    let message = failure_message(panic.as_ref());
                    if !stop(outbox, wake, self.run.as_ref(), message, true) {
                        return Flow::Ended;
                    }
                    self.run = None;
                }
            }
        }
        if self.control.playing
            && let Some(current) = self.run.as_mut()
        {
            let control = &mut self.control;
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                train_slice(current, control, budget, may_wait)
            }));
            match outcome {
                Ok(Ok(())) => changed = true,
                Ok(Err(message)) => {
                    self.control.playing = false;
                    if !stop(outbox, wake, Some(current), message, false) {
                        return Flow::Ended;
                    }
                    // The run goes on (paused): its last epochs and weights still go out.
                    changed = true;
                }
                Err(panic) => {
                    self.control.playing = false;
                    let message = failure_message(panic.as_ref());
                    let heard = stop(outbox, wake, Some(current), message, true);
                    self.run = None;
                    if !heard {
                        return Flow::Ended;
                    }
                }
            }
        }
        if changed && let Some(current) = self.run.as_mut() {
            let progress = snapshot(current, self.control.playing, self.acknowledged);
            let message = FromTrainer::Progress(Box::new(progress));
            // While training, a full channel means the UI is behind: drop this snapshot
            // (its epochs are re-sent with the next one). Otherwise wait for room.
            match outbox.offer(message) {
                Ok(()) => {}
                Err(TrySendError::Full(FromTrainer::Progress(progress)))
                    if self.control.playing =>
                {
                    current.pending.splice(0..0, progress.points);
                    current.pending_path.splice(0..0, progress.path);
                    current.reset |= progress.reset;
                    current.surface_due |= progress.surface.is_some();
                }
                Err(TrySendError::Full(message)) => {
                    if !outbox.send(message) {
                        return Flow::Ended;
                    }
                }
                Err(TrySendError::Disconnected(_)) => return Flow::Ended,
            }
            wake();
        }
        Flow::Continue
    }
}

/// The snapshot of `current` to send: its new epochs, its weights (small networks) and the
/// evaluations that are due.
fn snapshot(current: &mut Run, playing: bool, acknowledged: u64) -> Progress {
    let due = current
        .asked
        .last_grid
        .is_none_or(|t| t.elapsed() >= GRID_INTERVAL)
        || !playing;
    // The views only when the weights changed; the grid also when the slice did.
    let views = (due && current.asked.views_stale).then(|| Box::new(current.evaluate_views()));
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
    let parameters = (current.session.architecture().parameter_count() <= SNAPSHOT_PARAMETER_LIMIT)
        .then(|| current.session.parameters());
    Progress {
        run_id: current.run_id,
        epochs: current.session.epochs(),
        playing,
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
    }
}

/// Tells the UI the run stopped; false when nobody listens any more.
fn stop(
    outbox: &mut dyn Outbox,
    wake: &dyn Fn(),
    run: Option<&Run>,
    message: String,
    lost: bool,
) -> bool {
    let run_id = run.map_or(0, |r| r.run_id);
    let heard = outbox.send(FromTrainer::Stopped {
        run_id,
        message,
        lost,
    });
    wake();
    heard
}

/// Carries out one command; returns whether there is news, or the message that stops training.
fn handle(
    command: ToTrainer,
    run: &mut Option<Run>,
    control: &mut Control,
) -> Result<bool, String> {
    // Any command but a slice or a row starts the speed limit's clock again.
    if !matches!(command, ToTrainer::SetSlice(_) | ToTrainer::SetProbe(_)) {
        control.pace = None;
    }
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

/// Trains whole epochs for about `budget`, recording each, at most at the chosen speed and
/// stopping at the epoch budget. Ahead of the speed limit it sleeps when `may_wait`, and
/// otherwise returns (the next turn goes on where the limit allows).
fn train_slice(
    run: &mut Run,
    control: &mut Control,
    budget: Duration,
    may_wait: bool,
) -> Result<(), String> {
    let started = Instant::now();
    // The rate counts the time since the last stretch ended (a browser's frame between
    // turns included), so it is the rate a person sees.
    let rate_since = control
        .last_slice_end
        .filter(|end| started.duration_since(*end) < PAUSE_GAP)
        .unwrap_or(started);
    let examples = run.compiled.data.train.len();
    let mut trained = 0usize;
    while started.elapsed() < budget {
        if control
            .until
            .is_some_and(|until| run.session.epochs() >= until)
        {
            control.playing = false;
            break;
        }
        if let Some(speed) = control.epochs_per_second {
            let pace = control.pace.get_or_insert(Pace {
                since: started,
                epochs: 0,
            });
            let elapsed = pace.since.elapsed();
            // The first epoch goes at once; each next one when the clock allows it.
            let allowed = (elapsed.as_secs_f64() * speed).floor() as usize + 1;
            if pace.epochs >= allowed {
                if !may_wait {
                    break;
                }
                let next_due = Duration::from_secs_f64(allowed as f64 / speed);
                let rest = next_due
                    .saturating_sub(elapsed)
                    .min(Duration::from_millis(5));
                std::thread::sleep(rest.max(Duration::from_millis(1)));
                continue;
            }
            let burst = (CATCH_UP_LIMIT.as_secs_f64() * speed) as usize + 1;
            if allowed > pace.epochs + burst {
                // Far behind (slow epochs, or a long frame between turns): owe no more than
                // a burst's worth, so the page's slow frames still see the chosen speed.
                let now = Instant::now();
                *pace = Pace {
                    since: now.checked_sub(CATCH_UP_LIMIT).unwrap_or(now),
                    epochs: 0,
                };
            }
            pace.epochs += 1;
        }
        run.session.run_epoch().map_err(|e| e.to_string())?;
        trained += examples;
        if let Some(stopped_early) = run.epoch_done()? {
            control.playing = false;
            return Err(stopped_early);
        }
    }
    control.last_slice_end = Some(Instant::now());
    let seconds = rate_since.elapsed().as_secs_f64();
    if seconds > 0.0 && trained > 0 {
        run.examples_per_second = trained as f64 / seconds;
    }
    Ok(())
}
