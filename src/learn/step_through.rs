//! Step through one example: the forward pass node by node, then the backward pass from the
//! loss back to the input, with each node's activation and gradient vectors shown on the
//! canvas and the update gradient descent would make to a chosen layer's weights.

use std::sync::Arc;

use layerwright_nn::network::architecture::ParameterSet;
pub use layerwright_nn::teach::step_through::{StepResult, step_result};

use crate::commands::Command;
use crate::network::compiled::Compiled;
use crate::worker::{Job, Polled};

/// The walk through one example: which example, how far forward and backward it has gone.
#[derive(Default)]
pub struct StepThrough {
    /// Whether the window is open.
    pub open: bool,
    /// The training example (0-based).
    pub example: usize,
    /// Nodes whose outputs are shown, in forward order.
    pub forward_shown: usize,
    /// Nodes whose gradients are shown, counted from the output back.
    pub backward_shown: usize,
    /// The layer whose weight update is drawn.
    pub layer: Option<String>,
    /// The pass, recomputed when the example or the weights change.
    pub result: Option<Result<StepResult, String>>,
    /// The pass being computed, on a thread named `step-through`.
    job: Option<Job<Result<StepResult, String>>>,
}

impl StepThrough {
    /// The vectors to draw on the canvas: for each node shown, its output and, once the
    /// backward pass has reached it, its gradient.
    pub fn shown_vectors(&self) -> Vec<(String, Vec<f64>, Option<Vec<f64>>)> {
        let Some(Ok(result)) = &self.result else {
            return Vec::new();
        };
        let count = result.names.len();
        (0..count.min(self.forward_shown))
            .map(|i| {
                let gradient = (i >= count.saturating_sub(self.backward_shown))
                    .then(|| result.gradients[i].clone());
                (result.names[i].clone(), result.values[i].clone(), gradient)
            })
            .collect()
    }

    /// One more node forward (then backward, once the forward pass is complete).
    pub fn step(&mut self) {
        let count = match &self.result {
            Some(Ok(result)) => result.names.len(),
            _ => return,
        };
        if self.forward_shown < count {
            self.forward_shown += 1;
        } else if self.backward_shown < count {
            self.backward_shown += 1;
        }
    }

    /// Back to the start of the forward pass.
    pub fn restart(&mut self) {
        self.forward_shown = 0;
        self.backward_shown = 0;
    }
}

impl StepThrough {
    /// Opens the window at the start of the walk; the pass is computed next frame.
    pub fn open(&mut self) {
        self.open = true;
        self.result = None;
        self.job = None;
        self.restart();
    }

    /// Whether the pass is being computed.
    pub fn is_computing(&self) -> bool {
        self.job.is_some()
    }

    /// Once a frame: while open and without a pass, computes it for the chosen example of
    /// `compiled` with `parameters` (the trained weights, or the initial ones when they do
    /// not fit) on a worker thread, and takes the result when it arrives.
    pub fn update(
        &mut self,
        ctx: &egui::Context,
        compiled: Option<&Arc<Compiled>>,
        parameters: Option<&ParameterSet<f64>>,
    ) {
        if !self.open {
            self.job = None;
            return;
        }
        if let Some(job) = &self.job {
            match job.poll() {
                Polled::Running => {}
                Polled::Finished(result) => {
                    self.result = Some(result);
                    self.job = None;
                }
                Polled::Failed => {
                    self.result = Some(Err("The pass stopped unexpectedly.".to_owned()));
                    self.job = None;
                }
            }
            return;
        }
        if self.result.is_some() {
            return;
        }
        let graph = match compiled.map(|c| &c.graph) {
            // Still compiling: try again when it is done.
            None => return,
            Some(Err(message)) => {
                self.result = Some(Err(format!("The graph cannot be run: {message}")));
                return;
            }
            Some(Ok(graph)) => Arc::clone(graph),
        };
        let parameters = parameters
            .filter(|p| graph.architecture.fits(p))
            .cloned()
            .unwrap_or_else(|| graph.initial.clone());
        let example = self.example;
        let wake = ctx.clone();
        self.job = Some(Job::spawn(
            "step-through",
            move || wake.request_repaint(),
            move |_| step_result(&graph, &parameters, example),
        ));
    }

