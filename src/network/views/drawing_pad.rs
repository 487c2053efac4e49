//! A drawing pad at an image data set's size: the left button paints the chosen ink, the
//! right button erases, Clear blanks it. Its pixels are a raw row in the data's range, so
//! the network reads a drawing exactly as it reads a test image.

use egui::{Color32, Rect, Sense, Stroke, StrokeKind};
use layerwright_nn::data::ImageShape;

/// The pad's largest side in points.
const MAX_SIDE: f32 = 240.0;

/// The pixels drawn so far and the ink the left button paints.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawingPad {
    shape: ImageShape,
    /// The raw row: `channels` planes of `height × width` values, row by row.
    pixels: Vec<f64>,
    /// The value the left button paints (the data's full pixel at first).
    ink: f64,
    /// Where the pad was last drawn, in points.
    rect: Option<Rect>,
}

impl DrawingPad {
    /// A blank pad (every pixel the data's blank value) for images of `shape`.
    pub fn new(shape: ImageShape) -> Self {
        Self {
            shape,
            pixels: vec![shape.range[0]; shape.channels * shape.height * shape.width],
            ink: shape.range[1],
            rect: None,
        }
    }

    /// The image shape the pad draws.
    pub fn shape(&self) -> ImageShape {
        self.shape
    }

    /// The drawing as a raw row, `[channels·height·width]`.
    pub fn pixels(&self) -> &[f64] {
        &self.pixels
    }

    /// Shows `row` (a test image, say) on the pad; a row of another length is ignored.
    pub fn show(&mut self, row: &[f64]) {
        if row.len() == self.pixels.len() {
            self.pixels.copy_from_slice(row);
        }
    }

    /// Where the pad was last drawn, in points.
    pub fn rect(&self) -> Option<Rect> {
        self.rect
    }

    /// The pixel `(row, column)` under `position` on a pad drawn at `rect`.
    fn pixel_at(&self, rect: Rect, position: egui::Pos2) -> Option<(usize, usize)> {
        if !rect.contains(position) {
            return None;
        }
        let column = ((position.x - rect.min.x) / rect.width() * self.shape.width as f32) as usize;
        let row = ((position.y - rect.min.y) / rect.height() * self.shape.height as f32) as usize;
        Some((
            row.min(self.shape.height - 1),
            column.min(self.shape.width - 1),
        ))
    }

    /// Sets pixel `(row, column)` of every channel to `value`; returns whether it changed.
    fn paint(&mut self, (row, column): (usize, usize), value: f64) -> bool {
        let plane = self.shape.height * self.shape.width;
        let mut changed = false;
        for channel in 0..self.shape.channels {
            let pixel = &mut self.pixels[channel * plane + row * self.shape.width + column];
            changed |= *pixel != value;
            *pixel = value;
        }
        changed
    }

    /// The ink slider, Clear, and the pad; returns whether the drawing changed.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> bool {
        let mut changed = false;
        let [blank, full] = self.shape.range;
        ui.horizontal(|ui| {
            let label = ui
                .label("Ink")
                .on_hover_text("The value the left button paints.");
            ui.add(egui::Slider::new(&mut self.ink, blank..=full).max_decimals(2))
                .labelled_by(label.id)
                .on_hover_text("The value the left button paints.");
            if ui
                .button("Clear")
                .on_hover_text("Blank every pixel.")
                .clicked()
            {
                self.pixels.fill(blank);
                changed = true;
            }
        });
        let (width, height) = (self.shape.width as f32, self.shape.height as f32);
        let room = ui
            .available_height()
            .min(ui.available_width())
            .min(MAX_SIDE);
        let cell = (room / width.max(height)).max(4.0);
        let (rect, response) =
            ui.allocate_exact_size(egui::vec2(width * cell, height * cell), Sense::drag());
        let response = response.on_hover_text(
            "Paint with the left button, erase with the right; the network answers as you draw.",
        );
        self.rect = Some(rect);
        let (primary, secondary, pointer) = ui.input(|input| {
            (
                input.pointer.primary_down(),
                input.pointer.secondary_down(),
                input.pointer.interact_pos(),
            )
        });
        if (response.is_pointer_button_down_on() || response.dragged())
            && let Some(pixel) = pointer.and_then(|p| self.pixel_at(rect, p))
        {
            if primary {
                changed |= self.paint(pixel, self.ink);
            } else if secondary {
                changed |= self.paint(pixel, blank);
            }
        }
        let painter = ui.painter_at(rect);
        let plane = self.shape.height * self.shape.width;
        for row in 0..self.shape.height {
            for column in 0..self.shape.width {
                let index = row * self.shape.width + column;
                let ink = |channel: usize| self.shape.ink(self.pixels[channel * plane + index]);
                let colour = if self.shape.channels == 3 {
                    let [r, g, b] = [0, 1, 2].map(|c| (255.0 * ink(c)).round() as u8);
                    Color32::from_rgb(r, g, b)
                } else {
                    Color32::from_gray((255.0 * (1.0 - ink(0))).round() as u8)
                };
                let min = rect.min + egui::vec2(column as f32 * cell, row as f32 * cell);
                painter.rect_filled(
                    Rect::from_min_size(min, egui::vec2(cell, cell)),
                    0.0,
                    colour,
                );
            }
        }
        painter.rect_stroke(
            rect,
            0.0,
            Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
            StrokeKind::Inside,
        );
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pixel_is_found_under_the_pointer_and_painted_in_every_channel() {
        let shape = ImageShape {
            channels: 2,
            height: 2,
            width: 4,
            range: [0.0, 16.0],
        };
        let mut pad = DrawingPad::new(shape);
        assert_eq!(pad.pixels(), &[0.0; 16]);
        // A 40 × 20 pad: 10-point cells; (35, 15) is row 1, column 3.
        let rect = Rect::from_min_size(egui::pos2(0.0, 0.0), egui::vec2(40.0, 20.0));
        let pixel = pad.pixel_at(rect, egui::pos2(35.0, 15.0)).unwrap();
        assert_eq!(pixel, (1, 3));
        assert!(pad.paint(pixel, 16.0));
        assert!(
            !pad.paint(pixel, 16.0),
            "painting the same value changes nothing"
        );
        // Index 1·4 + 3 = 7 in each of the two planes.
        let painted: Vec<usize> = (0..16).filter(|&i| pad.pixels()[i] == 16.0).collect();
        assert_eq!(painted, [7, 15]);
        assert_eq!(pad.pixel_at(rect, egui::pos2(41.0, 5.0)), None);
    }
}
