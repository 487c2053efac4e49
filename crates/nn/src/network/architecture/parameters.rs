//! The numbers of a network and what each tensor is: [`ParameterRole`], [`ParameterInfo`]
//! and [`ParameterSet`].

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::{NodeId, ParameterId};
use crate::math::float::Float;

/// What a parameter tensor is to its layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterRole {
    /// The weight matrix `W: [in, units]` (the only role regularization applies to).
    Weights,
    /// The bias row `b: [1, units]`.
    Bias,
    /// PReLU's slopes `α: [1, units]`.
    Slopes,
    /// A normalisation's scale `γ: [1, units]`.
    Scale,
    /// A normalisation's shift `β: [1, units]`.
    Shift,
    /// Batch norm's running mean `[1, units]` (moved by training steps, not by gradient).
    RunningMean,
    /// Batch norm's running variance `[1, units]` (moved by training steps, not by gradient).
    RunningVariance,
}

impl ParameterRole {
    /// Whether gradient descent trains it (every role but the running statistics).
    pub fn is_learned(self) -> bool {
        !matches!(self, Self::RunningMean | Self::RunningVariance)
    }

    /// Its name in messages and files: `weights`, `bias`, `slopes`, `scale`, `shift`,
    /// `running_mean`, `running_variance`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Weights => "weights",
            Self::Bias => "bias",
            Self::Slopes => "slopes",
            Self::Scale => "scale",
            Self::Shift => "shift",
            Self::RunningMean => "running_mean",
            Self::RunningVariance => "running_variance",
        }
    }

    /// Its symbol in the notes' style: `W`, `b`, `α`, `γ`, `β`, `μ`, `σ²`.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Weights => "W",
            Self::Bias => "b",
            Self::Slopes => "α",
            Self::Scale => "γ",
            Self::Shift => "β",
            Self::RunningMean => "μ",
            Self::RunningVariance => "σ²",
        }
    }
}

/// Where a parameter tensor belongs and its shape.
#[derive(Clone, Debug, PartialEq)]
pub struct ParameterInfo {
    /// The node that owns it.
    pub node: NodeId,
    /// Its role in that node.
    pub role: ParameterRole,
    /// `(rows, columns)`.
    pub shape: (usize, usize),
}

/// The numbers of a network: one matrix per [`ParameterInfo`] of its architecture.
#[derive(Clone, Debug, PartialEq)]
pub struct ParameterSet<F: Float> {
    /// The tensors, indexed by [`ParameterId`].
    pub tensors: Vec<Array2<F>>,
}

impl<F: Float> ParameterSet<F> {
    /// The tensor with this id.
    pub fn get(&self, id: ParameterId) -> &Array2<F> {
        &self.tensors[id.0]
    }

    /// Converts every number to precision `G`.
    pub fn cast<G: Float>(&self) -> ParameterSet<G> {
        ParameterSet {
            tensors: self
                .tensors
                .iter()
                .map(|t| t.mapv(|v| G::cast(v.widen())))
                .collect(),
        }
    }

    /// Whether every number is finite.
    pub fn all_finite(&self) -> bool {
        self.tensors.iter().all(|t| t.iter().all(|v| v.is_finite()))
    }

    /// Zero tensors of the same shapes.
    pub fn zeros_like(&self) -> Self {
        Self {
            tensors: self
                .tensors
                .iter()
                .map(|t| Array2::zeros(t.dim()))
                .collect(),
        }
    }
}
