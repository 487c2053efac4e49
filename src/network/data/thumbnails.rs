//! A small picture of each generated data set, as TensorFlow Playground shows beside its
//! data choices: the points of the generator's defaults, coloured by class or value.

use std::sync::Arc;

use egui::{Color32, Sense, Stroke, Vec2};
use layerwright_nn::data::{Generator, GeneratorSettings, Task};

use crate::theme::{class_colour, diverging};

/// Points drawn per thumbnail.
const THUMBNAIL_POINTS: usize = 160;

/// One generator's picture: points in 0..1 on both axes with a colour key.
#[derive(Clone, Debug)]
pub struct Thumbnail {
    /// The generator it shows (with its default parameters).
    pub generator: Generator,
    /// `(x, y, key)`: position in the unit square; the class, or the value in −1..1.
    points: Vec<(f32, f32, f64)>,
    task: Task,
}

impl Thumbnail {
    /// The generator's points with its default parameters and a little noise, scaled into
    /// the unit square. A data set with one input column shows `(x, target)`; with more,
    /// its first two columns.
    pub fn new(generator: Generator) -> Self {
        let settings = GeneratorSettings {
            samples: THUMBNAIL_POINTS.min(generator.default_samples().max(4)),
            noise: 0.05,
            seed: 7,
        };
        let data = generator.generate(settings);
        let task = data.task;
        let (xs, ys): (Vec<f64>, Vec<f64>) = if data.feature_count() == 1 {
            (data.inputs.column(0).to_vec(), data.targets.clone())
        } else {
            (
                data.inputs.column(0).to_vec(),
                data.inputs.column(1.min(data.feature_count() - 1)).to_vec(),
            )
        };
        let spread = |values: &[f64]| {
            let (low, high) = values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                    (l.min(v), h.max(v))
                });
            (low, (high - low).max(1e-9))
        };
        let ((x_low, x_span), (y_low, y_span)) = (spread(&xs), spread(&ys));
        let value_scale = data
            .targets
            .iter()
            .fold(0.0_f64, |m, v| m.max(v.abs()))
            .max(1e-9);
        let points = xs
            .iter()
            .zip(&ys)
            .zip(&data.targets)
            .map(|((x, y), target)| {
                let key = match task {
                    Task::Classification => *target,
                    Task::Regression => target / value_scale,
                };
                (
                    ((x - x_low) / x_span) as f32,
                    ((y - y_low) / y_span) as f32,
                    key,
                )
            })
            .collect();
        Self {
            generator,
            points,
            task,
        }
    }

    /// Every generator's thumbnail, in menu order, made once per window and kept in its
    /// memory.
    pub fn all(ctx: &egui::Context) -> Arc<Vec<Self>> {
        let id = egui::Id::new("generator-thumbnails");
        ctx.data_mut(|data| {
            data.get_temp_mut_or_insert_with(id, || {
                Arc::new(
                    Generator::all()
                        .into_iter()
                        .map(Self::new)
                        .collect::<Vec<_>>(),
                )
            })
            .clone()
        })
    }

    /// A clickable square of `size` points with the picture; `selected` draws a frame.
    pub fn ui(&self, ui: &mut egui::Ui, size: f32, selected: bool) -> egui::Response {
        let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), Sense::click());
        let name = self.generator.name();
        response.widget_info(|| {
            egui::WidgetInfo::selected(
                egui::WidgetType::SelectableLabel,
                ui.is_enabled(),
                selected,
                name.clone(),
            )
        });
        if ui.is_rect_visible(rect) {
            let visuals = ui.style().interact_selectable(&response, selected);
            let background = ui.visuals().extreme_bg_color;
            let painter = ui.painter_at(rect);
            painter.rect_filled(rect, 4.0, background);
            let inner = rect.shrink(7.0);
            // A gate's four corners are drawn large; a hundred points small.
            let radius = if self.points.len() < 20 { 4.5 } else { 1.6 };
            for &(x, y, key) in &self.points {
                let centre = inner.lerp_inside(egui::vec2(x, 1.0 - y));
                painter.circle_filled(centre, radius, self.colour(key, background));
            }
            let stroke = if selected {
                Stroke::new(2.0, ui.visuals().selection.stroke.color)
            } else {
                visuals.bg_stroke
            };
            painter.rect_stroke(rect, 4.0, stroke, egui::StrokeKind::Inside);
        }
        response
    }

    fn colour(&self, key: f64, background: Color32) -> Color32 {
        match self.task {
            Task::Classification => {
                class_colour(layerwright_nn::data::class_index(key).unwrap_or(0))
            }
            Task::Regression => diverging(key, 1.0, background),
        }
    }
}
