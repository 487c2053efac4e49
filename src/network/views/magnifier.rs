//! A grid of small pictures inside a node, each drawn large at once while hovered (a
//! magnifier, no tooltip delay): receptive fields, filters and feature maps share it.

use egui::{Color32, Sense, Stroke, TextureHandle, Ui, vec2};

/// Pictures per row.
const PER_ROW: usize = 4;
/// A picture's height in the node, points.
const SMALL: f32 = 26.0;
/// Its height while hovered, points.
const LARGE: f32 = 180.0;
/// The widest a picture is drawn, as a multiple of its height.
const WIDEST: f32 = 3.0;

/// Draws `textures` four to a row; picture `i` is labelled `label(i)` for tests and screen
/// readers, and while hovered is outlined and shown large under `caption(i)`.
pub fn picture_grid_ui(
    ui: &mut Ui,
    textures: &[TextureHandle],
    label: impl Fn(usize) -> String,
    caption: impl Fn(usize) -> String,
) {
    let highlight = ui.visuals().selection.stroke.color;
    ui.vertical(|ui| {
        ui.spacing_mut().item_spacing = vec2(2.0, 2.0);
        for (row, chunk) in textures.chunks(PER_ROW).enumerate() {
            ui.horizontal(|ui| {
                for (offset, texture) in chunk.iter().enumerate() {
                    let index = row * PER_ROW + offset;
                    let [width, height] = texture.size();
                    let aspect = (width as f32 / height.max(1) as f32).min(WIDEST);
                    let (rect, response) =
                        ui.allocate_exact_size(vec2(SMALL * aspect, SMALL), Sense::hover());
                    let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
                    ui.painter().image(texture.id(), rect, uv, Color32::WHITE);
                    response.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::WidgetType::Image, true, label(index))
                    });
                    if response.hovered() {
                        ui.painter().rect_stroke(
                            rect,
                            2.0,
                            Stroke::new(2.0, highlight),
                            egui::StrokeKind::Outside,
                        );
                        egui::Tooltip::for_widget(&response)
                            .at_pointer()
                            .show(|ui| {
                                ui.label(caption(index));
                                ui.image((texture.id(), vec2(LARGE * aspect, LARGE)));
                            });
                    }
                }
            });
        }
    });
}
