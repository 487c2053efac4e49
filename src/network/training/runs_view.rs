//! The training panel's side of the runs: the Runs window's requests, and the ticked runs'
//! curves drawn over the current ones.

use egui_plot::{Line, LineStyle, PlotPoints, PlotUi};

use super::panel::TrainingPanel;
use crate::commands::Command;
use crate::document::graph::Edit;
use crate::network::runs::sweep_window::SweepAction;
use crate::network::runs::window::{RunsAction, run_colour};

/// Which curve of a run an overlay draws.
#[derive(Clone, Copy)]
pub(super) enum OverlayCurve {
    /// The losses (log₁₀ when the plot is on a log scale).
    Loss {
        /// Whether the plot shows log₁₀ of the loss.
        log_scale: bool,
    },
    /// Accuracy or R².
    Score,
}

impl TrainingPanel {
    /// The Runs window, when open; its requests become edits and file saves, or change the
    /// runs directly (notes, deletions, kept weights).
    pub(super) fn runs_window_ui(
        &mut self,
        ctx: &egui::Context,
        document: &layerwright_nn::graph::GraphDocument,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        if self.sweep.open {
            for action in self.sweep.show(ctx, document) {
                match action {
                    SweepAction::Open(document) => {
                        commands.push(Command::Edit(Edit::ReplaceDocument(document)));
                    }
                }
            }
        }
        if !self.runs_window.open {
            return commands;
        }
        for action in self.runs_window.show(ctx, &self.runs) {
            match action {
                RunsAction::Open(id) => {
                    if let Some(document) = self.runs.document_of(id) {
                        commands.push(Command::Edit(Edit::ReplaceDocument(Box::new(document))));
                    }
                }
                RunsAction::KeepWeights(id) => self.runs.keep_weights(id),
                RunsAction::Delete(id) => {
                    self.runs.delete(id);
                    self.runs_window.overlay.remove(&id);
                }
                RunsAction::SetNote(id, note) => self.runs.set_note(id, note),
                RunsAction::ExportCsv => commands.push(Command::SaveText {
                    text: self.runs.to_csv(),
                    file_name: "runs.csv".to_owned(),
                }),
            }
        }
        commands
    }

    /// Draws each ticked run's curve in its colour: the training curve solid and named by
    /// the run, the test curve dashed.
    pub(super) fn overlay_ui(&self, plot: &mut PlotUi, curve: OverlayCurve) {
        for run in &self.runs.file.runs {
            if !self.runs_window.overlay.contains(&run.id) {
                continue;
            }
            let colour = run_colour(run.id);
            let values = |train: bool| -> Vec<[f64; 2]> {
                run.curve
                    .iter()
                    .filter_map(|p| {
                        let value = match curve {
                            OverlayCurve::Loss { log_scale } => {
                                let loss = if train {
                                    Some(p.train_loss)
                                } else {
                                    p.test_loss
                                };
                                loss.map(|l| if log_scale { l.max(1e-12).log10() } else { l })
                            }
                            OverlayCurve::Score => {
                                if train {
                                    p.train_score
                                } else {
                                    p.test_score
                                }
                            }
                        };
                        value.map(|v| [p.epoch as f64, v])
                    })
                    .collect()
            };
            plot.line(
                Line::new(run.name.clone(), PlotPoints::from(values(true)))
                    .color(colour)
                    .width(1.5),
            );
            let test = values(false);
            if !test.is_empty() {
                plot.line(
                    Line::new(format!("{} (test)", run.name), PlotPoints::from(test))
                        .color(colour)
                        .style(LineStyle::dashed_dense()),
                );
            }
        }
    }
}
