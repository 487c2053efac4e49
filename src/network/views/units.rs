//! Inside the nodes: each unit's output over the input plane as a thumbnail (as TensorFlow
//! Playground draws them), for image data the first layer's receptive fields, and each
//! layer's weight matrix as a small heatmap.

use std::collections::HashMap;

use egui::{Color32, ColorImage, Sense, Stroke, TextureHandle, TextureOptions, Ui, vec2};
use layerwright_nn::ParameterSet;
use layerwright_nn::network::architecture::{Architecture, ParameterRole};
use ndarray::Array2;

use super::receptive_fields::ReceptiveFields;
use crate::theme::diverging;

/// Thumbnails drawn per node; more units are counted, not drawn.
pub const MAX_THUMBNAILS: usize = 16;
/// Thumbnails per row inside a node.
const THUMBNAILS_PER_ROW: usize = 4;
/// A thumbnail's side in points.
const THUMBNAIL_SIZE: f32 = 26.0;
/// Weight matrices with more entries than this are not drawn.
pub const MAX_DRAWN_WEIGHTS: usize = 64 * 64;

/// One unit's values over the grid, `resolution²` cells row by row from the top.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitMap {
    /// Cells per side.
    pub resolution: usize,
    /// The values.
    pub values: Vec<f32>,
}

impl UnitMap {
    /// The largest magnitude, the scale the colours are relative to.
    pub fn scale(&self) -> f64 {
        self.values
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f64, |m, &v| m.max(f64::from(v.abs())))
    }

    /// The map as an image: orange where the unit is negative, blue where positive,
    /// stronger with magnitude (relative to [`UnitMap::scale`]).
    pub fn image(&self, background: Color32) -> ColorImage {
        let scale = self.scale().max(1e-9);
        let pixels = self
            .values
            .iter()
            .map(|&v| diverging(f64::from(v), scale, background))
            .collect();
        ColorImage::new([self.resolution, self.resolution], pixels)
    }
}

/// What the canvas shows inside nodes, from the trainer's latest snapshot.
pub struct NodeInsight {
    /// Per document node id, each unit's map over the input plane (2-D data).
    pub maps: HashMap<String, Vec<UnitMap>>,
    textures: HashMap<String, Vec<TextureHandle>>,
    /// Per dense or output node id, its weights `W: [in, units]`.
    pub weights: HashMap<String, Array2<f64>>,
    /// Whether nodes draw their units' maps.
    pub show_maps: bool,
    /// Whether nodes draw their weight matrices.
    pub show_weights: bool,
    /// While stepping through one example: each shown node's output and gradient vectors.
    pub step_vectors: HashMap<String, (Vec<f64>, Option<Vec<f64>>)>,
    /// Image data: the first layer's units' weights as pictures.
    pub receptive_fields: ReceptiveFields,
    /// Per node id whose units are mostly saturated or dead: the badge and its tooltip.
    pub stuck: HashMap<String, StuckBadge>,
    /// Convolutions' filters and image nodes' feature maps.
    pub feature_maps: super::feature_maps::FeatureMaps,
    stale: bool,
}

/// A badge on a node most of whose units are saturated or dead.
#[derive(Clone, Debug, PartialEq)]
pub struct StuckBadge {
    /// The badge's text, e.g. "12 of 16 dead".
    pub text: String,
    /// The numbers behind it.
    pub tooltip: String,
}

impl Default for NodeInsight {
    fn default() -> Self {
        Self {
            maps: HashMap::new(),
            textures: HashMap::new(),
            weights: HashMap::new(),
            show_maps: true,
            show_weights: true,
            step_vectors: HashMap::new(),
            stuck: HashMap::new(),
            feature_maps: super::feature_maps::FeatureMaps::default(),
            receptive_fields: ReceptiveFields::default(),
            stale: false,
        }
    }
}

