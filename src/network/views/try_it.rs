//! "Try it": the person sets every input column (a slider or a category list each), or draws
//! on a pad for image data, and sees the network's answer: each class's probability as a
//! bar, or the predicted value in the target's units. The trainer answers with the latest
//! weights, so the answer changes as the network trains. Any data row can fill the inputs.

use egui::{RichText, Sense};
use layerwright_nn::data::{Dataset, ImageShape, Task, class_index};

use super::drawing_pad::DrawingPad;
use super::slice::RowControls;
use crate::network::snapshot::ProbeValues;
use crate::theme::class_colour;

/// The width of a probability bar at 100%, in points.
const BAR_WIDTH: f32 = 110.0;
/// The room the answer needs: a class name, its bar and its percentage.
const ANSWER_WIDTH: f32 = 250.0;

/// What the person is trying: the inputs (controls or a pad) and the data row they came from.
#[derive(Default)]
pub struct TryIt {
    /// One control per raw column (data that are not images).
    controls: Option<RowControls>,
    /// The pad (image data).
    pad: Option<DrawingPad>,
    /// The data row the inputs were last filled from (0-based), while left as they were.
    picked: Option<usize>,
    /// The row number in the picker (1-based, as shown).
    row_number: usize,
}

/// The data the answer is read against: task, names and rows.
pub struct TryItData<'a> {
    /// The loaded data set.
    pub dataset: &'a Dataset,
    /// Classification or regression.
    pub task: Task,
    /// The classes' names (classification).
    pub class_names: &'a [String],
    /// The test split's rows, to say which split a picked row is in.
    pub test_rows: &'a [usize],
}

impl TryIt {
    /// Inputs for a new run on `dataset`: a pad of `image`'s shape, or one control per
    /// column at its training mean or most frequent category. A recompile of the same data
    /// keeps what the person set.
    pub fn start(&mut self, dataset: &Dataset, train: &[usize], image: Option<ImageShape>) {
        match image {
            Some(shape) => {
                self.controls = None;
                if self.pad.as_ref().is_none_or(|pad| pad.shape() != shape) {
                    self.pad = Some(DrawingPad::new(shape));
                    self.picked = None;
                }
            }
            None => {
                self.pad = None;
                let previous = self.controls.take();
                self.controls =
                    RowControls::new(dataset, train).map(|c| c.keeping(previous.as_ref()));
                if self.controls != previous {
                    self.picked = None;
                }
            }
        }
        if self.row_number == 0 || self.row_number > dataset.len() {
            self.row_number = 1;
        }
    }

    /// The raw row to answer for, `[raw columns]`.
    pub fn row(&self) -> Option<Vec<f64>> {
        match (&self.pad, &self.controls) {
            (Some(pad), _) => Some(pad.pixels().to_vec()),
            (None, Some(controls)) => Some(controls.row()),
            (None, None) => None,
        }
    }

    /// Fills the inputs (or the pad) from data row `index` of `dataset`.
    pub fn open_row(&mut self, dataset: &Dataset, index: usize) {
        if index >= dataset.len() {
            return;
        }
        let row = dataset.inputs.row(index).to_vec();
        if let Some(pad) = &mut self.pad {
            pad.show(&row);
        }
        if let Some(controls) = &mut self.controls {
            controls.fill(&row);
        }
        self.picked = Some(index);
        self.row_number = index + 1;
    }

    /// The pad, for image data.
    pub fn pad(&self) -> Option<&DrawingPad> {
        self.pad.as_ref()
    }

