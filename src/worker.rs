//! Work that can take longer than a frame, off the UI thread: a [`Job`] runs one closure on
//! a named thread and hands its result back over a bounded channel. The UI polls it each
//! frame and never waits; Cancel asks the work to stop (work that checks [`Cancel`] stops
//! early, the rest finishes unseen) and the result is dropped.
//!
//! A browser has no threads: there a job runs its closure when it is first polled, inside
//! that frame (issue 29), and the panels see the same [`Polled`] answers.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};
use std::sync::{Arc, Mutex};

/// What a running job can see of the UI: whether it was cancelled, and where it reports
/// how far it got.
#[derive(Clone, Debug, Default)]
pub struct Cancel {
    cancelled: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

impl Cancel {
    /// Whether the person cancelled the job.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Reports `done` of `total` steps, for the progress bar.
    pub fn report(&self, done: usize, total: usize) {
        self.done.store(done, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }
}

/// Work to be done at the first poll (where there are no threads), sending its result.
type Deferred = Box<dyn FnOnce() + Send>;

/// A closure running on its own named thread, and its result once it arrives.
pub struct Job<T> {
    name: &'static str,
    receiver: Receiver<T>,
    cancel: Cancel,
    /// Work not started yet: it runs at the first poll.
    deferred: Mutex<Option<Deferred>>,
}

/// Where a job is.
#[derive(Debug, PartialEq)]
pub enum Polled<T> {
    /// Still running.
    Running,
    /// Finished with this result.
    Finished(T),
    /// The thread ended without a result (it panicked, or could not start).
    Failed,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a thread called `name`; `wake` is called once its result is ready
    /// (the window asks for a frame then). A thread that cannot start fails at the first poll.
    /// In a browser the work runs at the first poll instead ([`Self::at_first_poll`]).
    pub fn spawn(
        name: &'static str,
        wake: impl Fn() + Send + 'static,
        work: impl FnOnce(&Cancel) -> T + Send + 'static,
    ) -> Self {
        if cfg!(target_arch = "wasm32") {
            wake();
            return Self::at_first_poll(name, work);
        }
        let (sender, receiver) = sync_channel(1);
        let cancel = Cancel::default();
        let seen = cancel.clone();
        // If spawning fails the sender is dropped with the closure, and the first poll says
        // the job failed.
        let _ = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let result = work(&seen);
                // Nobody waits for a cancelled or dropped job's result.
                if sender.send(result).is_ok() {
                    wake();
                }
            });
        Self {
            name,
            receiver,
            cancel,
            deferred: Mutex::new(None),
        }
    }

    /// A job with no thread: `work` runs inside the first [`Self::poll`] (or
    /// [`Self::wait`]), which answers with its result. The browser's way.
    pub fn at_first_poll(
        name: &'static str,
        work: impl FnOnce(&Cancel) -> T + Send + 'static,
    ) -> Self {
        let (sender, receiver) = sync_channel(1);
        let cancel = Cancel::default();
        let seen = cancel.clone();
        let deferred: Deferred = Box::new(move || {
            let _ = sender.send(work(&seen));
        });
        Self {
            name,
            receiver,
            cancel,
            deferred: Mutex::new(Some(deferred)),
        }
    }
}

impl<T> Job<T> {
    /// Runs deferred work now, if there is any (a panic in it ends the job without a result).
    fn run_deferred(&self) {
        let work = self
            .deferred
            .lock()
            .map_or(None, |mut deferred| deferred.take());
        if let Some(work) = work
            && !self.cancel.is_cancelled()
        {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        }
    }

    /// The thread's name, for messages.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The result, if it has arrived.
    pub fn poll(&self) -> Polled<T> {
        self.run_deferred();
        match self.receiver.try_recv() {
            Ok(result) => Polled::Finished(result),
            Err(TryRecvError::Empty) => Polled::Running,
            Err(TryRecvError::Disconnected) => Polled::Failed,
        }
    }

    /// How far the job says it got: `(done, total)`, total 0 when it does not say.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.cancel.done.load(Ordering::Relaxed),
            self.cancel.total.load(Ordering::Relaxed),
        )
    }

    /// Waits for the result (only where waiting is right: the window closing); `None` when
    /// the thread ended without one.
    pub fn wait(self) -> Option<T> {
        self.run_deferred();
        self.receiver.recv().ok()
    }

    /// Asks the work to stop; its result will not be looked at.
    pub fn cancel(&self) {
        self.cancel.cancelled.store(true, Ordering::Relaxed);
    }
}

impl<T> Drop for Job<T> {
    /// A job nobody holds any more is cancelled (it is never joined: the UI does not wait).
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use web_time::{Duration, Instant};

    use super::*;

    fn wait_for<T>(job: &Job<T>) -> Polled<T> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match job.poll() {
                Polled::Running if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                other => return other,
            }
        }
    }

    #[test]
    fn a_job_runs_on_its_named_thread_and_delivers_its_result() {
        let job = Job::spawn(
            "worker-test",
            || {},
            |_| std::thread::current().name().map(str::to_owned),
        );
        assert_eq!(
            wait_for(&job),
            Polled::Finished(Some("worker-test".to_owned()))
        );
    }

    #[test]
    fn a_cancelled_job_sees_the_cancel_and_stops_early() {
        let job = Job::spawn(
            "worker-test",
            || {},
            |cancel| {
                let mut steps = 0;
                while !cancel.is_cancelled() && steps < 1_000 {
                    steps += 1;
                    cancel.report(steps, 1_000);
                    std::thread::sleep(Duration::from_millis(5));
                }
                steps
            },
        );
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(job.progress().1, 1_000);
        job.cancel();
        match wait_for(&job) {
            Polled::Finished(steps) => assert!(steps < 1_000, "ran all {steps} steps"),
            other => panic!("expected a result, got {other:?}"),
        }
    }

    #[test]
    fn a_job_without_a_thread_runs_at_its_first_poll_on_the_polling_thread() {
        let job = Job::at_first_poll("worker-test", |cancel| {
            cancel.report(1, 1);
            std::thread::current().name().map(str::to_owned)
        });
        assert_eq!(job.progress(), (0, 0), "ran before it was polled");
        let polling_thread = std::thread::current().name().map(str::to_owned);
        assert_eq!(job.poll(), Polled::Finished(polling_thread));
        assert_eq!(job.progress(), (1, 1));
        // Its one result has been taken; the work does not run twice.
        assert_eq!(job.poll(), Polled::Failed);
    }

    #[test]
    fn a_job_without_a_thread_cancelled_before_its_poll_never_runs() {
        let ran = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&ran);
        let job = Job::at_first_poll("worker-test", move |_| seen.store(true, Ordering::Relaxed));
        job.cancel();
        assert_eq!(job.poll(), Polled::Failed);
        assert!(!ran.load(Ordering::Relaxed));
    }

    #[test]
    fn a_panicking_job_without_a_thread_fails() {
        let job: Job<()> = Job::at_first_poll("worker-test", |_| panic!("on purpose"));
        assert_eq!(job.poll(), Polled::Failed);
    }

    #[test]
    fn a_panicking_job_fails_instead_of_hanging() {
        let job: Job<()> = Job::spawn("worker-test", || {}, |_| panic!("on purpose"));
        assert_eq!(wait_for(&job), Polled::Failed);
    }
}
