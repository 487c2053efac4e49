//! Using a trained network on raw inputs: preprocessing, the forward pass, the output
//! function, and class probabilities or values in the data's units.

use ndarray::{Array2, ArrayView2};

use crate::data::{DataDescription, DataError, Task};
use crate::math::losses::OutputFunction;
use crate::network::architecture::{Architecture, ParameterSet};
use crate::network::model::{Mode, Workspace, forward};

/// A trained network with the description of the data it was trained on.
#[derive(Clone, Debug)]
pub struct TrainedModel {
    architecture: Architecture,
    parameters: ParameterSet<f64>,
    description: DataDescription,
}

/// Predictions for a batch of raw rows.
#[derive(Clone, Debug, PartialEq)]
pub enum Predictions {
    /// For each row, the predicted class and the probability of every class
    /// (`[rows, classes]`; a sigmoid's `p` becomes `[1 − p, p]`, a step's 0/1 likewise).
    Classes {
        /// The most probable class of each row.
        predicted: Vec<usize>,
        /// `[rows, classes]` probabilities.
        probabilities: Array2<f64>,
    },
    /// For each row, the predicted values in the target's own units (`[rows, outputs]`).
    Values(Array2<f64>),
}

impl TrainedModel {
    /// A model from its parts; `parameters` must fit `architecture`.
    pub fn new(
        architecture: Architecture,
        parameters: ParameterSet<f64>,
        description: DataDescription,
    ) -> Self {
        Self {
            architecture,
            parameters,
            description,
        }
    }

    /// The network.
    pub fn architecture(&self) -> &Architecture {
        &self.architecture
    }

    /// The trained parameters.
    pub fn parameters(&self) -> &ParameterSet<f64> {
        &self.parameters
    }

    /// How raw data is turned into network inputs, and the class names.
    pub fn description(&self) -> &DataDescription {
        &self.description
    }

    /// `ŷ = g(z)` for already encoded inputs `[rows, features]` (no preprocessing).
    pub fn outputs(&self, inputs: ArrayView2<f64>) -> Array2<f64> {
        let mut workspace = Workspace::new(&self.architecture, inputs.nrows());
        forward(
            &self.architecture,
            &self.parameters,
            inputs,
            Mode::Inference,
            &mut workspace,
        );
        let head = self.architecture.head();
        let mut outputs = workspace.value(head.logits).to_owned();
        head.output_function.apply(outputs.view_mut());
        outputs
    }

    /// Predictions for raw rows `[rows, raw features]`, preprocessed as in training.
    pub fn predict(&self, raw: ArrayView2<f64>) -> Result<Predictions, DataError> {
        let inputs = self.description.encode_inputs(raw)?;
        let outputs = self.outputs(inputs.view());
        Ok(match self.description.task {
            Task::Regression => Predictions::Values(self.description.decode_outputs(outputs)),
            Task::Classification => {
                let probabilities = match self.architecture.head().output_function {
                    OutputFunction::Softmax | OutputFunction::Identity => outputs,
                    OutputFunction::Sigmoid | OutputFunction::Step => {
                        Array2::from_shape_fn((outputs.nrows(), 2), |(r, c)| {
                            if c == 1 {
                                outputs[[r, 0]]
                            } else {
                                1.0 - outputs[[r, 0]]
                            }
                        })
                    }
                };
                let predicted = probabilities
                    .rows()
                    .into_iter()
                    .map(|row| {
                        let mut best = 0;
                        for (index, &p) in row.iter().enumerate() {
                            if p > row[best] {
                                best = index;
                            }
                        }
                        best
                    })
                    .collect();
                Predictions::Classes {
                    predicted,
                    probabilities,
                }
            }
        })
    }
}
