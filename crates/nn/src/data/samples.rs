//! Examples as the network sees them: inputs and targets in `f64`.

use ndarray::Array2;

/// Examples for training or evaluation, in `f64`: `inputs: [n, features]`,
/// `targets: [n, outputs]` (one-hot rows for softmax, 0/1 for sigmoid, values for regression).
#[derive(Clone, Debug, PartialEq)]
pub struct Samples {
    /// One example per row.
    pub inputs: Array2<f64>,
    /// The wanted output of each example, one row each.
    pub targets: Array2<f64>,
}

impl Samples {
    /// The number of examples.
    pub fn len(&self) -> usize {
        self.inputs.nrows()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.inputs.nrows() == 0
    }

    /// Examples whose targets are class indices, turned into one-hot rows of `classes` columns
    /// (or a single 0/1 column when `classes` is 1).
    pub fn from_class_labels(inputs: Array2<f64>, labels: &[usize], classes: usize) -> Self {
        let targets = if classes <= 1 {
            Array2::from_shape_fn(
                (labels.len(), 1),
                |(r, _)| {
                    if labels[r] > 0 { 1.0 } else { 0.0 }
                },
            )
        } else {
            Array2::from_shape_fn((labels.len(), classes), |(r, c)| {
                if labels[r] == c { 1.0 } else { 0.0 }
            })
        };
        Self { inputs, targets }
    }
}