impl NodeInsight {
    /// Shows these step-through vectors on the nodes: `(node id, output, gradient)`.
    pub fn show_step_vectors(&mut self, vectors: Vec<(String, Vec<f64>, Option<Vec<f64>>)>) {
        self.step_vectors.clear();
        for (name, values, gradient) in vectors {
            self.step_vectors.insert(name, (values, gradient));
        }
    }

    /// Forgets everything (a new run starts).
    pub fn clear(&mut self) {
        self.receptive_fields.start(None);
        self.stuck.clear();
        self.feature_maps.clear();
        self.maps.clear();
        self.textures.clear();
        self.weights.clear();
    }

    /// Badges for the layers of `point` most of whose units (more than half) are saturated
    /// or dead, with their numbers and, where known, the layer's gradient figures.
    pub fn set_activity(&mut self, point: &crate::network::snapshot::DynamicsPoint) {
        self.stuck.clear();
        for layer in point
            .activity
            .iter()
            .filter(|l| 2 * (l.saturated_units + l.dead_units) > l.units)
        {
            let text = if layer.dead_units >= layer.saturated_units {
                format!("{} of {} dead", layer.dead_units, layer.units)
            } else {
                format!("{} of {} saturated", layer.saturated_units, layer.units)
            };
            let mut tooltip = format!(
                "Epoch {}: {}. These units pass back almost no gradient.",
                point.epoch,
                super::dynamics::stuck_summary(layer)
            );
            if let Some(gradients) = point.gradients.iter().find(|g| g.name == layer.name) {
                tooltip.push_str(&format!(
                    "\nGradient norm |∂L/∂W| {:.2e}, update ratio |ΔW|/|W| {:.2e}.",
                    gradients.gradient_norm, gradients.update_ratio
                ));
            }
            self.stuck
                .insert(layer.name.clone(), StuckBadge { text, tooltip });
        }
    }

    /// Takes the per-node grid values of a snapshot (`[cells, width]` per architecture node).
    pub fn set_maps(&mut self, architecture: &Architecture, node_maps: &[Array2<f32>]) {
        self.maps.clear();
        for (node, values) in architecture.nodes().iter().zip(node_maps) {
            let resolution = (values.nrows() as f64).sqrt().round() as usize;
            if resolution * resolution != values.nrows() {
                continue;
            }
            let units = values
                .columns()
                .into_iter()
                .take(MAX_THUMBNAILS)
                .map(|column| UnitMap {
                    resolution,
                    values: column.to_vec(),
                })
                .collect();
            self.maps.insert(node.name.clone(), units);
        }
        self.stale = true;
    }

    /// Takes the weights of a snapshot.
    pub fn set_weights(&mut self, architecture: &Architecture, parameters: &ParameterSet<f64>) {
        self.receptive_fields.set_weights(architecture, parameters);
        self.feature_maps.set_filters(architecture, parameters);
        self.weights.clear();
        for (info, tensor) in architecture.parameters().iter().zip(&parameters.tensors) {
            // A convolution's weights are its filters, drawn as pictures instead.
            let convolution = matches!(
                architecture.node(info.node).operation,
                layerwright_nn::network::architecture::Operation::Conv2D(_)
            );
            if info.role == ParameterRole::Weights && !convolution {
                let name = architecture.node(info.node).name.clone();
                self.weights.insert(name, tensor.clone());
            }
        }
    }

    /// Uploads the maps that changed since the last frame as textures.
    pub fn refresh_textures(&mut self, ctx: &egui::Context, background: Color32) {
        self.receptive_fields.refresh_textures(ctx, background);
        self.feature_maps.refresh_textures(ctx, background);
        if !std::mem::take(&mut self.stale) {
            return;
        }
        self.textures.retain(|id, _| self.maps.contains_key(id));
        for (id, units) in &self.maps {
            let textures = self.textures.entry(id.clone()).or_default();
            textures.truncate(units.len());
            for (index, unit) in units.iter().enumerate() {
                let image = unit.image(background);
                match textures.get_mut(index) {
                    Some(texture) => texture.set(image, TextureOptions::LINEAR),
                    None => textures.push(ctx.load_texture(
                        format!("unit-map-{id}-{index}"),
                        image,
                        TextureOptions::LINEAR,
                    )),
                }
            }
        }
    }

