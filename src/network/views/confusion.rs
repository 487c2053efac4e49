//! Classification views: the confusion matrix with per-class accuracy, and a strip of test
//! images (for image data such as the 8×8 digits) with predicted and true labels.

use egui::{Align2, Color32, ColorImage, FontId, RichText, Sense, TextureHandle, TextureOptions};
use layerwright_nn::train::metrics::ConfusionMatrix;

use crate::theme::{class_colour, error_colour, tint};

/// The largest cell of the matrix, in points.
const CELL: f32 = 46.0;

/// The matrix: rows are true classes, columns predicted ones; each cell shows its count
/// and is tinted by its share of the row. Per-class accuracy (recall) closes each row.
pub fn confusion_ui(ui: &mut egui::Ui, matrix: &ConfusionMatrix, class_names: &[String]) {
    let classes = matrix.classes();
    let name = |c: usize| {
        class_names
            .get(c)
            .cloned()
            .unwrap_or_else(|| format!("class {c}"))
    };
    if let Some(accuracy) = matrix.accuracy() {
        ui.label(format!(
            "Accuracy {:.1}% ({} of {} correct)",
            accuracy * 100.0,
            matrix.correct(),
            matrix.total()
        ));
    }
    // Cells shrink so that ten classes fit the panel without scrolling.
    let rows = classes as f32 + 1.5;
    // The first column (class names) and the last (accuracy) take about 150 points.
    let cell_width = ((ui.available_width() - 150.0) / classes as f32 - 2.0).clamp(24.0, CELL);
    let cell_height = ((ui.available_height() - 8.0) / rows - 2.0).clamp(14.0, CELL * 0.6);
    let font = FontId::monospace(if cell_height < 20.0 { 11.0 } else { 14.0 });
    let background = ui.visuals().extreme_bg_color;
    let text = ui.visuals().text_color();
    let wrong = error_colour(ui.visuals().dark_mode);
    egui::ScrollArea::both().show(ui, |ui| {
        egui::Grid::new("confusion-matrix")
            .spacing([2.0, 2.0])
            .show(ui, |ui| {
                ui.label(RichText::new("true \\ predicted").weak())
                    .on_hover_text("Rows: the true class. Columns: the predicted class.");
                for c in 0..classes {
                    ui.label(name(c))
                        .on_hover_text(format!("Predicted {}", name(c)));
                }
                ui.label("accuracy")
                    .on_hover_text("The share of each true class predicted correctly (recall).");
                ui.end_row();
                for truth in 0..classes {
                    ui.label(name(truth));
                    let row_total = matrix.class_total(truth);
                    for predicted in 0..classes {
                        let count = matrix.count(truth, predicted);
                        let share = if row_total > 0 {
                            count as f64 / row_total as f64
                        } else {
                            0.0
                        };
                        let colour = if truth == predicted {
                            class_colour(1)
                        } else {
                            wrong
                        };
                        let fill = tint(background, colour, share * 0.85);
                        let (rect, response) = ui.allocate_exact_size(
                            egui::vec2(cell_width, cell_height),
                            Sense::hover(),
                        );
                        ui.painter().rect_filled(rect, 2.0, fill);
                        ui.painter().text(
                            rect.center(),
                            Align2::CENTER_CENTER,
                            count.to_string(),
                            font.clone(),
                            if share > 0.5 { Color32::WHITE } else { text },
                        );
                        response.on_hover_text(format!(
                            "{count} of {row_total} examples of {} were predicted as {}",
                            name(truth),
                            name(predicted)
                        ));
                    }
                    match matrix.class_accuracy(truth) {
                        Some(accuracy) => ui.label(format!("{:.1}%", accuracy * 100.0)),
                        None => ui.weak("no examples"),
                    };
                    ui.end_row();
                }
            });
    });
}

/// Test examples that are small square images (such as the 8×8 digits), with their labels.
pub struct TestImages {
    /// Pixels per side.
    pub side: usize,
    /// Each test example's raw pixels, row by row, in the test split's order.
    pub images: Vec<Vec<f64>>,
    /// Each one's true class.
    pub truth: Vec<usize>,
    textures: Vec<TextureHandle>,
}

/// Test images drawn at most.
const MAX_IMAGES: usize = 60;
/// An image's side in points.
const IMAGE_SIZE: f32 = 40.0;

impl TestImages {
    /// The test examples as images, if each row's `features` make a square of side ≥ 4.
    pub fn new(features: usize, images: Vec<Vec<f64>>, truth: Vec<usize>) -> Option<Self> {
        let side = (features as f64).sqrt().round() as usize;
        (side >= 4 && side * side == features && !images.is_empty()).then_some(Self {
            side,
            images,
            truth,
            textures: Vec::new(),
        })
    }

