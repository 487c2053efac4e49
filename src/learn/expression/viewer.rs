//! How the computational-graph canvas draws expression nodes: each node's value where its
//! wire leaves it, its gradient `∂` after the backward pass (a second colour and the `∂`
//! prefix, never colour alone), and value fields for inputs and constants.

use egui::{Pos2, RichText, Ui};
use egui_snarl::ui::{SnarlPin, SnarlViewer};
use egui_snarl::{InPin, NodeId, OutPin, Snarl};
use layerwright_nn::graph::expression::{ExpressionDocument, ports};
use layerwright_nn::teach::autograd::ScalarOp;

use super::{ExpressionEdit, KINDS};
use crate::theme;

/// Reads the expression and the numbers to show; writes edits.
pub struct ExpressionViewer<'a> {
    /// The expression.
    pub document: &'a ExpressionDocument,
    /// Each document node's value and shown gradient.
    pub numbers: &'a [(Option<f64>, Option<f64>)],
    /// Edits asked for while drawing.
    pub edits: &'a mut Vec<ExpressionEdit>,
    /// Zoom and pan to show every node this frame.
    pub fit: bool,
    /// The canvas's area on screen.
    pub canvas_rect: egui::Rect,
}

/// A number as people read it: up to six significant digits, no trailing zeros.
pub fn shown(value: f64) -> String {
    if !value.is_finite() {
        return format!("{value}");
    }
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

impl ExpressionViewer<'_> {
    fn index(&self, snarl: &Snarl<String>, node: NodeId) -> Option<usize> {
        let id = snarl.get_node(node)?;
        self.document.nodes.iter().position(|n| &n.id == id)
    }
}

