//! A regression's errors for any number of inputs: MAE, RMSE and R² on both splits, the
//! predictions against the truth (on the line `ŷ = y` when right), and the residuals
//! `ŷ − y` against the predictions (flat around 0 when nothing is left to learn).

use egui_plot::{Legend, Line, MarkerShape, Plot, PlotPoints, Points};

use crate::network::snapshot::RegressionView;
use crate::theme::class_colour;

/// The errors table and the two plots; `show_test` outlines the test points too. Returns
/// where the plots were drawn.
pub fn prediction_errors_ui(
    ui: &mut egui::Ui,
    train: Option<&RegressionView>,
    test: Option<&RegressionView>,
    target_name: &str,
    show_test: bool,
) -> Option<egui::Rect> {
    let Some(train) = train else {
        ui.weak("The predictions appear once the trainer reports.");
        return None;
    };
    errors_table_ui(ui, train, test);
    let test = test.filter(|_| show_test);
    let top = ui.cursor().min;
    let width = (ui.available_width() - ui.spacing().item_spacing.x) / 2.0;
    let height = ui.available_height().max(120.0);
    let (low, high) = span(train, test);
    let reference_colour = ui.visuals().weak_text_color();
    ui.horizontal_top(|ui| {
        let points = |view: &RegressionView, residuals: bool| -> Vec<[f64; 2]> {
            if residuals {
                residual_points(&view.points)
            } else {
                view.points.clone()
            }
        };
        for residuals in [false, true] {
            let (id, x_label, y_label) = if residuals {
                (
                    "residuals",
                    format!("predicted {target_name}"),
                    "residual (predicted − actual)".to_owned(),
                )
            } else {
                (
                    "predicted-vs-actual",
                    format!("actual {target_name}"),
                    format!("predicted {target_name}"),
                )
            };
            let reference = if residuals {
                vec![[low, 0.0], [high, 0.0]]
            } else {
                vec![[low, low], [high, high]]
            };
            Plot::new(id)
                .width(width)
                .height(height)
                .legend(Legend::default())
                .x_axis_label(x_label)
                .y_axis_label(y_label)
                .show(ui, |plot| {
                    plot.line(
                        Line::new(if residuals { "ŷ − y = 0" } else { "ŷ = y" }, reference)
                            .color(reference_colour)
                            .style(egui_plot::LineStyle::dashed_dense()),
                    );
                    plot.points(
                        Points::new("train", PlotPoints::from(points(train, residuals)))
                            .shape(MarkerShape::Circle)
                            .radius(2.0)
                            .filled(true)
                            .color(class_colour(1)),
                    );
                    if let Some(test) = test {
                        plot.points(
                            Points::new("test", PlotPoints::from(points(test, residuals)))
                                .shape(MarkerShape::Circle)
                                .radius(3.5)
                                .filled(false)
                                .color(class_colour(0)),
                        );
                    }
                });
        }
    });
    Some(egui::Rect::from_min_max(top, ui.min_rect().max))
}

/// `(actual, predicted)` pairs as the residual plot's `(predicted, predicted − actual)`.
pub fn residual_points(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    points
        .iter()
        .map(|&[actual, predicted]| [predicted, predicted - actual])
        .collect()
}

/// MAE, RMSE and R² on each split, in the target's units.
fn errors_table_ui(ui: &mut egui::Ui, train: &RegressionView, test: Option<&RegressionView>) {
    egui::Grid::new("regression-errors")
        .striped(true)
        .show(ui, |ui| {
            ui.label("");
            ui.label("MAE")
                .on_hover_text("Mean absolute error: Σ|ŷ − y|/n, in the target's units.");
            ui.label("RMSE")
                .on_hover_text("Root mean squared error: √(Σ(ŷ − y)²/n), in the target's units.");
            ui.label("R²").on_hover_text(
                "1 − Σ(ŷ − y)²/Σ(y − ȳ)²: 1 is a perfect fit, 0 is no better than the mean.",
            );
            ui.end_row();
            for (name, view) in [("Training", Some(train)), ("Test", test)] {
                let Some(view) = view else { continue };
                let errors = view.errors;
                ui.label(name);
                ui.label(format!("{:.4}", errors.mae));
                ui.label(format!("{:.4}", errors.rmse));
                ui.label(
                    errors
                        .r_squared
                        .map_or_else(|| "–".to_owned(), |r| format!("{r:.6}")),
                )
                .on_hover_text(format!("{name} R²"));
                ui.end_row();
            }
        });
}

/// The smallest and largest value, actual or predicted, over the points drawn: where the
/// reference line runs.
fn span(train: &RegressionView, test: Option<&RegressionView>) -> (f64, f64) {
    let values = train
        .points
        .iter()
        .chain(test.iter().flat_map(|t| t.points.iter()))
        .flatten()
        .copied()
        .filter(|v| v.is_finite());
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if low <= high { (low, high) } else { (0.0, 1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residuals_of_a_hand_made_regression() {
        // ŷ = 2x + 1 at x = 0, 1, 2 against y = 1.5, 2.5, 5: predictions 1, 3, 5.
        let points = [[1.5, 1.0], [2.5, 3.0], [5.0, 5.0]];
        assert_eq!(
            residual_points(&points),
            [[1.0, -0.5], [3.0, 0.5], [5.0, 0.0]]
        );
    }
}
