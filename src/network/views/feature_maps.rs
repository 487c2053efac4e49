//! Convolutional networks inside their nodes: each convolution's filters as small pictures
//! (one per filter, its input channels side by side or, past three, in a grid; blue positive, orange negative), and,
//! for the example chosen in Try it (a test image, or the drawing pad), each image node's
//! feature maps, one per channel. Hover a picture to see it large.

use std::collections::HashMap;

use egui::{Color32, ColorImage, TextureHandle, TextureOptions, Ui};
use layerwright_nn::ParameterSet;
use layerwright_nn::network::architecture::{Architecture, ImageSize, Operation};

use super::units::MAX_THUMBNAILS;
use crate::theme::diverging;

/// One picture's numbers: `[rows, columns]` row by row.
#[derive(Clone, Debug, PartialEq)]
struct Picture {
    size: [usize; 2],
    values: Vec<f64>,
}

impl Picture {
    /// The picture coloured around 0 relative to `scale`.
    fn image(&self, scale: f64, background: Color32) -> ColorImage {
        let pixels = self
            .values
            .iter()
            .map(|&v| diverging(v, scale.max(1e-12), background))
            .collect();
        ColorImage::new([self.size[1], self.size[0]], pixels)
    }

    fn largest(pictures: &[Self]) -> f64 {
        pictures
            .iter()
            .flat_map(|p| p.values.iter())
            .fold(0.0, |m: f64, v| m.max(v.abs()))
    }
}

/// What the nodes of a convolutional network draw: filters and feature maps, by node id.
#[derive(Default)]
pub struct FeatureMaps {
    filters: HashMap<String, Vec<Picture>>,
    maps: HashMap<String, Vec<Picture>>,
    textures: HashMap<(String, bool), Vec<TextureHandle>>,
    /// How many filters (`true`) or channels (`false`) each node has, drawn or not.
    totals: HashMap<(String, bool), usize>,
    stale: bool,
}

impl FeatureMaps {
    /// Forgets every picture (another run).
    pub fn clear(&mut self) {
        self.filters.clear();
        self.maps.clear();
        self.totals.clear();
        self.stale = true;
    }

    /// Each convolution's filters from `parameters`: `W: [filters, c·kh·kw]`, one picture per
    /// filter with its `c` kernels in a grid of `⌈√c⌉` columns, row by row (side by side
    /// for up to three channels).
    pub fn set_filters(&mut self, architecture: &Architecture, parameters: &ParameterSet<f64>) {
        self.filters.clear();
        for node in architecture.nodes() {
            let Operation::Conv2D(layer) = &node.operation else {
                continue;
            };
            let weights = parameters.get(layer.weights);
            self.totals
                .insert((node.name.clone(), true), weights.nrows());
            let (channels, window) = (layer.shape.input.channels, layer.shape.window);
            let (rows, columns) = (window.height, window.width);
            let across = if channels <= 3 {
                channels.max(1)
            } else {
                (channels as f64).sqrt().ceil() as usize
            };
            let down = channels.div_ceil(across);
            let width = across * columns;
            let pictures = weights
                .rows()
                .into_iter()
                .take(MAX_THUMBNAILS)
                .map(|filter| {
                    let mut values = vec![0.0; down * rows * width];
                    for channel in 0..channels {
                        let (top, left) = ((channel / across) * rows, (channel % across) * columns);
                        for u in 0..rows {
                            for v in 0..columns {
                                let from = (channel * rows + u) * columns + v;
                                values[(top + u) * width + left + v] = filter[from];
                            }
                        }
                    }
                    Picture {
                        size: [down * rows, width],
                        values,
                    }
                })
                .collect();
            self.filters.insert(node.name.clone(), pictures);
        }
        self.stale = true;
    }

    /// The feature maps of one example: `(node id, its image size, its values)` for every
    /// image node but the input.
    pub fn set_maps(&mut self, maps: &[(String, ImageSize, Vec<f32>)]) {
        self.maps.clear();
        for (node, size, values) in maps {
            let plane = size.height * size.width;
            self.totals.insert((node.clone(), false), size.channels);
            let pictures = (0..size.channels.min(MAX_THUMBNAILS))
                .map(|channel| Picture {
                    size: [size.height, size.width],
                    values: values
                        .iter()
                        .skip(channel * plane)
                        .take(plane)
                        .map(|&v| f64::from(v))
                        .collect(),
                })
                .collect();
            self.maps.insert(node.clone(), pictures);
        }
        self.stale = true;
    }

    /// Whether node `node` has feature maps to draw.
    pub fn has_maps(&self, node: &str) -> bool {
        self.maps.contains_key(node)
    }