    /// The window, while open.
    pub fn ui(&mut self, ctx: &egui::Context) -> Vec<Command> {
        if !self.open {
            return Vec::new();
        }
        if self.result.is_none() {
            let mut cancel = false;
            egui::Window::new("Step through one example")
                .default_pos(egui::pos2(880.0, 60.0))
                .default_width(360.0)
                .show(ctx, |ui| {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Computing the forward and backward pass…");
                    });
                    cancel = ui
                        .button("Cancel")
                        .on_hover_text("Stop and close the window.")
                        .clicked();
                });
            if cancel {
                self.open = false;
                self.job = None;
            }
            return Vec::new();
        }
        let mut open = true;
        let walk = self;
        let mut example = walk.example;
        egui::Window::new("Step through one example")
            .open(&mut open)
            .default_pos(egui::pos2(880.0, 60.0))
            .default_width(360.0)
            .show(ctx, |ui| {
                let result = match &walk.result {
                    Some(Ok(result)) => result.clone(),
                    Some(Err(message)) => {
                        ui.label(message);
                        return;
                    }
                    None => return,
                };
                ui.horizontal(|ui| {
                    let label = ui.label("Training example");
                    let mut shown = example + 1;
                    ui.add(egui::DragValue::new(&mut shown).range(1..=result.examples).speed(0.2))
                        .labelled_by(label.id);
                    ui.weak(format!("of {}", result.examples));
                    example = shown - 1;
                });
                let listed = |values: &[f64]| {
                    let parts: Vec<String> = values.iter().take(8).map(|v| format!("{v:.3}")).collect();
                    let more = if values.len() > 8 { ", …" } else { "" };
                    format!("[{}{more}]", parts.join(", "))
                };
                ui.label(format!("inputs {}", listed(&result.inputs)));
                ui.label(format!("target {}", listed(&result.targets)));
                let count = result.names.len();
                ui.horizontal(|ui| {
                    let next = if walk.forward_shown < count {
                        format!("Forward: {}", result.names[walk.forward_shown])
                    } else if walk.backward_shown < count {
                        format!("Backward: {}", result.names[count - 1 - walk.backward_shown])
                    } else {
                        "Done".to_owned()
                    };
                    if ui
                        .add_enabled(walk.backward_shown < count, egui::Button::new("Step"))
                        .on_hover_text(next)
                        .clicked()
                    {
                        walk.step();
                    }
                    if ui.button("Restart").clicked() {
                        walk.restart();
                    }
                });
                ui.separator();
                for index in 0..count.min(walk.forward_shown) {
                    ui.label(format!("{} = {}", result.names[index], listed(&result.values[index])));
                    if let Some(size) = result.images.get(index).copied().flatten() {
                        channels_ui(ui, &result.names[index], size, &result.values[index]);
                    }
                }
                if walk.forward_shown >= count {
                    ui.strong(format!("loss L = {:.6}", result.loss));
                }
                for index in (0..count).rev().take(walk.backward_shown) {
                    ui.colored_label(
                        crate::theme::gradient_colour(ui.visuals().dark_mode),
                        format!("∂L/∂{} = {}", result.names[index], listed(&result.gradients[index])),
                    );
                    if let Some(size) = result.images.get(index).copied().flatten() {
                        let label = format!("∂L/∂{}", result.names[index]);
                        channels_ui(ui, &label, size, &result.gradients[index]);
                    }
                }
                if walk.backward_shown >= count && !result.updates.is_empty() {
                    ui.separator();
                    let layer = walk
                        .layer
                        .clone()
                        .filter(|l| result.updates.iter().any(|(n, _)| n == l))
                        .unwrap_or_else(|| result.updates[0].0.clone());
                    let mut chosen = layer.clone();
                    egui::ComboBox::from_label("weight update of")
                        .selected_text(&chosen)
                        .show_ui(ui, |ui| {
                            for (name, _) in &result.updates {
                                ui.selectable_value(&mut chosen, name.clone(), name);
                            }
                        });
                    walk.layer = Some(chosen.clone());
                    if let Some((_, update)) = result.updates.iter().find(|(n, _)| *n == chosen) {
                        ui.weak("ΔW = −η·∂L/∂W, what one gradient-descent step on this example changes:");
                        crate::network::views::units::matrix_ui(ui, &format!("{chosen} ΔW"), update);
                    }
                }
            });
        if example != walk.example {
            walk.example = example;
            walk.result = None;
        }
        if !open {
            walk.open = false;
            walk.result = None;
        }
        Vec::new()
    }
}