    /// The texture of a node's unit, if there is one.
    pub fn texture(&self, node: &str, unit: usize) -> Option<&TextureHandle> {
        self.textures.get(node)?.get(unit)
    }

    /// Draws a node's unit maps and weights (whichever are shown and known); returns the
    /// unit whose thumbnail is under the pointer.
    pub fn node_ui(&self, ui: &mut Ui, node: &str, units: usize) -> Option<usize> {
        let mut hovered = None;
        if let Some(badge) = self.stuck.get(node) {
            let colour = ui.visuals().warn_fg_color;
            ui.add(egui::Label::new(
                egui::RichText::new(&badge.text).color(colour).strong(),
            ))
            .on_hover_text(&badge.tooltip);
        }
        if let Some((values, gradient)) = self.step_vectors.get(node) {
            vector_ui(ui, node, "a", values, false);
            if let Some(gradient) = gradient {
                vector_ui(ui, node, "∂L", gradient, true);
            }
        }
        if self.show_maps
            && let Some(textures) = self.textures.get(node)
            && !textures.is_empty()
        {
            hovered = thumbnails_ui(ui, node, textures, units);
        }
        if self.show_maps {
            self.receptive_fields.node_ui(ui, node);
            self.feature_maps.node_ui(ui, node);
        }
        if self.show_weights
            && let Some(weights) = self.weights.get(node)
        {
            weights_ui(ui, node, weights);
        }
        hovered
    }
}

/// One vector as a row of cells (sign and size), labelled, with the values on hover.
fn vector_ui(ui: &mut Ui, node: &str, label: &str, values: &[f64], gradient: bool) {
    const SHOWN: usize = 16;
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 1.0;
        let text = egui::RichText::new(label).small().monospace();
        if gradient {
            ui.label(text.color(crate::theme::gradient_colour(ui.visuals().dark_mode)));
        } else {
            ui.label(text);
        }
        let scale = values.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
        let background = ui.visuals().extreme_bg_color;
        let size = vec2(12.0, 12.0);
        let (rect, response) = ui.allocate_exact_size(
            vec2(size.x * values.len().min(SHOWN) as f32, size.y),
            Sense::hover(),
        );
        for (index, &value) in values.iter().take(SHOWN).enumerate() {
            let cell = egui::Rect::from_min_size(rect.min + vec2(index as f32 * size.x, 0.0), size);
            ui.painter()
                .rect_filled(cell.shrink(0.5), 1.0, diverging(value, scale, background));
        }
        let listed: Vec<String> = values.iter().map(|v| format!("{v:+.4}")).collect();
        let what = if gradient {
            "∂L/∂(output)"
        } else {
            "output"
        };
        response.on_hover_text(format!("{node} {what}: [{}]", listed.join(", ")));
        if values.len() > SHOWN {
            ui.weak(format!("+{}", values.len() - SHOWN));
        }
    });
}