    /// Uploads the pictures again after new weights or a new example.
    pub fn refresh_textures(&mut self, ctx: &egui::Context, background: Color32) {
        if !std::mem::take(&mut self.stale) {
            return;
        }
        self.textures.clear();
        for (is_filter, pictures_by_node) in [(true, &self.filters), (false, &self.maps)] {
            for (id, pictures) in pictures_by_node {
                // One colour scale per node, so the pictures compare.
                let scale = Picture::largest(pictures);
                let textures = pictures
                    .iter()
                    .enumerate()
                    .map(|(index, picture)| {
                        ctx.load_texture(
                            format!("feature-{is_filter}-{id}-{index}"),
                            picture.image(scale, background),
                            TextureOptions::NEAREST,
                        )
                    })
                    .collect();
                self.textures.insert((id.clone(), is_filter), textures);
            }
        }
    }

    /// Draws node `node`'s filters and feature maps, if it has any, each large on hover.
    pub fn node_ui(&self, ui: &mut Ui, node: &str) {
        for (is_filter, title, tooltip) in [
            (
                true,
                "Filters",
                "Each filter's weights, one kernel per input channel (side by side, or in a \
                 grid row by row): blue positive, orange negative.",
            ),
            (
                false,
                "Feature maps",
                "What each channel of this node gives for the example chosen in Try it \
                 (a test image or the drawing pad): blue positive, orange negative.",
            ),
        ] {
            let Some(textures) = self.textures.get(&(node.to_owned(), is_filter)) else {
                continue;
            };
            ui.label(egui::RichText::new(title).small().weak())
                .on_hover_text(tooltip);
            let label = |index: usize| format!("{node}, {} {}", title.to_lowercase(), index + 1);
            super::magnifier::picture_grid_ui(ui, textures, label, label);
            let total = self
                .totals
                .get(&(node.to_owned(), is_filter))
                .copied()
                .unwrap_or(textures.len());
            if total > textures.len() {
                ui.label(
                    egui::RichText::new(format!("+{} more", total - textures.len()))
                        .small()
                        .weak(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerwright_nn::network::architecture::{ConvPadding, ConvSpec};
    use layerwright_nn::{
        Activation, ArchitectureBuilder, Initializer, Loss, OutputFunction, OutputSpec,
    };

    /// `x [channels, 3, 3] → conv (one filter, kernel × kernel, valid) → flatten → 1 output`.
    fn one_filter_over(channels: usize, kernel: usize) -> layerwright_nn::Architecture {
        let mut builder = ArchitectureBuilder::new();
        let size = ImageSize {
            channels,
            height: 3,
            width: 3,
        };
        let x = builder
            .input_image("x", size)
            .unwrap_or_else(|e| panic!("{e}"));
        let spec = ConvSpec {
            filters: 1,
            kernel: [kernel, kernel],
            stride: 1,
            padding: ConvPadding::Valid,
            activation: Activation::Identity,
            initializer: Initializer::Zeros,
            use_bias: false,
        };
        let conv = builder
            .conv2d("conv", x, spec)
            .unwrap_or_else(|e| panic!("{e}"));
        let flat = builder
            .flatten("flat", conv)
            .unwrap_or_else(|e| panic!("{e}"));
        let output = OutputSpec::new(1, OutputFunction::Identity, Loss::SquaredError);
        builder
            .output("out", flat, output)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn past_three_channels_a_filter_s_kernels_sit_in_a_grid_row_by_row() {
        // Five 1 × 1 kernels in ⌈√5⌉ = 3 columns: [1, 2, 3] over [4, 5, blank].
        let architecture = one_filter_over(5, 1);
        let mut parameters = architecture.initial_parameters(0);
        parameters.tensors[0] = ndarray::array![[1.0, 2.0, 3.0, 4.0, 5.0]];
        let mut maps = FeatureMaps::default();
        maps.set_filters(&architecture, &parameters);
        assert_eq!(
            maps.filters["conv"],
            vec![Picture {
                size: [2, 3],
                values: vec![1.0, 2.0, 3.0, 4.0, 5.0, 0.0],
            }]
        );
    }

    #[test]
    fn a_filter_s_channels_sit_side_by_side_in_its_picture() {
        let architecture = one_filter_over(2, 2);
        let mut parameters = architecture.initial_parameters(0);
        // Channel 0's kernel [[1, 2], [3, 4]], channel 1's [[5, 6], [7, 8]].
        parameters.tensors[0] = ndarray::array![[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]];
        let mut maps = FeatureMaps::default();
        maps.set_filters(&architecture, &parameters);
        assert_eq!(
            maps.filters["conv"],
            vec![Picture {
                size: [2, 4],
                values: vec![1.0, 2.0, 5.0, 6.0, 3.0, 4.0, 7.0, 8.0],
            }]
        );
        // Feature maps: one picture per channel.
        let two_channels = ImageSize {
            channels: 2,
            height: 1,
            width: 2,
        };
        maps.set_maps(&[("conv".to_owned(), two_channels, vec![1.0, -1.0, 0.5, 2.0])]);
        let pictures = &maps.maps["conv"];
        assert_eq!(pictures.len(), 2);
        assert_eq!(pictures[1].values, vec![0.5, 2.0]);
    }
}
