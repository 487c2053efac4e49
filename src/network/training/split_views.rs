//! What the views show of each split's predictions, worked out on the trainer thread: a
//! classifier's confusion matrix (and, for two classes, its ROC curve), a regression's
//! predicted-against-actual points and its errors in the target's units.

use layerwright_nn::Session;
use layerwright_nn::data::{PreparedData, Samples, Task};
use layerwright_nn::train::metrics::{ConfusionMatrix, RegressionErrors, RocCurve, classes_of};
use ndarray::Array2;

use crate::network::snapshot::{RegressionView, RocView, Views};

/// Predicts both splits with `session` and fills the confusion matrices, ROC curves and
/// regression views of `views`.
pub(super) fn add_split_views(session: &mut Session, data: &PreparedData, views: &mut Views) {
    let description = &data.description;
    for (samples, is_test) in [(&data.train, false), (&data.test, true)] {
        if samples.is_empty() {
            continue;
        }
        let Ok(outputs) = session.predict(samples.inputs.view()) else {
            continue;
        };
        match description.task {
            Task::Classification => {
                let classes = description.class_names.len().max(2);
                let predicted = classes_of(outputs.view());
                let truth = classes_of(samples.targets.view());
                let matrix = ConfusionMatrix::from_labels(classes, &truth, &predicted);
                let roc = (classes == 2).then(|| roc_view(&outputs, &truth)).flatten();
                if is_test {
                    views.confusion_test = Some(matrix);
                    views.test_predictions = predicted;
                    views.roc_test = roc;
                } else {
                    views.confusion_train = Some(matrix);
                    views.roc_train = roc;
                }
            }
            Task::Regression => {
                let view = regression_view(data, samples, outputs);
                if is_test {
                    views.regression_test = view;
                } else {
                    views.regression_train = view;
                }
            }
        }
    }
}

/// The ROC curve of class 1's probability (the last output column: a sigmoid's only one,
/// a two-way softmax's second).
fn roc_view(outputs: &Array2<f64>, truth: &[usize]) -> Option<RocView> {
    let last = outputs.ncols().checked_sub(1)?;
    let scores: Vec<f64> = outputs.column(last).to_vec();
    let positive: Vec<bool> = truth.iter().map(|&class| class == 1).collect();
    let curve = RocCurve::of(&scores, &positive)?;
    Some(RocView {
        area: curve.area(),
        curve: curve.thinned(RocView::POINTS),
    })
}

/// Predictions and targets back in the target's units, their errors, and an even sample of
/// `(actual, predicted)` pairs.
fn regression_view(
    data: &PreparedData,
    samples: &Samples<f32>,
    outputs: Array2<f64>,
) -> Option<RegressionView> {
    let description = &data.description;
    let predicted = description.decode_outputs(outputs);
    let actual = description.decode_outputs(samples.targets.mapv(f64::from));
    let predicted: Vec<f64> = predicted.column(0).to_vec();
    let actual: Vec<f64> = actual.column(0).to_vec();
    let errors = RegressionErrors::of(&actual, &predicted)?;
    let step = actual.len().div_ceil(RegressionView::POINTS).max(1);
    let points = actual
        .iter()
        .zip(&predicted)
        .step_by(step)
        .map(|(&a, &p)| [a, p])
        .collect();
    Some(RegressionView { errors, points })
}