    /// The row picker, the inputs and the answer; returns whether the inputs changed.
    pub fn ui(&mut self, ui: &mut egui::Ui, data: &TryItData, probe: Option<&ProbeValues>) -> bool {
        let mut changed = self.picker_ui(ui, data);
        let height = ui.available_height();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                // The inputs take what they need (a pad, or a label and a slider per column),
                // the answer the rest.
                ui.set_width((ui.available_width() - ANSWER_WIDTH).clamp(200.0, 300.0));
                let edited = match (&mut self.pad, &mut self.controls) {
                    (Some(pad), _) => pad.ui(ui),
                    (None, Some(controls)) => {
                        egui::ScrollArea::vertical()
                            .id_salt("try-it-inputs")
                            .max_height(height)
                            .show(ui, |ui| {
                                ui.spacing_mut().slider_width = 110.0;
                                egui::Grid::new("try-it-controls")
                                    .num_columns(2)
                                    .spacing([8.0, 4.0])
                                    .show(ui, |ui| {
                                        controls.controls_ui(
                                            ui,
                                            &[],
                                            "Set this input and watch the network's answer.",
                                        )
                                    })
                                    .inner
                            })
                            .inner
                    }
                    (None, None) => false,
                };
                if edited {
                    self.picked = None;
                    changed = true;
                }
            });
            ui.separator();
            ui.vertical(|ui| answer_ui(ui, data, probe));
        });
        changed
    }

    /// "Data row [n] of N", filling the inputs when the number changes, and what that row is.
    fn picker_ui(&mut self, ui: &mut egui::Ui, data: &TryItData) -> bool {
        let rows = data.dataset.len();
        let mut changed = false;
        ui.horizontal(|ui| {
            let label = ui.label("Data row").on_hover_text(
                "Fill the inputs from a row of the data, then change them to see what moves \
                 the answer.",
            );
            let response = ui
                .add(egui::DragValue::new(&mut self.row_number).range(1..=rows.max(1)))
                .labelled_by(label.id);
            ui.label(format!("of {rows}"));
            if response.changed() || ui.button("Fill").on_hover_text("Use this row.").clicked() {
                self.open_row(data.dataset, self.row_number.saturating_sub(1));
                changed = true;
            }
            if let Some(index) = self.picked {
                let split = if data.test_rows.contains(&index) {
                    "test"
                } else {
                    "training"
                };
                let target = data.dataset.targets[index];
                let truth = match data.task {
                    Task::Classification => class_index(target)
                        .and_then(|c| data.class_names.get(c).cloned())
                        .unwrap_or_else(|| target.to_string()),
                    Task::Regression => format!("{target:.4}"),
                };
                ui.weak(format!(
                    "({split}; true {}: {truth})",
                    data.dataset.target_name
                ));
            }
        });
        changed
    }
}

/// Each class's probability as a bar, or the predicted value.
fn answer_ui(ui: &mut egui::Ui, data: &TryItData, probe: Option<&ProbeValues>) {
    let Some(probe) = probe else {
        ui.weak("The network's answer appears once the trainer reports.");
        return;
    };
    match data.task {
        Task::Regression => {
            let value = probe.outputs.first().copied().unwrap_or(f64::NAN);
            ui.label(format!("Predicted {}", data.dataset.target_name));
            ui.label(RichText::new(format!("{value:.4}")).heading().strong());
        }
        Task::Classification => {
            let probabilities = class_probabilities(&probe.outputs);
            let best = probabilities
                .iter()
                .enumerate()
                .fold(0, |b, (i, p)| if *p > probabilities[b] { i } else { b });
            let name = |class: usize| {
                data.class_names
                    .get(class)
                    .cloned()
                    .unwrap_or_else(|| format!("class {class}"))
            };
            ui.label(RichText::new(format!("Predicted: {}", name(best))).strong());
            egui::Grid::new("try-it-answer")
                .num_columns(3)
                .spacing([6.0, 3.0])
                .show(ui, |ui| {
                    for (class, &p) in probabilities.iter().enumerate() {
                        let text = RichText::new(name(class));
                        ui.label(if class == best { text.strong() } else { text });
                        let (rect, _) =
                            ui.allocate_exact_size(egui::vec2(BAR_WIDTH, 12.0), Sense::hover());
                        let painter = ui.painter();
                        painter.rect_filled(rect, 2.0, ui.visuals().faint_bg_color);
                        let filled = egui::Rect::from_min_size(
                            rect.min,
                            egui::vec2(BAR_WIDTH * p.clamp(0.0, 1.0) as f32, rect.height()),
                        );
                        painter.rect_filled(filled, 2.0, class_colour(class));
                        ui.label(format!("{:.1}%", 100.0 * p));
                        ui.end_row();
                    }
                });
        }
    }
}

/// A classifier's outputs as one probability per class: a single sigmoid output `p` is the
/// two classes `[1 − p, p]`; softmax outputs are already one per class.
pub fn class_probabilities(outputs: &[f64]) -> Vec<f64> {
    match outputs {
        [p] => vec![1.0 - p, *p],
        _ => outputs.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sigmoid_output_is_two_class_probabilities() {
        assert_eq!(class_probabilities(&[0.25]), [0.75, 0.25]);
        assert_eq!(class_probabilities(&[0.2, 0.5, 0.3]), [0.2, 0.5, 0.3]);
    }
}
