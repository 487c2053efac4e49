//! What can be wrong with a network as it is built, each naming its node.

use super::MAX_UNITS;
use crate::math::losses::{Loss, OutputFunction};

/// What is wrong with a network being built; each names the node.
#[derive(Clone, Debug, PartialEq)]
pub enum ArchitectureError {
    /// A node refers to a node that does not exist (yet).
    UnknownInput {
        /// The node being added.
        node: String,
        /// The missing node index.
        index: usize,
    },
    /// A second input node.
    SecondInput {
        /// The node being added.
        node: String,
        /// The existing input.
        first: String,
    },
    /// An output was declared before any input.
    NoInput {
        /// The output node.
        node: String,
    },
    /// A width of zero or above [`MAX_UNITS`].
    BadWidth {
        /// The node.
        node: String,
        /// The width asked for.
        width: usize,
    },
    /// `add` with inputs of different widths.
    WidthMismatch {
        /// The add node.
        node: String,
        /// The widths of its inputs.
        widths: Vec<usize>,
    },
    /// `add` or `concat` with fewer than the inputs they need.
    TooFewInputs {
        /// The node.
        node: String,
        /// `add` or `concat`.
        operation: &'static str,
        /// How many it needs.
        needed: usize,
        /// How many it has.
        found: usize,
    },
    /// A dropout rate outside `[0, 1)`.
    BadDropoutRate {
        /// The node.
        node: String,
        /// The rate given.
        rate: f64,
    },
    /// An activation with bad parameters.
    BadActivation {
        /// The node.
        node: String,
        /// What is wrong.
        problem: String,
    },
    /// Shapes that do not fit: an image where a vector is needed, or a window too large.
    Shapes {
        /// The node.
        node: String,
        /// What is wrong, naming both shapes.
        problem: String,
    },
    /// A normalisation's `ε` or momentum out of range.
    BadNormalization {
        /// The node.
        node: String,
        /// What is wrong.
        problem: String,
    },
    /// A loss that does not fit the output function.
    LossDoesNotFit {
        /// The output node.
        node: String,
        /// The loss.
        loss: Loss,
        /// The output function.
        output: OutputFunction,
    },
}

impl ArchitectureError {
    /// The node the problem belongs to.
    pub fn node(&self) -> &str {
        match self {
            Self::UnknownInput { node, .. }
            | Self::SecondInput { node, .. }
            | Self::NoInput { node }
            | Self::BadWidth { node, .. }
            | Self::WidthMismatch { node, .. }
            | Self::TooFewInputs { node, .. }
            | Self::BadDropoutRate { node, .. }
            | Self::BadActivation { node, .. }
            | Self::BadNormalization { node, .. }
            | Self::Shapes { node, .. }
            | Self::LossDoesNotFit { node, .. } => node,
        }
    }

    /// What is wrong, as a sentence that does not name the node (the message says which).
    pub fn problem(&self) -> String {
        match self {
            Self::UnknownInput { index, .. } => format!("its input #{index} does not exist"),
            Self::SecondInput { first, .. } => {
                format!("the network already has an input ('{first}'); only one is supported")
            }
            Self::NoInput { .. } => "the network has no input node".to_owned(),
            Self::BadWidth { width, .. } => format!("{width} units is outside 1..={MAX_UNITS}"),
            Self::WidthMismatch { widths, .. } => {
                format!("add needs inputs of equal width, got {widths:?}")
            }
            Self::TooFewInputs {
                operation,
                needed,
                found,
                ..
            } => format!("{operation} needs at least {needed} inputs, got {found}"),
            Self::BadDropoutRate { rate, .. } => {
                format!("dropout rate must be at least 0 and below 1, got {rate}")
            }
            Self::BadActivation { problem, .. }
            | Self::BadNormalization { problem, .. }
            | Self::Shapes { problem, .. } => problem.clone(),
            Self::LossDoesNotFit { loss, output, .. } => format!(
                "the {} loss does not fit a {} output (use {})",
                loss.name(),
                output.name(),
                output
                    .fitting_losses()
                    .iter()
                    .map(|l| l.name())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        }
    }
}

impl std::fmt::Display for ArchitectureError {
    /// `node 'ID': problem`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "node '{}': {}", self.node(), self.problem())
    }
}

impl std::error::Error for ArchitectureError {}