/// The channels shown of an image node, at most.
const CHANNELS_SHOWN: usize = 8;

/// An image node's values `[c·h·w]` as one small picture per channel (blue positive, orange
/// negative, one scale for all), hover for the numbers' range.
fn channels_ui(
    ui: &mut egui::Ui,
    name: &str,
    size: layerwright_nn::network::architecture::ImageSize,
    values: &[f64],
) {
    let plane = size.height * size.width;
    let scale = values.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
    let background = ui.visuals().extreme_bg_color;
    let cell = (48.0 / size.height.max(size.width) as f32).clamp(2.0, 8.0);
    ui.horizontal_wrapped(|ui| {
        for channel in 0..size.channels.min(CHANNELS_SHOWN) {
            let desired = egui::vec2(cell * size.width as f32, cell * size.height as f32);
            let (rect, response) = ui.allocate_exact_size(desired, egui::Sense::hover());
            let painter = ui.painter_at(rect);
            for (pixel, &value) in values.iter().skip(channel * plane).take(plane).enumerate() {
                let (row, column) = (pixel / size.width, pixel % size.width);
                let min = rect.min + egui::vec2(column as f32 * cell, row as f32 * cell);
                painter.rect_filled(
                    egui::Rect::from_min_size(min, egui::vec2(cell, cell)),
                    0.0,
                    crate::theme::diverging(value, scale, background),
                );
            }
            let label = format!("{name}, channel {}", channel + 1);
            response
                .widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Image, true, &label));
            response.on_hover_text(format!(
                "{label}: {} × {}, values up to {scale:.3} in size",
                size.height, size.width
            ));
        }
        if size.channels > CHANNELS_SHOWN {
            ui.weak(format!("+{} channels", size.channels - CHANNELS_SHOWN));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> StepResult {
        StepResult {
            examples: 1,
            names: vec!["input".to_owned(), "output".to_owned()],
            images: vec![None, None],
            values: vec![vec![0.5], vec![0.0]],
            gradients: vec![vec![0.25], vec![-1.0]],
            loss: 0.5,
            inputs: vec![0.5],
            targets: vec![1.0],
            updates: Vec::new(),
        }
    }

    #[test]
    fn the_walk_shows_the_forward_pass_then_the_gradients_from_the_output_back() {
        let mut walk = StepThrough {
            result: Some(Ok(result())),
            ..Default::default()
        };
        walk.step();
        assert_eq!(walk.shown_vectors().len(), 1);
        walk.step();
        walk.step();
        let shown = walk.shown_vectors();
        assert_eq!(shown.len(), 2);
        assert!(shown[1].2.is_some(), "the output's gradient comes first");
        assert!(shown[0].2.is_none());
        walk.step();
        assert!(walk.shown_vectors().iter().all(|(_, _, g)| g.is_some()));
        walk.restart();
        assert!(walk.shown_vectors().is_empty());
    }
}
