//! The UI's end of the trainer: what it asks ([`ToTrainer`]), what it hears ([`FromTrainer`])
//! and the [`TrainerHandle`] between them. Every message carries the run id it belongs to;
//! the UI drops messages of earlier runs.
//!
//! The handle drives [`super::trainer_core::TrainerCore`] one of two ways, the same to the
//! panels: on the desktop a thread named `trainer` runs it and talks over bounded channels
//! (the UI thread never trains); in a browser, which has no threads, the handle gives it a
//! few milliseconds each time the UI drains the news (once a frame), then the frame is drawn.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::{
    Receiver, RecvTimeoutError, SyncSender, TryRecvError, TrySendError, sync_channel,
};
use std::thread::JoinHandle;
use web_time::{Duration, Instant};

use layerwright_nn::compile::CompiledGraph;
use layerwright_nn::teach::loss_surface::LossSurface;
use layerwright_nn::{ParameterSet, TrainingConfig};

use super::trainer_core::{Flow, Outbox, TrainerCore};
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

/// How long the trainer thread trains between snapshots.
const SLICE: Duration = Duration::from_millis(50);
/// The least a cooperative trainer trains each time the UI drains it (once a frame): half
/// of a 60 Hz frame, leaving the rest for drawing.
pub const FRAME_BUDGET: Duration = Duration::from_millis(8);
/// The most it trains in one frame. Between the two it trains as long as the rest of the
/// last frame took, so training gets about half the time however slowly the page draws
/// (a browser without a GPU draws in software, slowly).
pub const MAX_FRAME_BUDGET: Duration = Duration::from_millis(40);
/// Epochs per second unless the person asks for more: fast enough to learn, slow enough to watch.
pub const DEFAULT_SPEED: f64 = 60.0;
/// Cells per side of the decision-boundary grid.
pub const GRID_RESOLUTION: usize = 80;

/// The UI's end of the trainer, on a thread or cooperative.
pub struct TrainerHandle {
    sent: u64,
    driver: Driver,
}

/// How the trainer runs.
enum Driver {
    /// On the thread named `trainer`.
    Thread(ThreadEnd),
    /// Inside the UI's frame loop (browsers).
    Cooperative(Box<Cooperative>),
}

/// The channels to the trainer thread, and the thread.
struct ThreadEnd {
    /// `None` only while dropping.
    to_trainer: Option<SyncSender<(u64, ToTrainer)>>,
    /// `None` only while dropping: the receiver goes first, so a trainer blocked on a full
    /// news channel wakes up with an error instead of waiting forever.
    from_trainer: Option<Receiver<FromTrainer>>,
    thread: Option<JoinHandle<()>>,
}

/// A trainer the UI drives itself: the commands not yet carried out, and the news.
struct Cooperative {
    core: TrainerCore,
    commands: Vec<(u64, ToTrainer)>,
    news: VecDeque<FromTrainer>,
    wake: Box<dyn Fn() + Send>,
    ended: bool,
    /// When the last turn ended: the time since is what the rest of the frame took.
    last_turn_end: Option<Instant>,
}

/// The browser's outbox: a queue the UI empties right after each turn, never full.
impl Outbox for VecDeque<FromTrainer> {
    fn send(&mut self, message: FromTrainer) -> bool {
        self.push_back(message);
        true
    }

    fn offer(&mut self, message: FromTrainer) -> Result<(), TrySendError<FromTrainer>> {
        self.push_back(message);
        Ok(())
    }
}

/// The thread's outbox: the bounded news channel.
impl Outbox for SyncSender<FromTrainer> {
    fn send(&mut self, message: FromTrainer) -> bool {
        SyncSender::send(self, message).is_ok()
    }

    fn offer(&mut self, message: FromTrainer) -> Result<(), TrySendError<FromTrainer>> {
        self.try_send(message)
    }
}

impl TrainerHandle {
    /// Starts the trainer the way this platform can: a thread on the desktop, cooperative
    /// in a browser. `wake` is called whenever it has news (and, cooperative, while it
    /// trains, so frames keep coming).
    pub fn spawn(wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        if cfg!(target_arch = "wasm32") {
            Ok(Self::cooperative(wake))
        } else {
            Self::on_thread(wake)
        }
    }

