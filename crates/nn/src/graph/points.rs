//! Points placed by hand on two-dimensional classification data (clicks on the decision
//! boundary): the document's data set becomes its own points, one more or one fewer.

use thiserror::Error;

use crate::data::{Dataset, Generator, LabeledPoint, Task};
use crate::graph::{DataSource, DatasetSpec};

/// Why points cannot be placed by hand on this data.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
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
    let limit = Generator::MAX_CLASSES;
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

/// `spec` with `points` as its data, all for training unless they already were points.
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
    next.image = None;
    next
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::data::load::load_dataset;
    use crate::graph::GraphDocument;

    /// An example document of the app's, read from `assets/examples/`.
    fn example(name: &str) -> GraphDocument {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/examples")
            .join(name);
        crate::graph::io::load_document(&path).unwrap()
    }

    fn xor_spec() -> (DatasetSpec, Dataset) {
        let document = example("xor.json");
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
        let document = example("linear-regression.json");
        let dataset = load_dataset(&document.dataset, None).unwrap();
        assert_eq!(
            with_point_added(&document.dataset, &dataset, [0.0, 0.0], 0),
            Err(PointsError::NotTwoDimensional(1))
        );
    }
}
