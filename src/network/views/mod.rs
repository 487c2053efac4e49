//! Views that show what a network has learned beyond its curves: unit maps and weights
//! inside nodes, the confusion matrix with each class's scores and the ROC curve, test
//! images, the fitted curve, a regression's errors and the loss surface, the boundary's
//! slice, the hidden space, receptive fields, inputs to try (with a drawing pad for images),
//! points placed by hand, plots saved as PNG, the UI's own frame times, and the training
//! dynamics (gradients, saturated and dead units).

pub mod boundary;
pub mod class_metrics;
pub mod confusion;
pub mod contours;
pub mod curves;
pub mod drawing_pad;
pub mod dynamics;
pub mod feature_maps;
pub mod hidden_space;
pub mod importance;
pub mod magnifier;
pub mod prediction_errors;
pub mod receptive_fields;
pub mod regression;
pub mod slice;
pub mod try_it;
pub mod units;

use layerwright_nn::data::Task;

/// The views of the training panel's right half.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The decision boundary (or the prediction heatmap, for regression) over two number
    /// columns, the others held.
    Boundary,
    /// Two-column data: the points and grid lines as a hidden layer maps them.
    HiddenSpace,
    /// One-column data with the fitted curve.
    Fit,
    /// Regression: predictions against the truth and the residuals, with MAE, RMSE and R².
    Errors,
    /// The loss over `(w, b)` with the descent path.
    LossSurface,
    /// True against predicted classes.
    Confusion,
    /// Test images with their predicted labels.
    TestImages,
    /// Each input column's permutation importance.
    Importance,
    /// Inputs the person sets (or draws) and the network's answer.
    TryIt,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: [Self; 9] = [
        Self::Boundary,
        Self::HiddenSpace,
        Self::Fit,
        Self::Errors,
        Self::LossSurface,
        Self::Confusion,
        Self::TestImages,
        Self::Importance,
        Self::TryIt,
    ];

    /// The tab's label.
    pub fn label(self, task: Task) -> &'static str {
        match (self, task) {
            (Self::Boundary, Task::Classification) => "Decision boundary",
            (Self::Boundary, Task::Regression) => "Prediction",
            (Self::HiddenSpace, _) => "Hidden space",
            (Self::Fit, _) => "Fit",
            (Self::Errors, _) => "Predicted vs actual",
            (Self::LossSurface, _) => "Loss surface",
            (Self::Confusion, _) => "Confusion matrix",
            (Self::TestImages, _) => "Test images",
            (Self::Importance, _) => "Which inputs matter",
            (Self::TryIt, _) => "Try it",
        }
    }

    /// What the tab shows.
    pub fn tooltip(self) -> &'static str {
        match self {
            Self::Boundary => {
                "The network's output over the input plane with the data. Click to add a \
                 point of the chosen class, Shift+click for the next class, right-click to \
                 remove the nearest point."
            }
            Self::HiddenSpace => {
                "The training points and the input plane's grid lines as a hidden layer sees \
                 them, on two of its units: a layer that separates the classes shows them \
                 apart."
            }
            Self::Fit => "The data and the network's prediction along the input.",
            Self::Errors => {
                "Each example's prediction against its true value, and the residuals \
                 (prediction − truth) against the prediction, with MAE, RMSE and R² on both \
                 splits."
            }
            Self::LossSurface => {
                "The loss L(w, b) of a one-weight line as a heatmap with level curves, and the \
                 path gradient descent takes down it."
            }
            Self::Confusion => {
                "How many examples of each true class (rows) were predicted as each class \
                 (columns), with each class's accuracy."
            }
            Self::TestImages => "Test examples drawn as images, with predicted and true labels.",
            Self::Importance => {
                "How much the model's score falls when one input column is shuffled: the \
                 columns it relies on fall most (permutation importance)."
            }
            Self::TryIt => {
                "Set each input yourself (or draw, for images) and watch the network's answer \
                 change as it trains; any data row can fill the inputs."
            }
        }
    }

    /// The file name suggested when the view is saved as PNG.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Boundary => "decision-boundary.png",
            Self::HiddenSpace => "hidden-space.png",
            Self::Fit => "fit.png",
            Self::Errors => "predicted-vs-actual.png",
            Self::LossSurface => "loss-surface.png",
            Self::Confusion => "confusion-matrix.png",
            Self::TestImages => "test-images.png",
            Self::Importance => "input-importance.png",
            Self::TryIt => "try-it.png",
        }
    }
}
