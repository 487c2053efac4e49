//! The loss and score curves of the training panel: the current run's training, test and
//! validation curves, the best epoch when early stopping watches, and ticked runs drawn
//! over them.

use egui_plot::{Legend, Line, Plot, PlotPoints};
use layerwright_nn::data::Task;

use super::panel::{CurvesTab, TrainingPanel};
use super::runs_view::OverlayCurve;
use crate::commands::Command;
use crate::document::export::PlotCapture;
use crate::theme::class_colour;

/// The epochs the curves' x axis spans at least, so the first points have a readable axis.
const FIRST_EPOCHS_SHOWN: f64 = 10.0;

impl TrainingPanel {
    /// The loss (and accuracy) curves, or on the other tab the training dynamics.
    pub fn curves_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.horizontal(|ui| {
            let tab = &mut self.choices.curves_tab;
            ui.selectable_value(tab, CurvesTab::Curves, "Curves")
                .on_hover_text("Loss and accuracy over the epochs.");
            ui.selectable_value(tab, CurvesTab::Dynamics, "Dynamics")
                .on_hover_text(
                    "Inside training, per layer: gradient norms, update ratios, saturated and \
                     dead units, histograms of what goes in and out.",
                );
            ui.separator();
            let on_curves = self.choices.curves_tab == CurvesTab::Curves;
            if on_curves {
                ui.checkbox(&mut self.choices.log_scale, "Log scale")
                    .on_hover_text("Plot log₁₀ of the loss.");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(rect) = self.areas.curves
                    && ui
                        .small_button("Save PNG…")
                        .on_hover_text("Save the plots as a PNG image, for slides and handouts.")
                        .clicked()
                {
                    let file_name = if on_curves {
                        "training-curves.png"
                    } else {
                        "training-dynamics.png"
                    };
                    commands.push(Command::SavePlot(PlotCapture {
                        rect,
                        file_name: file_name.to_owned(),
                    }));
                }
            });
        });
        if self.choices.curves_tab == CurvesTab::Dynamics {
            let top = ui.cursor().min;
            let latest = self.data.views.dynamics.as_ref();
            crate::network::views::dynamics::dynamics_ui(
                ui,
                &self.data.dynamics,
                latest,
                &mut self.choices.dynamics,
            );
            self.areas.curves = Some(egui::Rect::from_min_max(top, ui.min_rect().max));
            return commands;
        }
        let top = ui.cursor().min;
        // Thinned to at most a thousand points a line, remade only when the history grows.
        self.curve_cache
            .update(self.run.history(), self.choices.log_scale);
        let curves = &self.curve_cache;
        let height = (ui.available_height() * 0.6).max(80.0);
        let log_scale = self.choices.log_scale;
        let best_epoch = self.run.best_epoch();
        let watches_validation = self
            .data
            .graph
            .as_ref()
            .and_then(|graph| graph.early_stopping)
            .is_some_and(|rule| rule.validation_fraction() > 0.0);
        // Before the first epochs the axis still reads as epochs from 0.
        Plot::new("loss-curves")
            .height(height)
            .legend(Legend::default())
            .x_axis_label("epoch")
            .y_axis_label(if log_scale { "log₁₀ loss" } else { "loss" })
            .include_x(0.0)
            .include_x(FIRST_EPOCHS_SHOWN)
            .show(ui, |plot| {
                plot.line(
                    Line::new("train loss", PlotPoints::from(curves.train_loss.clone()))
                        .color(class_colour(1)),
                );
                if !curves.test_loss.is_empty() {
                    plot.line(
                        Line::new("test loss", PlotPoints::from(curves.test_loss.clone()))
                            .color(class_colour(0)),
                    );
                }
                // Watching the test split draws nothing new: its loss is the test loss.
                if !curves.watched_loss.is_empty() && watches_validation {
                    plot.line(
                        Line::new(
                            "validation loss",
                            PlotPoints::from(curves.watched_loss.clone()),
                        )
                        .color(class_colour(2))
                        .style(egui_plot::LineStyle::dashed_loose()),
                    );
                }
                self.overlay_ui(plot, OverlayCurve::Loss { log_scale });
                if let Some(best) = best_epoch {
                    plot.vline(
                        egui_plot::VLine::new(format!("best epoch {best}"), best as f64)
                            .color(class_colour(2)),
                    );
                }
            });
        let score_name = match self.data.task {
            Task::Classification => "accuracy",
            Task::Regression => "R²",
        };
        Plot::new("score-curves")
            .legend(Legend::default())
            .x_axis_label("epoch")
            .y_axis_label(score_name)
            .include_x(0.0)
            .include_x(FIRST_EPOCHS_SHOWN)
            .include_y(0.0)
            .include_y(1.0)
            .show(ui, |plot| {
                plot.line(
                    Line::new(
                        format!("train {score_name}"),
                        PlotPoints::from(curves.train_score.clone()),
                    )
                    .color(class_colour(1)),
                );
                if !curves.test_score.is_empty() {
                    plot.line(
                        Line::new(
                            format!("test {score_name}"),
                            PlotPoints::from(curves.test_score.clone()),
                        )
                        .color(class_colour(0)),
                    );
                }
                self.overlay_ui(plot, OverlayCurve::Score);
            });
        self.areas.curves = Some(egui::Rect::from_min_max(top, ui.min_rect().max));
        commands
    }
}

impl TrainingPanel {
    /// The dynamics view's history of gradient figures and stuck units.
    pub fn dynamics_history(&self) -> &crate::network::views::dynamics::DynamicsHistory {
        &self.data.dynamics
    }

    /// The trainer's latest dynamics figures, if any arrived.
    pub fn latest_dynamics(&self) -> Option<&crate::network::snapshot::DynamicsPoint> {
        self.data.views.dynamics.as_ref()
    }
}