    /// One example as a grey image, dark ink on a light ground, scaled to its own range.
    pub fn image(&self, index: usize) -> Option<ColorImage> {
        let pixels = self.images.get(index)?;
        let (low, high) = pixels
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        let span = (high - low).max(1e-12);
        let grey = pixels
            .iter()
            .map(|&v| {
                let ink = ((v - low) / span).clamp(0.0, 1.0);
                Color32::from_gray((255.0 * (1.0 - ink)).round() as u8)
            })
            .collect();
        Some(ColorImage::new([self.side, self.side], grey))
    }

    /// One image with its predicted label: red, with the true class in brackets, when wrong.
    fn image_cell_ui(
        &self,
        ui: &mut egui::Ui,
        index: usize,
        predicted: Option<usize>,
        name: &dyn Fn(usize) -> String,
        wrong: Color32,
    ) {
        let (Some(texture), Some(&truth)) = (self.textures.get(index), self.truth.get(index))
        else {
            return;
        };
        ui.vertical_centered(|ui| {
            ui.set_width(IMAGE_SIZE);
            let size = egui::vec2(IMAGE_SIZE, IMAGE_SIZE);
            let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
            let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
            ui.painter().image(texture.id(), rect, uv, Color32::WHITE);
            let mistaken = predicted.is_some_and(|p| p != truth);
            if mistaken {
                ui.painter().rect_stroke(
                    rect,
                    0.0,
                    egui::Stroke::new(2.0, wrong),
                    egui::StrokeKind::Outside,
                );
            }
            response.on_hover_text(format!(
                "Test example {}: true {}, predicted {}",
                index + 1,
                name(truth),
                predicted.map_or_else(|| "—".to_owned(), name)
            ));
            let label = match predicted {
                Some(p) if mistaken => RichText::new(format!("{} ({})", name(p), name(truth)))
                    .small()
                    .color(wrong),
                Some(p) => RichText::new(name(p)).small(),
                None => RichText::new(name(truth)).small().weak(),
            };
            ui.label(label);
        });
    }

    /// The strip: each image with its predicted label, mistakes marked with the true one.
    pub fn strip_ui(
        &mut self,
        ui: &mut egui::Ui,
        predictions: &[usize],
        class_names: &[String],
        mistakes_only: bool,
    ) {
        if self.textures.is_empty() {
            for index in 0..self.images.len().min(MAX_IMAGES * 4) {
                if let Some(image) = self.image(index) {
                    self.textures.push(ui.ctx().load_texture(
                        format!("test-image-{index}"),
                        image,
                        TextureOptions::NEAREST,
                    ));
                }
            }
        }
        let name = |c: usize| class_names.get(c).cloned().unwrap_or_else(|| c.to_string());
        let wrong = error_colour(ui.visuals().dark_mode);
        if predictions.is_empty() {
            ui.weak("Predictions appear once the trainer reports.");
        }
        let mistakes = self
            .truth
            .iter()
            .zip(predictions)
            .filter(|(t, p)| t != p)
            .count();
        ui.label(format!(
            "{} test images, {mistakes} misclassified. Under each: the predicted class; \
             mistakes are framed red, with the true class in brackets.",
            self.truth.len()
        ));
        egui::ScrollArea::vertical().show(ui, |ui| {
            let shown: Vec<usize> = (0..self.textures.len())
                .filter(|&index| {
                    let predicted = predictions.get(index);
                    !mistakes_only || predicted.is_some_and(|p| *p != self.truth[index])
                })
                .take(MAX_IMAGES)
                .collect();
            // As many columns as fit: a fixed grid rather than wrapping, so rows line up.
            let columns = ((ui.available_width() + 4.0) / (IMAGE_SIZE + 4.0))
                .floor()
                .max(1.0);
            egui::Grid::new("test-images")
                .spacing([4.0, 4.0])
                .show(ui, |ui| {
                    for (position, &index) in shown.iter().enumerate() {
                        self.image_cell_ui(
                            ui,
                            index,
                            predictions.get(index).copied(),
                            &name,
                            wrong,
                        );
                        if (position + 1) % columns as usize == 0 {
                            ui.end_row();
                        }
                    }
                });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_square_rows_of_sixteen_or_more_pixels_are_images() {
        assert!(TestImages::new(64, vec![vec![0.0; 64]], vec![0]).is_some());
        assert!(TestImages::new(2, vec![vec![0.0; 2]], vec![0]).is_none());
        assert!(TestImages::new(10, vec![vec![0.0; 10]], vec![0]).is_none());
    }

    #[test]
    fn ink_is_dark_and_the_ground_light() {
        let images = TestImages::new(16, vec![(0..16).map(f64::from).collect()], vec![3]).unwrap();
        let image = images.image(0).unwrap();
        assert_eq!(image.size, [4, 4]);
        assert_eq!(image.pixels[0], Color32::from_gray(255));
        assert_eq!(image.pixels[15], Color32::from_gray(0));
    }
}