    /// Starts the thread named `trainer`; `wake` is called whenever it has news.
    pub fn on_thread(wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (to_trainer, commands) = sync_channel::<(u64, ToTrainer)>(64);
        let (news, from_trainer) = sync_channel::<FromTrainer>(16);
        let thread = std::thread::Builder::new()
            .name("trainer".to_owned())
            .spawn(move || trainer_loop(&commands, news, &wake))?;
        Ok(Self {
            sent: 0,
            driver: Driver::Thread(ThreadEnd {
                to_trainer: Some(to_trainer),
                from_trainer: Some(from_trainer),
                thread: Some(thread),
            }),
        })
    }

    /// A trainer with no thread: it works only when [`Self::drain`] is called, for between
    /// [`FRAME_BUDGET`] and [`MAX_FRAME_BUDGET`] each time (the browser's way; the
    /// desktop's tests use it too).
    pub fn cooperative(wake: impl Fn() + Send + 'static) -> Self {
        Self {
            sent: 0,
            driver: Driver::Cooperative(Box::new(Cooperative {
                core: TrainerCore::default(),
                commands: Vec::new(),
                news: VecDeque::new(),
                wake: Box::new(wake),
                ended: false,
                last_turn_end: None,
            })),
        }
    }

    /// Sends a command; false if the trainer has gone.
    pub fn send(&mut self, command: ToTrainer) -> bool {
        self.sent += 1;
        match &mut self.driver {
            Driver::Thread(end) => end
                .to_trainer
                .as_ref()
                .is_some_and(|sender| sender.send((self.sent, command)).is_ok()),
            Driver::Cooperative(cooperative) => {
                cooperative.commands.push((self.sent, command));
                // The next frame carries it out.
                (cooperative.wake)();
                !cooperative.ended
            }
        }
    }

    /// How many commands have been sent.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Every message waiting, oldest first. A cooperative trainer first takes its turn:
    /// the commands sent since the last call, then training for as long as the time since
    /// its last turn, within [`FRAME_BUDGET`] and [`MAX_FRAME_BUDGET`].
    pub fn drain(&mut self) -> Vec<FromTrainer> {
        match &mut self.driver {
            Driver::Thread(end) => end
                .from_trainer
                .as_ref()
                .map(|receiver| receiver.try_iter().collect())
                .unwrap_or_default(),
            Driver::Cooperative(cooperative) => {
                let Cooperative {
                    core,
                    commands,
                    news,
                    wake,
                    ended,
                    last_turn_end,
                } = cooperative.as_mut();
                if !*ended && (core.is_playing() || !commands.is_empty()) {
                    let batch = std::mem::take(commands);
                    let budget = last_turn_end
                        .map_or(FRAME_BUDGET, |end| end.elapsed())
                        .clamp(FRAME_BUDGET, MAX_FRAME_BUDGET);
                    let flow = core.turn(batch, budget, false, news, wake.as_ref());
                    *last_turn_end = Some(Instant::now());
                    *ended = flow == Flow::Ended;
                    if core.is_playing() && !*ended {
                        // Training goes on in the next frame: ask for it.
                        wake();
                    }
                }
                news.drain(..).collect()
            }
        }
    }
}

impl Drop for TrainerHandle {
    /// Stops the trainer and waits for it. Neither step can block: the news channel is
    /// closed first (a trainer waiting to send gets an error and returns), the shutdown is
    /// only offered (a full command channel is closed instead, which the trainer also
    /// notices), and then the thread is joined. A cooperative trainer just goes.
    fn drop(&mut self) {
        let Driver::Thread(end) = &mut self.driver else {
            return;
        };
        drop(end.from_trainer.take());
        if let Some(sender) = end.to_trainer.take() {
            let _ = sender.try_send((u64::MAX, ToTrainer::Shutdown));
        }
        if let Some(thread) = end.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The trainer thread: waits for commands while paused, only looks while training, and
/// gives the core turns of [`SLICE`].
fn trainer_loop(
    commands: &Receiver<(u64, ToTrainer)>,
    mut news: SyncSender<FromTrainer>,
    wake: &dyn Fn(),
) {
    let mut core = TrainerCore::default();
    loop {
        // Paused, wait for a command; playing, only look.
        let first = if core.is_playing() {
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
        if core.turn(batch, SLICE, true, &mut news, wake) == Flow::Ended {
            return;
        }
    }
}
