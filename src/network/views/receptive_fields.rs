//! Receptive fields: for image data, each first-layer unit's weights drawn as an image of
//! the input's shape, as textbook MNIST figures show them. Pixel `p` of unit `j`'s picture
//! is `W[p, j]` (summed over colour channels): blue where a lit pixel raises the unit's
//! input, orange where it lowers it, stronger with `|w|` relative to the unit's largest.

use std::collections::HashMap;

use egui::{Color32, ColorImage, TextureHandle, TextureOptions, Ui};
use layerwright_nn::ParameterSet;
use layerwright_nn::data::ImageShape;
use layerwright_nn::network::architecture::{Architecture, Operation, ParameterRole};
use ndarray::{Array2, ArrayView1};

use super::units::MAX_THUMBNAILS;
use crate::theme::diverging;

/// The first layer's weights of an image model, as pictures.
#[derive(Default)]
pub struct ReceptiveFields {
    /// The data's image shape (`None`: the data are not images).
    shape: Option<ImageShape>,
    /// Per first-layer node id, its weights `W: [pixels, units]`.
    weights: HashMap<String, Array2<f64>>,
    textures: HashMap<String, Vec<TextureHandle>>,
    stale: bool,
}

impl ReceptiveFields {
    /// Forgets everything; the next run's data are images of `shape`, or not images.
    pub fn start(&mut self, shape: Option<ImageShape>) {
        self.shape = shape;
        self.weights.clear();
        self.textures.clear();
    }

    /// Takes a snapshot's weights of each dense layer that reads the input directly (or
    /// through dropout) with one weight row per pixel.
    pub fn set_weights(&mut self, architecture: &Architecture, parameters: &ParameterSet<f64>) {
        self.weights.clear();
        let Some(shape) = self.shape else {
            return;
        };
        let pixels = shape.channels * shape.height * shape.width;
        for (info, tensor) in architecture.parameters().iter().zip(&parameters.tensors) {
            let node = architecture.node(info.node);
            let Operation::Dense(layer) = &node.operation else {
                continue;
            };
            let mut source = layer.input;
            // Dropout and flatten keep the pixels where they were.
            while let Operation::Dropout { input, .. } | Operation::Flatten { input } =
                &architecture.node(source).operation
            {
                source = *input;
            }
            let reads_the_input = matches!(architecture.node(source).operation, Operation::Input);
            if info.role == ParameterRole::Weights && reads_the_input && tensor.nrows() == pixels {
                self.weights.insert(node.name.clone(), tensor.clone());
            }
        }
        self.stale = true;
    }

    /// Unit `unit` of node `node` as a picture (`None` for other nodes and units).
    pub fn image(&self, node: &str, unit: usize, background: Color32) -> Option<ColorImage> {
        let weights = self.weights.get(node)?;
        let shape = self.shape?;
        (unit < weights.ncols()).then(|| field_image(weights.column(unit), shape, background))
    }

    /// Uploads the pictures again after new weights.
    pub fn refresh_textures(&mut self, ctx: &egui::Context, background: Color32) {
        if !std::mem::take(&mut self.stale) {
            return;
        }
        self.textures.retain(|id, _| self.weights.contains_key(id));
        for (id, weights) in &self.weights {
            let Some(shape) = self.shape else {
                return;
            };
            let textures = self.textures.entry(id.clone()).or_default();
            let shown = weights.ncols().min(MAX_THUMBNAILS);
            textures.truncate(shown);
            for unit in 0..shown {
                let image = field_image(weights.column(unit), shape, background);
                match textures.get_mut(unit) {
                    Some(texture) => texture.set(image, TextureOptions::NEAREST),
                    None => textures.push(ctx.load_texture(
                        format!("receptive-field-{id}-{unit}"),
                        image,
                        TextureOptions::NEAREST,
                    )),
                }
            }
        }
    }

    /// Draws node `node`'s pictures, if it has any, each large on hover.
    pub fn node_ui(&self, ui: &mut Ui, node: &str) {
        let (Some(textures), Some(weights)) = (self.textures.get(node), self.weights.get(node))
        else {
            return;
        };
        ui.label(
            egui::RichText::new("What each unit looks for")
                .small()
                .weak(),
        )
        .on_hover_text(
            "Each unit's weights drawn as an image: blue where ink raises the unit's input, \
                 orange where it lowers it.",
        );
        super::magnifier::picture_grid_ui(
            ui,
            textures,
            |unit| format!("{node}, unit {} weights", unit + 1),
            |unit| format!("{node}, unit {}: its weight from each pixel", unit + 1),
        );
        if weights.ncols() > textures.len() {
            ui.weak(format!("+{} more units", weights.ncols() - textures.len()));
        }
    }
}
/// One unit's weights `[pixels]` as a picture of `shape`: pixel `p` coloured by the sum of
/// its channels' weights, relative to the largest such sum.
pub fn field_image(weights: ArrayView1<f64>, shape: ImageShape, background: Color32) -> ColorImage {
    let plane = shape.height * shape.width;
    let sums: Vec<f64> = (0..plane)
        .map(|p| {
            (0..shape.channels)
                .map(|c| weights.get(c * plane + p).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let scale = sums.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
    let pixels = sums
        .iter()
        .map(|&sum| diverging(sum, scale, background))
        .collect();
    ColorImage::new([shape.width, shape.height], pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_s_weights_become_its_picture_pixel_by_pixel() {
        let shape = ImageShape {
            channels: 1,
            height: 2,
            width: 3,
            range: [0.0, 1.0],
        };
        let background = Color32::from_gray(30);
        let weights = ndarray::array![0.5, -1.0, 0.0, 0.25, 1.0, -0.5];
        let image = field_image(weights.view(), shape, background);
        assert_eq!(image.size, [3, 2]);
        for (pixel, &w) in weights.iter().enumerate() {
            assert_eq!(image.pixels[pixel], diverging(w, 1.0, background));
        }
    }
}
