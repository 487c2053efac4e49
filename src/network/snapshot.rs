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
    /// With early stopping: the loss it watches (validation rows, or the test split).
    pub watched_loss: Option<f64>,
}

/// Where the decision boundary is evaluated: a square grid over two raw input columns
/// (`axes`), the first across and the second up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridSpec {
    /// The first axis column's range.
    pub x: (f64, f64),
    /// The second axis column's range.
    pub y: (f64, f64),
    /// Cells per side.
    pub resolution: usize,
    /// The raw input columns on the two axes.
    pub axes: [usize; 2],
}

impl GridSpec {
    /// The grid's points, row by row from the top (largest y) down:
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

    /// The raw rows the grid stands for: `held` in every cell, with the axis columns set to
    /// the cell's point (the order of [`GridSpec::points`]), `[n², held.len()]`.
    pub fn rows(&self, held: &[f64]) -> Array2<f64> {
        let points = self.points();
        Array2::from_shape_fn((points.nrows(), held.len()), |(cell, column)| {
            if column == self.axes[0] {
                points[[cell, 0]]
            } else if column == self.axes[1] {
                points[[cell, 1]]
            } else {
                held[column]
            }
        })
    }

    /// A grid over the raw columns `axes` of `bounds` (`[2, columns]`: minima, then maxima)
    /// with a 10% margin; `None` without bounds or with an axis out of range or repeated.
    pub fn over(bounds: &Array2<f64>, axes: [usize; 2], resolution: usize) -> Option<Self> {
        let columns = bounds.ncols();
        if bounds.nrows() < 2 || axes[0] == axes[1] || axes.iter().any(|&a| a >= columns) {
            return None;
        }
        let range = |column: usize| {
            let (low, high) = (bounds[[0, column]], bounds[[1, column]]);
            let margin = ((high - low) * 0.1).max(0.5);
            (low - margin, high + margin)
        };
        Some(Self {
            x: range(axes[0]),
            y: range(axes[1]),
            resolution,
            axes,
        })
    }
}

/// Which slice of the input space the decision boundary shows: two raw columns on the
/// axes, every other raw column held at `held`'s value.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundarySlice {
    /// The raw input columns across and up.
    pub axes: [usize; 2],
    /// A whole raw row, `[raw columns]`; the axis columns' entries are not read.
    pub held: Vec<f64>,
}

/// The network's outputs over a grid: `[cells, units]` (probabilities, or values in the
/// data's units for regression).
#[derive(Clone, Debug, PartialEq)]
pub struct GridValues {
    /// Where it was evaluated.
    pub spec: GridSpec,
    /// The raw row the other columns were held at, `[raw columns]`.
    pub held: Vec<f64>,
    /// One row per cell.
    pub outputs: Array2<f64>,
    /// Each architecture node's values over the grid, `[cells, width]` in node order
    /// (networks up to the trainer's `NODE_MAP_WIDTH_LIMIT` units in all).
    pub node_maps: Option<Vec<Array2<f32>>>,
}

/// The network's answer for one raw row the person set ("Try it"): probabilities for a
/// classifier, the value in the target's units for regression.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeValues {
    /// The raw row, `[raw columns]`.
    pub row: Vec<f64>,
    /// The outputs, `[output width]`.
    pub outputs: Vec<f64>,
    /// For a network of images: each image node's output for this row but the input's,
    /// `(node id, its size, its values channel by channel)`.
    pub feature_maps: Vec<(
        String,
        layerwright_nn::network::architecture::ImageSize,
        Vec<f32>,
    )>,
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
    /// Two-column data: each architecture node's values, `[points, width]` in node order,
    /// for the first [`Views::HIDDEN_SPACE_POINTS`] training examples (the hidden space).
    pub node_points: Option<Vec<Array2<f32>>>,
    /// Regression: predictions against the truth on the training split.
    pub regression_train: Option<RegressionView>,
    /// The same on the test split, when there is one.
    pub regression_test: Option<RegressionView>,
    /// What the gradients and units of each layer do now.
    pub dynamics: Option<DynamicsPoint>,
}

/// The training dynamics at one moment: the last finished epoch's gradient figures and the
/// units' activity on a fixed sample of at most
/// [`layerwright_nn::train::dynamics::ACTIVITY_SAMPLE`] training examples.
#[derive(Clone, Debug, PartialEq)]
pub struct DynamicsPoint {
    /// Epochs completed.
    pub epoch: usize,
    /// Each weighted layer's gradient norm and update ratio over that epoch.
    pub gradients: Vec<layerwright_nn::train::dynamics::LayerGradients>,
    /// Each hidden layer's saturated and dead units and histograms.
    pub activity: Vec<layerwright_nn::train::dynamics::LayerActivity>,
}

impl Views {
    /// The training examples at most whose node values are sent for the hidden space.
    pub const HIDDEN_SPACE_POINTS: usize = 600;
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
