//! The training panel's left column: Train/Pause and the other training actions from the
//! command table, the live settings (learning rate, batch size, L2), the speed and the
//! status; then the curves and the views beside it.

use layerwright_nn::graph::GraphDocument;

use super::panel::TrainingPanel;
use crate::commands::{Action, Command};

impl TrainingPanel {
    /// The whole training panel: controls and settings, curves, views.
    /// The training panel: controls and settings, curves, decision boundary.
    pub fn ui(&mut self, ui: &mut egui::Ui, document: &GraphDocument) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(240.0);
                // The settings can outgrow a short panel: the column scrolls.
                egui::ScrollArea::vertical()
                    .id_salt("training-controls")
                    .show(ui, |ui| {
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
                            // Beside Gradient check…, so the status below fits the panel.
                            self.speed_ui(ui);
                            let runs = self.runs.file.runs.len();
                            if ui
                                .selectable_label(self.runs_window.open, format!("Runs ({runs})"))
                                .on_hover_text(
                                    "Every training run of this graph: compare them, draw \
                                     their curves together, open one again.",
                                )
                                .clicked()
                            {
                                self.runs_window.open = !self.runs_window.open;
                            }
                            let sweep_label = if self.sweep.is_running() {
                                "Sweep (running)…"
                            } else {
                                "Sweep…"
                            };
                            if ui
                                .selectable_label(self.sweep.open, sweep_label)
                                .on_hover_text(
                                    "Train the graph once per combination of a few settings, \
                                     on every core but one; each run joins the runs.",
                                )
                                .clicked()
                            {
                                self.sweep.open = !self.sweep.open;
                            }
                        });
                        commands.extend(super::settings::settings_ui(ui, document));
                        commands.extend(self.runs_window_ui(ui.ctx(), document));
                        ui.separator();
                        self.status_ui(ui);
                    });
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
