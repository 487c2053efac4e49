//! Views that show what a network has learned beyond its curves: unit maps and weights
//! inside nodes, the confusion matrix, test images, the fitted curve and the loss surface,
//! points placed by hand, plots saved as PNG, and the UI's own frame times.

pub mod boundary;
pub mod confusion;
pub mod contours;
pub mod curves;
pub mod regression;
pub mod units;

use layerwright_nn::data::{Dataset, LabeledPoint, Task};
use layerwright_nn::graph::{DataSource, DatasetSpec};

/// The views of the training panel's right half.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The decision boundary (or the prediction heatmap, for regression) over 2-D data.
    Boundary,
    /// One-column data with the fitted curve.
    Fit,
    /// The loss over `(w, b)` with the descent path.
    LossSurface,
    /// True against predicted classes.
    Confusion,
    /// Test images with their predicted labels.
    TestImages,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: [Self; 5] = [
        Self::Boundary,
        Self::Fit,
        Self::LossSurface,
        Self::Confusion,
        Self::TestImages,
    ];

    /// The tab's label.
    pub fn label(self, task: Task) -> &'static str {
        match (self, task) {
            (Self::Boundary, Task::Classification) => "Decision boundary",
            (Self::Boundary, Task::Regression) => "Prediction",
            (Self::Fit, _) => "Fit",
            (Self::LossSurface, _) => "Loss surface",
            (Self::Confusion, _) => "Confusion matrix",
            (Self::TestImages, _) => "Test images",
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
            Self::Fit => "The data and the network's prediction along the input.",
            Self::LossSurface => {
                "The loss L(w, b) of a one-weight line as a heatmap with level curves, and the \
                 path gradient descent takes down it."
            }
            Self::Confusion => {
                "How many examples of each true class (rows) were predicted as each class \
                 (columns), with each class's accuracy."
            }
            Self::TestImages => "Test examples drawn as images, with predicted and true labels.",
        }
    }

    /// The file name suggested when the view is saved as PNG.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Boundary => "decision-boundary.png",
            Self::Fit => "fit.png",
            Self::LossSurface => "loss-surface.png",
            Self::Confusion => "confusion-matrix.png",
            Self::TestImages => "test-images.png",
        }
    }
}

/// Why points cannot be placed by hand on this data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PointsError {
    /// Points have two coordinates.
    #[error("points can be placed on data with two input columns; this data has {0}")]
    NotTwoDimensional(usize),
    /// Points carry a class.
    #[error("points can be placed for classification; this data set is for regression")]
    Regression,
    /// The class is too large.
    #[error("class {class} is beyond the {limit} classes supported")]
    TooManyClasses {
        /// The class asked for.
        class: usize,
        /// How many there may be.
        limit: usize,
    },
}

/// The data set's examples as hand-placed points, or why they cannot be.
fn points_of(spec: &DatasetSpec, dataset: &Dataset) -> Result<Vec<LabeledPoint>, PointsError> {
    if dataset.feature_count() != 2 {
        return Err(PointsError::NotTwoDimensional(dataset.feature_count()));
    }
    if spec.task == Task::Regression {
        return Err(PointsError::Regression);
    }
    Ok(match &spec.source {
        DataSource::Points { points, .. } => points.clone(),
        _ => dataset
            .inputs
            .rows()
            .into_iter()
            .zip(&dataset.targets)
            .map(|(row, &label)| LabeledPoint {
                x: row[0],
                y: row[1],
                label,
            })
            .collect(),
    })
}

/// The data set with one more point of `class` at `(x, y)`. Data from anywhere else first
/// becomes its own points, every one of them for training (as in a drawing demo: a click
/// should not reshuffle the test split); the person can undo back to the original.
pub fn with_point_added(
    spec: &DatasetSpec,
    dataset: &Dataset,
    [x, y]: [f64; 2],
    class: usize,
) -> Result<DatasetSpec, PointsError> {
    let limit = layerwright_nn::data::Generator::MAX_CLASSES;
    if class >= limit {
        return Err(PointsError::TooManyClasses { class, limit });
    }
    let mut points = points_of(spec, dataset)?;
    points.push(LabeledPoint {
        x,
        y,
        label: class as f64,
    });
    Ok(as_points(spec, dataset, points, class + 1))
}

