//! The palette of node kinds: click one to add it at the centre of the view, or drag it
//! onto the canvas.

use super::Editor;
use crate::commands::Command;
use crate::document::graph::{Edit, NodeTemplate, positions};
use crate::theme;

/// Draws the palette; returns the commands it asks for.
pub fn palette_ui(editor: &Editor, ui: &mut egui::Ui) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.heading("Nodes");
    ui.weak("Click to add, or drag onto the canvas.");
    ui.add_space(6.0);
    for template in NodeTemplate::PALETTE {
        let accent = theme::node_accent(match template {
            NodeTemplate::Input => theme::NodeColour::Input,
            NodeTemplate::Dense(_) | NodeTemplate::Activation(_) => theme::NodeColour::Dense,
            NodeTemplate::BatchNorm | NodeTemplate::LayerNorm => theme::NodeColour::Normalization,
            NodeTemplate::Conv2D
            | NodeTemplate::MaxPool2D
            | NodeTemplate::AvgPool2D
            | NodeTemplate::Flatten => theme::NodeColour::Image,
            NodeTemplate::Add | NodeTemplate::Concat => theme::NodeColour::Merge,
            NodeTemplate::Dropout => theme::NodeColour::Dropout,
            NodeTemplate::Output(..) => theme::NodeColour::Output,
        });
        let button = egui::Button::new(template.kind_label())
            .stroke(egui::Stroke::new(1.5, accent))
            .min_size(egui::vec2(ui.available_width(), 28.0))
            .sense(egui::Sense::click_and_drag());
        let response = ui.add(button).on_hover_text(template.description());
        if response.drag_started() {
            egui::DragAndDrop::set_payload(ui.ctx(), template);
        }
        if response.dragged() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
            if let Some(pointer) = ui.ctx().pointer_latest_pos() {
                egui::Area::new(egui::Id::new("palette-drag-preview"))
                    .order(egui::Order::Tooltip)
                    .fixed_pos(pointer + egui::vec2(8.0, 8.0))
                    .show(ui.ctx(), |ui| {
                        egui::Frame::popup(ui.style()).show(ui, |ui| {
                            ui.label(template.kind_label());
                        });
                    });
            }
        }
        if response.clicked() {
            // With one node selected, the new one goes after it, wired (as the add menu's
            // Enter does).
            let from = editor.wire_from_selection(template);
            let position = from
                .as_ref()
                .and_then(|id| positions(editor.document.document()).get(id).copied())
                .map_or_else(|| editor.free_spot(), |[x, y]| [x + 230.0, y]);
            commands.push(Command::Edit(Edit::AddNode {
                template,
                position,
                from,
                into: None,
            }));
        }
    }
    ui.add_space(10.0);
    ui.weak("Right-click the canvas or press A to search every kind.");
    ui.add_space(6.0);
    ui.weak("Shift+drag on the canvas selects a box of nodes; [ and ] step through them.");
    commands
}
