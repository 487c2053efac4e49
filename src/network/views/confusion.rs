//! Classification views: the confusion matrix with per-class accuracy, and a strip of test
//! images (for image data such as the 8×8 digits) with predicted and true labels.

use egui::{Align2, Color32, ColorImage, FontId, RichText, Sense, TextureHandle, TextureOptions};
use layerwright_nn::data::ImageShape;
use layerwright_nn::train::metrics::ConfusionMatrix;

use crate::theme::{class_colour, error_colour, tint};

/// The largest cell of the matrix, in points.
const CELL: f32 = 46.0;
/// The matrix's corner: what its rows and columns are.
const CORNER: &str = "true \\ predicted";

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
    // Cells shrink so that ten classes fit the panel without scrolling: the first column
    // (class names) and the last (accuracy) take what their widest text needs.
    let rows = classes as f32 + 1.5;
    let fixed = fixed_width(ui, classes, &name);
    let cell_width = ((ui.available_width() - fixed) / classes as f32).clamp(24.0, CELL);
    let cell_height = ((ui.available_height() - 8.0) / rows - 2.0).clamp(14.0, CELL * 0.6);
    let font = FontId::monospace(if cell_height < 20.0 { 11.0 } else { 14.0 });
    let background = ui.visuals().extreme_bg_color;
    let text = ui.visuals().text_color();
    let wrong = error_colour(ui.visuals().dark_mode);
    egui::ScrollArea::both().show(ui, |ui| {
        egui::Grid::new("confusion-matrix")
            .spacing([2.0, 2.0])
            // Columns as narrow as their cells (the default minimum is a button's width).
            .min_col_width(0.0)
            .show(ui, |ui| {
                ui.label(RichText::new(CORNER).weak())
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

/// The matrix's width without its cells: the names column, the accuracy column, spacing.
fn fixed_width(ui: &egui::Ui, classes: usize, name: &dyn Fn(usize) -> String) -> f32 {
    let body = egui::TextStyle::Body.resolve(ui.style());
    let width_of = |text: String| {
        ui.painter()
            .layout_no_wrap(text, body.clone(), Color32::WHITE)
            .size()
            .x
    };
    let names_width = (0..classes)
        .map(|c| width_of(name(c)))
        .fold(width_of(CORNER.to_owned()), f32::max);
    let accuracy_width = width_of("accuracy".to_owned()).max(width_of("100.0%".to_owned()));
    let spacing = 2.0 * (classes as f32 + 2.0) + ui.spacing().scroll.bar_width;
    names_width + accuracy_width + spacing
}

/// The narrowest the matrix of `classes` classes can be drawn without scrolling.
pub fn confusion_min_width(ui: &egui::Ui, classes: usize, class_names: &[String]) -> f32 {
    let name = |c: usize| {
        class_names
            .get(c)
            .cloned()
            .unwrap_or_else(|| format!("class {c}"))
    };
    // Each column is as wide as its cells or its header's class name, whichever is wider.
    let body = egui::TextStyle::Body.resolve(ui.style());
    let columns: f32 = (0..classes)
        .map(|c| {
            ui.painter()
                .layout_no_wrap(name(c), body.clone(), Color32::WHITE)
                .size()
                .x
                .max(24.0)
        })
        .sum();
    fixed_width(ui, classes, &name) + columns
}

/// Test examples that are images (the data set declares their shape, as the 8×8 digits
/// do), with their labels.
pub struct TestImages {
    /// Each row's shape.
    pub shape: ImageShape,
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
    /// The test examples as images of `shape`, if it fits rows of `features` values.
    pub fn new(
        shape: ImageShape,
        features: usize,
        images: Vec<Vec<f64>>,
        truth: Vec<usize>,
    ) -> Option<Self> {
        (shape.problem(features).is_none() && !images.is_empty()).then_some(Self {
            shape,
            images,
            truth,
            textures: Vec::new(),
        })
    }

    /// One example as a picture of the declared shape (see [`image_of`]).
    pub fn image(&self, index: usize) -> Option<ColorImage> {
        Some(image_of(self.images.get(index)?, self.shape))
    }

    /// One image with its predicted label: red, with the true class in brackets, when wrong.
    fn image_cell_ui(
        &self,
        ui: &mut egui::Ui,
        index: usize,
        predicted: Option<usize>,
        name: &dyn Fn(usize) -> String,
        wrong: Color32,
    ) -> bool {
        let (Some(texture), Some(&truth)) = (self.textures.get(index), self.truth.get(index))
        else {
            return false;
        };
        ui.vertical_centered(|ui| {
            ui.set_width(IMAGE_SIZE);
            let size = egui::vec2(IMAGE_SIZE, IMAGE_SIZE);
            let (rect, response) = ui.allocate_exact_size(size, Sense::click());
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
            response.widget_info(|| {
                egui::WidgetInfo::labeled(
                    egui::WidgetType::Button,
                    true,
                    format!("Test example {}", index + 1),
                )
            });
            let response = response.on_hover_text(format!(
                "Test example {}: true {}, predicted {}. Click to open it in Try it's \
                 drawing pad.",
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
            response.clicked()
        })
        .inner
    }

    /// The strip: each image with its predicted label, mistakes marked with the true one.
    /// Returns the position in the test split of an image clicked.
    pub fn strip_ui(
        &mut self,
        ui: &mut egui::Ui,
        predictions: &[usize],
        class_names: &[String],
        mistakes_only: bool,
    ) -> Option<usize> {
        let mut clicked = None;
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
             mistakes are framed red, with the true class in brackets. Click one to open it \
             in Try it's drawing pad.",
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
                        if self.image_cell_ui(
                            ui,
                            index,
                            predictions.get(index).copied(),
                            &name,
                            wrong,
                        ) {
                            clicked = Some(index);
                        }
                        if (position + 1) % columns as usize == 0 {
                            ui.end_row();
                        }
                    }
                });
        });
        clicked
    }
}

/// One example's pixels as a picture: grey for one channel, colour for three, the first
/// channel otherwise; dark ink on a light ground for grey.
pub fn image_of(pixels: &[f64], shape: ImageShape) -> ColorImage {
    let plane = shape.height * shape.width;
    let ink = |channel: usize, index: usize| {
        shape.ink(pixels.get(channel * plane + index).copied().unwrap_or(0.0))
    };
    let colours = (0..plane)
        .map(|index| {
            if shape.channels == 3 {
                let [r, g, b] = [0, 1, 2].map(|c| (255.0 * ink(c, index)).round() as u8);
                Color32::from_rgb(r, g, b)
            } else {
                Color32::from_gray((255.0 * (1.0 - ink(0, index))).round() as u8)
            }
        })
        .collect();
    ColorImage::new([shape.width, shape.height], colours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rows_that_fit_the_declared_shape_are_images() {
        let digits = ImageShape::DIGITS;
        assert!(TestImages::new(digits, 64, vec![vec![0.0; 64]], vec![0]).is_some());
        assert!(TestImages::new(digits, 63, vec![vec![0.0; 63]], vec![0]).is_none());
        assert!(TestImages::new(digits, 64, Vec::new(), Vec::new()).is_none());
    }

    #[test]
    fn a_digit_is_dark_ink_where_its_pixels_are_high() {
        let mut pixels = vec![0.0; 64];
        pixels[9] = 16.0; // row 1, column 1
        pixels[10] = 8.0;
        let image = image_of(&pixels, ImageShape::DIGITS);
        assert_eq!(image.size, [8, 8]);
        assert_eq!(image.pixels[0], Color32::from_gray(255));
        assert_eq!(image.pixels[9], Color32::from_gray(0));
        assert_eq!(image.pixels[10], Color32::from_gray(128));
    }
}