/// The data set without the point nearest `(x, y)`; `None` when there is no point left.
pub fn with_nearest_removed(
    spec: &DatasetSpec,
    dataset: &Dataset,
    [x, y]: [f64; 2],
) -> Result<Option<DatasetSpec>, PointsError> {
    let mut points = points_of(spec, dataset)?;
    let nearest = points
        .iter()
        .enumerate()
        .map(|(i, p)| (i, (p.x - x).powi(2) + (p.y - y).powi(2)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i);
    let Some(index) = nearest else {
        return Ok(None);
    };
    points.remove(index);
    Ok(Some(as_points(spec, dataset, points, 0)))
}

fn as_points(
    spec: &DatasetSpec,
    dataset: &Dataset,
    points: Vec<LabeledPoint>,
    at_least_classes: usize,
) -> DatasetSpec {
    let mut next = spec.clone();
    let classes = dataset.class_count().max(at_least_classes).max(2);
    if !matches!(spec.source, DataSource::Points { .. }) {
        next.train_fraction = 1.0;
    }
    next.source = DataSource::Points { points, classes };
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerwright_nn::compile::load_dataset;
    use layerwright_nn::graph::GraphDocument;

    fn xor_spec() -> (DatasetSpec, Dataset) {
        let text = crate::examples::example("xor.json").unwrap().text;
        let document: GraphDocument = serde_json::from_str(text).unwrap();
        let dataset = load_dataset(&document.dataset, None).unwrap();
        (document.dataset, dataset)
    }

    #[test]
    fn a_click_turns_generated_data_into_points_plus_the_new_one() {
        let (spec, dataset) = xor_spec();
        let next = with_point_added(&spec, &dataset, [0.5, -0.25], 1).unwrap();
        let DataSource::Points { points, classes } = &next.source else {
            panic!("not points: {:?}", next.source);
        };
        assert_eq!(points.len(), dataset.len() + 1);
        assert_eq!(
            points.last(),
            Some(&LabeledPoint {
                x: 0.5,
                y: -0.25,
                label: 1.0
            })
        );
        assert_eq!(points[0].x, dataset.inputs[[0, 0]]);
        assert_eq!(*classes, 2);
        assert_eq!(next.train_fraction, 1.0);
        // Adding to points keeps the split the person chose.
        let mut custom = next.clone();
        custom.train_fraction = 0.8;
        let again = with_point_added(&custom, &dataset, [0.0, 0.0], 2).unwrap();
        assert_eq!(again.train_fraction, 0.8);
        let DataSource::Points { points, classes } = &again.source else {
            panic!()
        };
        assert_eq!((points.len(), *classes), (dataset.len() + 2, 3));
    }

    #[test]
    fn a_right_click_removes_the_nearest_point_only() {
        let (spec, dataset) = xor_spec();
        let target = [dataset.inputs[[3, 0]], dataset.inputs[[3, 1]]];
        let next = with_nearest_removed(&spec, &dataset, [target[0] + 1e-9, target[1]])
            .unwrap()
            .unwrap();
        let DataSource::Points { points, .. } = &next.source else {
            panic!()
        };
        assert_eq!(points.len(), dataset.len() - 1);
        assert!(!points.iter().any(|p| p.x == target[0] && p.y == target[1]));
    }

    #[test]
    fn points_need_two_dimensional_classification_data() {
        let text = crate::examples::example("linear-regression.json")
            .unwrap()
            .text;
        let document: GraphDocument = serde_json::from_str(text).unwrap();
        let dataset = load_dataset(&document.dataset, None).unwrap();
        assert_eq!(
            with_point_added(&document.dataset, &dataset, [0.0, 0.0], 0),
            Err(PointsError::NotTwoDimensional(1))
        );
    }
}