impl SnarlViewer<String> for ExpressionViewer<'_> {
    fn title(&mut self, node: &String) -> String {
        node.clone()
    }

    fn show_header(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) {
        let Some(index) = self.index(snarl, node) else {
            return;
        };
        let expression_node = &self.document.nodes[index];
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            ui.strong(&expression_node.id);
            ui.weak(expression_node.op.name());
            if expression_node.id == self.document.output {
                ui.label(RichText::new("= f").strong())
                    .on_hover_text("The output: gradients are ∂f/∂(each value).");
            }
        });
    }

    fn inputs(&mut self, node: &String) -> usize {
        self.document
            .nodes
            .iter()
            .find(|n| &n.id == node)
            .map_or(0, |n| n.op.arity())
    }

    fn outputs(&mut self, _node: &String) -> usize {
        1
    }

    fn show_input(
        &mut self,
        pin: &InPin,
        ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) -> impl SnarlPin + 'static {
        if let Some(index) = self.index(snarl, pin.id.node) {
            let names = ports(self.document.nodes[index].op);
            if let Some(name) = names.get(pin.id.input) {
                ui.weak(*name);
            }
        }
        crate::canvas::wire_pin(ui, !pin.remotes.is_empty())
    }

    fn show_output(
        &mut self,
        pin: &OutPin,
        ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) -> impl SnarlPin + 'static {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        if let Some(index) = self.index(snarl, pin.id.node) {
            let (value, gradient) = self.numbers.get(index).copied().unwrap_or((None, None));
            // Outputs are laid out right to left: the value sits by the pin (clear of it),
            // the gradient beyond it.
            ui.add_space(8.0);
            match value {
                Some(v) => ui.monospace(format!("= {}", shown(v))),
                None => ui.weak("= ?"),
            }
            .on_hover_text("The value flowing along this node's wires (forward pass).");
            if let Some(g) = gradient {
                let colour = theme::gradient_colour(ui.visuals().dark_mode);
                ui.label(
                    RichText::new(format!("∂ {}", shown(g)))
                        .monospace()
                        .color(colour),
                )
                .on_hover_text("∂f/∂(this value), from the backward pass.");
            }
        }
        crate::canvas::wire_pin(ui, !pin.remotes.is_empty())
    }

    fn has_body(&mut self, node: &String) -> bool {
        self.document.nodes.iter().any(|n| {
            &n.id == node
                && matches!(
                    n.op,
                    ScalarOp::Input { .. } | ScalarOp::Constant { .. } | ScalarOp::Power { .. }
                )
        })
    }

    fn show_body(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) {
        let Some(index) = self.index(snarl, node) else {
            return;
        };
        let expression_node = &self.document.nodes[index];
        let id = expression_node.id.clone();
        match expression_node.op {
            ScalarOp::Input { value } | ScalarOp::Constant { value } => {
                let mut edited = value;
                let label = ui.label("value");
                if ui
                    .add(egui::DragValue::new(&mut edited).speed(0.1))
                    .labelled_by(label.id)
                    .changed()
                {
                    self.edits
                        .push(ExpressionEdit::SetValue { id, value: edited });
                }
            }
            ScalarOp::Power { exponent } => {
                let mut edited = exponent;
                let label = ui.label("exponent n");
                if ui
                    .add(egui::DragValue::new(&mut edited).speed(0.1))
                    .labelled_by(label.id)
                    .changed()
                {
                    self.edits.push(ExpressionEdit::SetExponent {
                        id,
                        exponent: edited,
                    });
                }
            }
            _ => {}
        }
    }

    fn connect(&mut self, from: &OutPin, to: &InPin, snarl: &mut Snarl<String>) {
        let (Some(source), Some(target)) = (
            self.index(snarl, from.id.node),
            self.index(snarl, to.id.node),
        ) else {
            return;
        };
        let target_node = &self.document.nodes[target];
        if let Some(port) = ports(target_node.op).get(to.id.input) {
            self.edits.push(ExpressionEdit::Connect {
                from: self.document.nodes[source].id.clone(),
                to: format!("{}.{port}", target_node.id),
            });
        }
    }

    fn disconnect(&mut self, _from: &OutPin, to: &InPin, snarl: &mut Snarl<String>) {
        self.drop_inputs(to, snarl);
    }

    fn drop_inputs(&mut self, pin: &InPin, snarl: &mut Snarl<String>) {
        if let Some(target) = self.index(snarl, pin.id.node) {
            let target_node = &self.document.nodes[target];
            if let Some(port) = ports(target_node.op).get(pin.id.input) {
                self.edits.push(ExpressionEdit::Disconnect {
                    to: format!("{}.{port}", target_node.id),
                });
            }
        }
    }

    fn has_graph_menu(&mut self, _pos: Pos2, _snarl: &mut Snarl<String>) -> bool {
        true
    }

    fn show_graph_menu(&mut self, pos: Pos2, ui: &mut Ui, _snarl: &mut Snarl<String>) {
        ui.label("Add");
        for op in KINDS {
            if ui.button(op.name()).clicked() {
                self.edits.push(ExpressionEdit::AddNode {
                    op,
                    position: [pos.x, pos.y],
                });
                ui.close();
            }
        }
    }

    fn current_transform(
        &mut self,
        to_global: &mut egui::emath::TSTransform,
        snarl: &mut Snarl<String>,
    ) {
        if std::mem::take(&mut self.fit) && self.canvas_rect.is_positive() {
            let mut bounds = egui::Rect::NOTHING;
            for (pos, _) in snarl.nodes_pos() {
                bounds = bounds.union(egui::Rect::from_min_size(pos, egui::vec2(240.0, 90.0)));
            }
            if bounds.is_positive() {
                let bounds = bounds.expand(40.0);
                let scale = (self.canvas_rect.width() / bounds.width())
                    .min(self.canvas_rect.height() / bounds.height())
                    .clamp(0.3, 1.2);
                *to_global = egui::emath::TSTransform::new(
                    self.canvas_rect.center().to_vec2() - bounds.center().to_vec2() * scale,
                    scale,
                );
            }
        }
    }

    fn has_node_menu(&mut self, _node: &String) -> bool {
        true
    }

    fn show_node_menu(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) {
        let Some(index) = self.index(snarl, node) else {
            return;
        };
        let id = self.document.nodes[index].id.clone();
        if ui.button("Make this the output f").clicked() {
            self.edits
                .push(ExpressionEdit::SetOutput { id: id.clone() });
            ui.close();
        }
        if ui.button("Delete").clicked() {
            self.edits.push(ExpressionEdit::Delete { id });
            ui.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_shown_without_trailing_zeros() {
        assert_eq!(shown(-12.0), "-12");
        assert_eq!(shown(2.0 * 1.1), "2.2");
        assert_eq!(shown(0.1 + 0.2), "0.3");
        assert_eq!(shown(-0.0), "0");
        assert_eq!(shown(1.0 / 3.0), "0.333333");
    }
}
