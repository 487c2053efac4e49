//! The training panel's left column: Train/Pause and the other training actions from the
//! command table, the live settings (learning rate, batch size, L2), the speed and the
//! status; then the curves and the views beside it.

use layerwright_nn::graph::GraphDocument;

use super::panel::TrainingPanel;
use crate::commands::{Action, Command};
use crate::document::graph::Edit;

impl TrainingPanel {
    /// The whole training panel: controls and settings, curves, views.
    /// The training panel: controls and settings, curves, decision boundary.
    pub fn ui(&mut self, ui: &mut egui::Ui, document: &GraphDocument) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(240.0);
                ui.heading("Training");
                ui.horizontal_wrapped(|ui| {
                    let train_label = if self.run.is_playing() {
                        "Pause"
                    } else {
                        "Train"
                    };
                    let mut controls = vec![(Action::TrainPause, train_label)];
                    controls.extend([
                        (Action::StepEpoch, "Step epoch"),
                        (Action::StepBatch, "Step batch"),
                        (Action::ResetTraining, "Reset"),
                        (Action::ResetNewSeed, "Reset with new seed"),
                        (Action::GradientCheck, "Gradient check…"),
                    ]);
                    for (action, label) in controls {
                        let keys = action
                            .shortcut_text(ui.ctx())
                            .map_or_else(String::new, |k| format!(" ({k})"));
                        if ui
                            .button(label)
                            .on_hover_text(format!("{}{keys}", action.tooltip()))
                            .clicked()
                        {
                            commands.push(Command::Action(action));
                        }
                    }
                });
                commands.extend(settings_ui(ui, document));
                self.speed_ui(ui);
                ui.separator();
                self.status_ui(ui);
            });
            ui.separator();
            let width = ((ui.available_width() - 16.0) / 2.0).max(120.0);
            ui.vertical(|ui| {
                ui.set_width(width);
                commands.extend(self.curves_ui(ui));
            });
            ui.separator();
            ui.vertical(|ui| {
                ui.set_width(width);
                commands.extend(self.views_ui(ui, document));
            });
        });
        commands
    }
}

/// Learning rate, batch size and regularization, applied live (no recompile).
/// Learning rate, batch size and regularization, applied live.
pub fn settings_ui(ui: &mut egui::Ui, document: &GraphDocument) -> Option<Command> {
    use layerwright_nn::{Batching, Regularization};
    let mut training = document.training.clone();
    let mut field = None;
    egui::Grid::new("training-settings")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui
                .label("Learning rate")
                .on_hover_text("η in w ← w − η·∂L/∂w (eq. 1.8)");
            if ui
                .add(
                    egui::DragValue::new(&mut training.learning_rate)
                        .range(1e-6..=10.0)
                        .speed(0.001)
                        .max_decimals(6),
                )
                .labelled_by(label.id)
                .changed()
            {
                field = Some("learning_rate");
            }
            ui.end_row();
            let label = ui
                .label("Batch size")
                .on_hover_text("Examples per update; the last, shorter batch counts as one.");
            let full = matches!(training.batching, Batching::FullBatch);
            ui.horizontal(|ui| {
                // A full batch has no size to show: a drag value would clamp it to its
                // range and so change the document just by drawing it.
                if full {
                    ui.weak("every example");
                } else {
                    let mut size = training.batching.batch_size(usize::MAX);
                    let response = ui
                        .add(egui::DragValue::new(&mut size).range(1..=4096))
                        .labelled_by(label.id);
                    if response.changed() {
                        training.batching = if size == 1 {
                            Batching::PerExample
                        } else {
                            Batching::MiniBatch { size }
                        };
                        field = Some("batching");
                    }
                }
                let mut all = full;
                let toggled = ui
                    .checkbox(&mut all, "All")
                    .on_hover_text(
                        "Full batch: one update per epoch, on the mean gradient of every training example.",
                    )
                    .changed();
                if toggled {
                    training.batching = if all {
                        Batching::FullBatch
                    } else {
                        Batching::MiniBatch { size: 32 }
                    };
                    field = Some("batching");
                }
            });
            ui.end_row();
            let label = ui
                .label("L2 rate")
                .on_hover_text("Weight decay: adds rate·w to each weight's gradient (0: off).");
            let mut rate = match training.regularization {
                Regularization::L2 { rate } | Regularization::L1 { rate } => rate,
                Regularization::None => 0.0,
            };
            if ui
                .add(
                    egui::DragValue::new(&mut rate)
                        .range(0.0..=1.0)
                        .speed(0.0001)
                        .max_decimals(5),
                )
                .labelled_by(label.id)
                .changed()
            {
                training.regularization = if rate > 0.0 {
                    Regularization::L2 { rate }
                } else {
                    Regularization::None
                };
                field = Some("regularization");
            }
            ui.end_row();
        });
    field.map(|field| Command::Edit(Edit::UpdateTraining { training, field }))
}
