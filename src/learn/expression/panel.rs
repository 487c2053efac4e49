//! The computational-graph mode's panels: the operations and presets on the left, the
//! canvas, and the backward pass with its narration on the right.

use super::viewer::{ExpressionViewer, shown};
use super::{ExpressionEdit, ExpressionEditor, KINDS};
use crate::commands::Command;
use crate::document::file_dialog::DialogKind;

impl ExpressionEditor {
    /// The computational-graph mode: operations and presets, the canvas, and the backward
    /// pass with its narration.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        let mut edits: Vec<ExpressionEdit> = Vec::new();
        egui::Panel::left("expression-palette")
            .resizable(false)
            .exact_size(150.0)
            .show(ui, |ui| {
                ui.heading("Operations");
                ui.weak("Click to add, or right-click the canvas. Wire an output into a, b or in.");
                for (index, op) in KINDS.into_iter().enumerate() {
                    if ui.button(op.name()).on_hover_text(op.rule()).clicked() {
                        let offset = 30.0 * (self.document().nodes.len() % 8) as f32;
                        edits.push(ExpressionEdit::AddNode {
                            op,
                            position: [200.0 + offset, 80.0 + offset + index as f32],
                        });
                    }
                }
                ui.separator();
                ui.heading("From the notes");
                for example in crate::examples::EXPRESSION_EXAMPLES {
                    if ui
                        .button(example.title)
                        .on_hover_text(example.file_name)
                        .clicked()
                        && let Err(message) = self.open_text(example.text, example.file_name)
                    {
                        commands.push(Command::ShowError(message));
                    }
                }
            });
        egui::Panel::right("expression-panel")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.panel_ui(ui, &mut commands));
            });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                self.sync_snarl();
                let numbers = self.shown_numbers();
                let document = self.document().clone();
                let mut viewer = ExpressionViewer {
                    document: &document,
                    numbers: &numbers,
                    edits: &mut edits,
                    fit: std::mem::take(&mut self.fit_requested),
                    canvas_rect: ui.available_rect_before_wrap(),
                };
                egui_snarl::ui::SnarlWidget::new()
                    .id_salt("expression-canvas")
                    .style(crate::canvas::canvas_style(ui))
                    .show(&mut self.snarl, &mut viewer, ui);
            });
        for edit in edits {
            if let Err(message) = self.apply(edit) {
                commands.push(Command::Notify(message));
            }
        }
        commands
    }

    /// The backward-pass controls, the result and each step's rule.
    fn panel_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.heading("Computational graph");
        let title = self.document().title.clone();
        if !title.is_empty() {
            ui.label(title);
        }
        // Owned: the buttons below change the editor.
        let evaluated = self.evaluate().clone();
        match &evaluated {
            Ok((_, _, evaluation)) => {
                if let Some(f) = evaluation.values.last() {
                    ui.label(
                        egui::RichText::new(format!("f = {}", shown(*f)))
                            .strong()
                            .size(18.0),
                    );
                }
            }
            Err(message) => {
                ui.colored_label(crate::theme::error_colour(ui.visuals().dark_mode), message);
            }
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Backward")
                .on_hover_text("Run the whole backward pass: every value gets ∂f/∂(value).")
                .clicked()
            {
                self.backward();
            }
            if ui
                .button("Step backward")
                .on_hover_text(
                    "One node of the backward pass at a time, from f back to the inputs.",
                )
                .clicked()
            {
                self.step_backward();
            }
            if ui
                .button("Clear gradients")
                .on_hover_text("Hide the gradients and start the backward pass again.")
                .clicked()
            {
                self.clear_gradients();
            }
        });
        ui.weak(
            "Each node shows its value (=) where its wires leave it; after the backward pass, \
             its gradient ∂f/∂(value) below, marked ∂.",
        );
        if let (Ok((graph, _, evaluation)), Some(revealed)) = (&evaluated, self.revealed()) {
            ui.separator();
            ui.strong("Backward pass");
            for (number, step) in evaluation.steps.iter().take(revealed).enumerate() {
                let node = &graph.nodes[step.node];
                let mut line = format!(
                    "{}. {} ({}): ∂f/∂{} = {}",
                    number + 1,
                    node.id,
                    node.op.name(),
                    node.id,
                    shown(step.upstream)
                );
                if step.sends.is_empty() {
                    line.push_str(". An input: the gradient stops here.");
                } else {
                    line.push_str(&format!(". The local rule: {}.", step.rule));
                    for (input, local, sent) in &step.sends {
                        line.push_str(&format!(
                            "\n    {} gets {} × {} = {}",
                            graph.nodes[*input].id,
                            shown(*local),
                            shown(step.upstream),
                            shown(*sent)
                        ));
                    }
                }
                ui.label(line);
            }
        }
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            if ui.button("Open expression…").clicked() {
                commands.push(Command::StartDialog(DialogKind::OpenExpression));
            }
            if ui.button("Save expression as…").clicked() {
                commands.push(Command::StartDialog(DialogKind::SaveExpression));
            }
        });
        ui.weak(format!("Shown: {}", self.name));
    }
}
