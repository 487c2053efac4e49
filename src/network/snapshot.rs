//! What the trainer thread sends the views: one epoch's metrics, the decision-boundary
//! grid, the fitted curve and the confusion matrices. Plain data, no egui and no thread,
//! shared by the trainer (`training::worker`) and the views that draw it (`views`).

use layerwright_nn::train::metrics::{ConfusionMatrix, RegressionErrors, RocCurve};
use ndarray::Array2;

/// One epoch's results.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochPoint {
    /// Epochs completed.
    pub epoch: usize,
    /// Mean loss on the training split.
    pub train_loss: f64,
    /// Mean loss on the test split, if there is one.
    pub test_loss: Option<f64>,
    /// Accuracy (classification) or R² (regression) on the training split.
    pub train_score: Option<f64>,
    /// The same on the test split.
    pub test_score: Option<f64>,
}

/// Where the decision boundary is evaluated: a square grid over the raw 2-D domain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridSpec {
    /// The first coordinate's range.
    pub x: (f64, f64),
    /// The second coordinate's range.
    pub y: (f64, f64),
    /// Cells per side.
    pub resolution: usize,
}

impl GridSpec {
    /// The raw points of the grid, row by row from the top (largest y) down:
    /// cell `r·n + c` is at `(x₀ + (c + ½)·Δx, y₁ − (r + ½)·Δy)`, `[n², 2]`.
    pub fn points(&self) -> Array2<f64> {
        let n = self.resolution.max(1);
        let dx = (self.x.1 - self.x.0) / n as f64;
        let dy = (self.y.1 - self.y.0) / n as f64;
        Array2::from_shape_fn((n * n, 2), |(cell, axis)| {
            let (row, column) = (cell / n, cell % n);
            if axis == 0 {
                self.x.0 + (column as f64 + 0.5) * dx
            } else {
                self.y.1 - (row as f64 + 0.5) * dy
            }
        })
    }

    /// A grid covering `inputs`' two columns with a 10% margin.
    pub fn around(inputs: &Array2<f64>, resolution: usize) -> Option<Self> {
        if inputs.ncols() != 2 || inputs.nrows() == 0 {
            return None;
        }
        let range = |column: usize| {
            let values = inputs.column(column);
            let low = values.fold(f64::INFINITY, |m, &v| m.min(v));
            let high = values.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            let margin = ((high - low) * 0.1).max(0.5);
            (low - margin, high + margin)
        };
        Some(Self {
            x: range(0),
            y: range(1),
            resolution,
        })
    }
}

/// The network's outputs over a grid: `[cells, units]` (probabilities, or values in the
/// data's units for regression).
#[derive(Clone, Debug, PartialEq)]
pub struct GridValues {
    /// Where it was evaluated.
    pub spec: GridSpec,
    /// One row per cell.
    pub outputs: Array2<f64>,
}

/// The prediction along a one-column input: `outputs[i]` is `ŷ` at raw `x[i]` (probabilities
/// for classifiers, values in the data's units for regression), `[points, output_width]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CurveValues {
    /// Evenly spaced raw inputs.
    pub x: Vec<f64>,
    /// One row per input.
    pub outputs: Array2<f64>,
}

/// What the insight views draw, evaluated together with the decision boundary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Views {
    /// Each architecture node's values over the decision-boundary grid, `[cells, width]`
    /// in node order (2-D inputs; networks up to the trainer's `NODE_MAP_WIDTH_LIMIT` units in all).
    pub node_maps: Option<Vec<Array2<f32>>>,
    /// One-column inputs: the prediction along the input's range.
    pub curve: Option<CurveValues>,
    /// Classification: true against predicted classes on the training split.
    pub confusion_train: Option<ConfusionMatrix>,
    /// The same on the test split, when there is one.
    pub confusion_test: Option<ConfusionMatrix>,
    /// Classification: the predicted class of each test example, in the split's order.
    pub test_predictions: Vec<usize>,
    /// Two classes: the ROC curve on the training split.
    pub roc_train: Option<RocView>,
    /// The same on the test split, when there is one.
    pub roc_test: Option<RocView>,
    /// Regression: predictions against the truth on the training split.
    pub regression_train: Option<RegressionView>,
    /// The same on the test split, when there is one.
    pub regression_test: Option<RegressionView>,
}

/// A two-class model's ROC curve on one split: thinned to at most
/// [`RocView::POINTS`] points for drawing, with the area of the whole curve.
#[derive(Clone, Debug, PartialEq)]
pub struct RocView {
    /// The curve, thinned.
    pub curve: RocCurve,
    /// The area under the whole curve (AUC).
    pub area: f64,
}

impl RocView {
    /// The most points sent and drawn.
    pub const POINTS: usize = 2000;
}

/// A regression's predictions on one split, in the target's units.
#[derive(Clone, Debug, PartialEq)]
pub struct RegressionView {
    /// MAE, RMSE and R² over every example of the split.
    pub errors: RegressionErrors,
    /// `(actual, predicted)` of at most [`RegressionView::POINTS`] examples, evenly spread
    /// over the split.
    pub points: Vec<[f64; 2]>,
}

impl RegressionView {
    /// The most points sent and drawn.
    pub const POINTS: usize = 3000;
}
