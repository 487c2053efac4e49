//! What both canvases share (the network editor's and the computational graph's): their
//! look and their pins.

use egui::{Color32, Stroke, Ui};
use egui_snarl::ui::{PinInfo, SnarlStyle};

use crate::theme;

/// How both canvases look (the network's and the computational graph's): a faint 40-point
/// grid, thick wires, large pins, nodes that do not collapse.
pub fn canvas_style(ui: &egui::Ui) -> SnarlStyle {
    let mut style = SnarlStyle::new();
    style.collapsible = Some(false);
    style.bg_pattern = Some(egui_snarl::ui::BackgroundPattern::grid(
        egui::vec2(40.0, 40.0),
        0.0,
    ));
    let faint = ui
        .visuals()
        .widgets
        .noninteractive
        .bg_stroke
        .color
        .gamma_multiply(0.35);
    style.bg_pattern_stroke = Some(egui::Stroke::new(1.0, faint));
    style.wire_width = Some(2.5);
    style.pin_size = Some(12.0);
    style
}

/// A pin as both canvases draw it: a ring in the wire colour, filled once connected.
pub fn wire_pin(ui: &Ui, connected: bool) -> PinInfo {
    let colour = theme::wire_colour(ui.visuals().dark_mode);
    PinInfo::circle()
        .with_fill(if connected {
            colour
        } else {
            Color32::TRANSPARENT
        })
        .with_stroke(Stroke::new(1.5, colour))
        .with_wire_color(colour)
}