/// A grid of thumbnails, one per unit; returns the hovered unit.
fn thumbnails_ui(
    ui: &mut Ui,
    node: &str,
    textures: &[TextureHandle],
    units: usize,
) -> Option<usize> {
    let mut hovered = None;
    let highlight = ui.visuals().selection.stroke;
    ui.vertical(|ui| {
        ui.spacing_mut().item_spacing = vec2(2.0, 2.0);
        for (row, chunk) in textures.chunks(THUMBNAILS_PER_ROW).enumerate() {
            ui.horizontal(|ui| {
                for (offset, texture) in chunk.iter().enumerate() {
                    let unit = row * THUMBNAILS_PER_ROW + offset;
                    let size = vec2(THUMBNAIL_SIZE, THUMBNAIL_SIZE);
                    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
                    let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
                    ui.painter().image(texture.id(), rect, uv, Color32::WHITE);
                    if response.hovered() {
                        hovered = Some(unit);
                        ui.painter().rect_stroke(
                            response.rect,
                            2.0,
                            Stroke::new(2.0, highlight.color),
                            egui::StrokeKind::Outside,
                        );
                    }
                    // Named for screen readers (and the window tests).
                    response.widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::WidgetType::Image,
                            true,
                            format!("{node}, unit {} map", unit + 1),
                        )
                    });
                    response.on_hover_text(format!(
                        "{node}, unit {}: its output over the input plane \
                         (orange negative, blue positive). Shown large in the plot below.",
                        unit + 1
                    ));
                }
            });
        }
        if units > textures.len() {
            ui.weak(format!("+{} more units", units - textures.len()));
        }
    });
    hovered
}

/// A matrix as a heatmap (sign and size), inputs down and units across, with the value
/// under the pointer.
pub fn matrix_ui(ui: &mut Ui, name: &str, matrix: &Array2<f64>) {
    weights_ui(ui, name, matrix);
}

/// The weight matrix as a heatmap, inputs down and units across, with the value under the
/// pointer.
fn weights_ui(ui: &mut Ui, node: &str, weights: &Array2<f64>) {
    let (inputs, units) = weights.dim();
    if inputs * units > MAX_DRAWN_WEIGHTS || inputs == 0 || units == 0 {
        ui.weak(format!("W: {inputs}×{units}, too large to draw"));
        return;
    }
    let cell = (120.0 / inputs.max(units) as f32).clamp(2.0, 10.0);
    ui.label(
        egui::RichText::new(format!("W {inputs}×{units}"))
            .small()
            .weak(),
    )
    .on_hover_text("The weights: one row per input, one column per unit.");
    let size = vec2(cell * units as f32, cell * inputs as f32);
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let scale = weights
        .iter()
        .fold(0.0f64, |m, &w| m.max(w.abs()))
        .max(1e-12);
    let background = ui.visuals().extreme_bg_color;
    let painter = ui.painter_at(rect);
    for ((input, unit), &w) in weights.indexed_iter() {
        let min = rect.min + vec2(unit as f32 * cell, input as f32 * cell);
        painter.rect_filled(
            egui::Rect::from_min_size(min, vec2(cell, cell)),
            0.0,
            diverging(w, scale, background),
        );
    }
    painter.rect_stroke(
        rect,
        0.0,
        Stroke::new(0.5, ui.visuals().weak_text_color()),
        egui::StrokeKind::Outside,
    );
    let under_pointer = response.hover_pos().map(|pos| {
        let offset = pos - rect.min;
        (
            ((offset.y / cell) as usize).min(inputs - 1),
            ((offset.x / cell) as usize).min(units - 1),
        )
    });
    response.on_hover_ui(|ui| match under_pointer {
        Some((input, unit)) => {
            ui.label(format!(
                "{node}: w[{}, {}] = {:+.4}\nfrom input {} to unit {} (largest |w| {scale:.3})",
                input + 1,
                unit + 1,
                weights[[input, unit]],
                input + 1,
                unit + 1
            ));
        }
        None => {
            ui.label(format!("{node}: weights {inputs}×{units}"));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_maps_colour_sign_and_size_relative_to_their_largest_value() {
        let background = Color32::from_gray(30);
        let map = UnitMap {
            resolution: 2,
            values: vec![-2.0, 0.0, 1.0, 2.0],
        };
        assert_eq!(map.scale(), 2.0);
        let image = map.image(background);
        assert_eq!(image.size, [2, 2]);
        assert_eq!(image.pixels[0], diverging(-1.0, 1.0, background));
        assert_eq!(image.pixels[1], background);
        assert_eq!(image.pixels[3], diverging(1.0, 1.0, background));
        assert_ne!(image.pixels[2], image.pixels[3]);
    }
}
