//! Beside the confusion matrix: each class's precision, recall and F1, and for two classes
//! the ROC curve with its area and a threshold to drag along it. The threshold is a view
//! only: `predict` and the exports keep calling class 1 above ½.

use egui::RichText;
use egui_plot::{Line, MarkerShape, Plot, PlotPoints, Points};
use layerwright_nn::train::metrics::{ConfusionMatrix, RocCurve};

use crate::network::snapshot::RocView;
use crate::theme::{class_colour, curve_colour};

/// The table of precision, recall and F1 per class, and their unweighted means (macro
/// averages) over the classes that have them.
pub fn class_scores_ui(ui: &mut egui::Ui, matrix: &ConfusionMatrix, class_names: &[String]) {
    let name = |c: usize| {
        class_names
            .get(c)
            .cloned()
            .unwrap_or_else(|| format!("class {c}"))
    };
    let shown = |value: Option<f64>| value.map_or_else(|| "–".to_owned(), |v| format!("{v:.3}"));
    let mut sums = [0.0; 3];
    let mut counts = [0usize; 3];
    egui::Grid::new("class-scores")
        .striped(true)
        .min_col_width(0.0)
        .show(ui, |ui| {
            ui.label(RichText::new("class").weak());
            ui.label("precision").on_hover_text(
                "Of the examples predicted as the class, the share that are of it: TP/(TP + FP).",
            );
            ui.label("recall")
                .on_hover_text("Of the class's examples, the share predicted as it: TP/(TP + FN).");
            ui.label("F1")
                .on_hover_text("The harmonic mean of precision and recall: 2·P·R/(P + R).");
            ui.label("examples");
            ui.end_row();
            for class in 0..matrix.classes() {
                let scores = matrix.class_scores(class);
                let values = [scores.precision, scores.recall, scores.f1];
                ui.label(name(class));
                for (k, value) in values.into_iter().enumerate() {
                    ui.label(shown(value)).on_hover_text(format!(
                        "{} of {}",
                        SCORE_NAMES[k],
                        name(class)
                    ));
                    if let Some(v) = value {
                        sums[k] += v;
                        counts[k] += 1;
                    }
                }
                ui.label(scores.support.to_string());
                ui.end_row();
            }
            ui.label(RichText::new("mean").weak())
                .on_hover_text("The unweighted mean over the classes (macro average).");
            for k in 0..3 {
                let mean = (counts[k] > 0).then(|| sums[k] / counts[k] as f64);
                ui.label(shown(mean));
            }
            ui.label(matrix.total().to_string());
            ui.end_row();
        });
}

/// Each score's name in tooltips.
const SCORE_NAMES: [&str; 3] = ["Precision", "Recall", "F1"];

/// The ROC curve with the chance diagonal and the point of `threshold` (`None`: the
/// model's own ½), which a drag on the plot or the slider moves. Returns the matrix at the
/// threshold when the person has moved it.
pub fn roc_ui(
    ui: &mut egui::Ui,
    roc: &RocView,
    threshold: &mut Option<f64>,
) -> Option<ConfusionMatrix> {
    let curve = &roc.curve;
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("ROC area (AUC) {:.4}", roc.area))
            .on_hover_text(
                "The chance that a random example of the second class scores above a random one \
             of the first (ties count a half): 1 is a perfect ranking, 0.5 is chance.",
            );
        if ui
            .add_enabled(threshold.is_some(), egui::Button::new("Back to ½"))
            .on_hover_text("Show the model's own matrix again.")
            .clicked()
        {
            *threshold = None;
        }
    });
    ui.horizontal(|ui| {
        let mut value = threshold.unwrap_or(0.5);
        let label = ui.label("Threshold");
        // The slider takes the row's width less its label and value box.
        ui.spacing_mut().slider_width = (ui.available_width() - 60.0).max(60.0);
        let slider = ui
            .add(egui::Slider::new(&mut value, 0.0..=1.0))
            .labelled_by(label.id)
            .on_hover_text(
                "Class 1 is called when its probability is at least this. A view only: \
                 predictions and exports keep ½.",
            );
        if slider.changed() {
            *threshold = Some(value);
        }
    });
    let index = curve.point_at(threshold.unwrap_or(0.5));
    let rates: Vec<[f64; 2]> = (0..curve.points.len())
        .filter_map(|k| curve.rates(k).map(|(x, y)| [x, y]))
        .collect();
    let marker = curve.rates(index).map(|(x, y)| [x, y]);
    let colour = curve_colour(ui.visuals().dark_mode);
    let weak = ui.visuals().weak_text_color();
    // A square that fits what is left of the column.
    let side = ui.available_width().min(ui.available_height()).max(80.0);
    let response = Plot::new("roc-curve")
        .width(side)
        .height(side)
        .data_aspect(1.0)
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_label("false-positive rate")
        .y_axis_label("true-positive rate")
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.line(
                Line::new("chance", PlotPoints::from(vec![[0.0, 0.0], [1.0, 1.0]]))
                    .color(weak)
                    .style(egui_plot::LineStyle::dashed_dense()),
            );
            plot.line(Line::new("ROC", PlotPoints::from(rates.clone())).color(colour));
            if let Some(point) = marker {
                plot.points(
                    Points::new("threshold", vec![point])
                        .shape(MarkerShape::Circle)
                        .radius(6.0)
                        .color(class_colour(1)),
                );
            }
            let dragging = plot.response().dragged() || plot.response().clicked();
            dragging.then(|| plot.pointer_coordinate()).flatten()
        });
    if let Some(pointer) = response.inner {
        *threshold = Some(nearest_threshold(curve, [pointer.x, pointer.y]));
    }
    response
        .response
        .on_hover_text("Drag along the curve to move the threshold: the matrix follows.");
    threshold.and_then(|_| curve.confusion_at(index))
}

/// The threshold of the curve's point nearest `(FPR, TPR)` (the first point's `+∞` becomes
/// 1, the slider's end).
fn nearest_threshold(curve: &RocCurve, position: [f64; 2]) -> f64 {
    let distance = |k: usize| {
        curve.rates(k).map_or(f64::INFINITY, |(x, y)| {
            (x - position[0]).powi(2) + (y - position[1]).powi(2)
        })
    };
    let best = (0..curve.points.len())
        .min_by(|&a, &b| distance(a).total_cmp(&distance(b)))
        .unwrap_or(0);
    curve.points.get(best).map_or(0.5, |p| p.threshold.min(1.0))
}
