//! Where training and prediction time goes, per node and pass, when asked for
//! ([`crate::Session::set_profiling`]): the benchmark's `--profile` reads it. Off, it costs
//! one branch per node and pass.

use web_time::{Duration, Instant};

/// The time spent in each node's forward pass, backward pass and parameter update, indexed
/// by node, and in the rest of a step (gathering the batch, the loss and its gradient).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// `y = f(x·W + b)` and the like, per node.
    pub forward: Vec<Duration>,
    /// `∂L/∂z`, `∂L/∂W`, `∂L/∂x`, per node.
    pub backward: Vec<Duration>,
    /// The optimizer's update of the node's parameters.
    pub update: Vec<Duration>,
    /// Gathering the batch's rows, and the loss with `∂L/∂logits`.
    pub other: Duration,
    /// Forward passes timed (steps, or predictions).
    pub passes: usize,
}

/// Which pass of a node a time belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// The forward pass.
    Forward,
    /// The backward pass.
    Backward,
    /// The parameter update.
    Update,
}

impl Profile {
    /// Zero times for `nodes` nodes.
    pub fn new(nodes: usize) -> Self {
        Self {
            forward: vec![Duration::ZERO; nodes],
            backward: vec![Duration::ZERO; nodes],
            update: vec![Duration::ZERO; nodes],
            other: Duration::ZERO,
            passes: 0,
        }
    }

    /// Adds the time since `started` to `node`'s `pass`.
    pub fn add(&mut self, pass: Pass, node: usize, started: Instant) {
        let slot = match pass {
            Pass::Forward => self.forward.get_mut(node),
            Pass::Backward => self.backward.get_mut(node),
            Pass::Update => self.update.get_mut(node),
        };
        if let Some(slot) = slot {
            *slot += started.elapsed();
        }
    }

    /// The whole time recorded.
    pub fn total(&self) -> Duration {
        self.forward
            .iter()
            .chain(&self.backward)
            .chain(&self.update)
            .sum::<Duration>()
            + self.other
    }
}

/// Adds the time since `started` (when profiling) to `node`'s `pass` in `profile`.
#[inline]
pub(crate) fn record(
    profile: &mut Option<Profile>,
    pass: Pass,
    node: usize,
    started: Option<Instant>,
) {
    if let (Some(profile), Some(started)) = (profile.as_mut(), started) {
        profile.add(pass, node, started);
    }
}
