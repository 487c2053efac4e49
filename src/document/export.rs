//! Files made in memory for the person to save: a trained model as the graph document with
//! weights, ONNX (checked by running it in tract) or PyTorch, and a plot as a PNG image.

use std::path::Path;

use clap::ValueEnum;
use egui::{ColorImage, Rect};
pub use layerwright_nn::export::{ExportKind, Exported, export_document};

/// The formats `export` writes, and the diagrams the window saves the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The trained graph document with weights and normalisation statistics.
    Json,
    /// An ONNX model.
    Onnx,
    /// A PyTorch module in one Python file.
    Pytorch,
    /// The network's diagram as SVG (drawn by the window, not exported by the engine; not
    /// one of `layerwright export`'s formats: `layerwright diagram` draws it).
    #[value(skip)]
    DiagramSvg,
    /// The network's diagram as PNG.
    #[value(skip)]
    DiagramPng,
}

impl ExportFormat {
    /// What such a file is called and its extension.
    pub fn file_type(self) -> (&'static str, &'static str) {
        let (what, &[extension]) = self.filter();
        (what, extension)
    }

    /// The same as a file dialog's filter: the description and its one extension.
    pub fn filter(self) -> (&'static str, &'static [&'static str; 1]) {
        match self {
            Self::Json => ("Layerwright trained graph", &["json"]),
            Self::Onnx => ("ONNX model", &["onnx"]),
            Self::Pytorch => ("Python file", &["py"]),
            Self::DiagramSvg => ("SVG diagram", &["svg"]),
            Self::DiagramPng => ("PNG diagram", &["png"]),
        }
    }

    /// The engine's export of this format; `None` for diagrams, which the window draws.
    fn engine_kind(self) -> Option<ExportKind> {
        match self {
            Self::Json => Some(ExportKind::Json),
            Self::Onnx => Some(ExportKind::Onnx),
            Self::Pytorch => Some(ExportKind::Pytorch),
            Self::DiagramSvg | Self::DiagramPng => None,
        }
    }
}

/// A trained document in `format` (see [`export_document`]); errors are lines for the person.
pub fn export_bytes(
    document: &layerwright_nn::graph::GraphDocument,
    folder: Option<&Path>,
    format: ExportFormat,
    name: &str,
) -> Result<Exported, Vec<String>> {
    let Some(kind) = format.engine_kind() else {
        return Err(vec![format!(
            "a {} is drawn by the window, not exported from the weights",
            format.file_type().0
        )]);
    };
    export_document(document, folder, kind, name).map_err(|e| e.lines())
}

/// What a screenshot was taken for: the plot's rectangle (points) and a file name to suggest.
#[derive(Clone, Debug, PartialEq)]
pub struct PlotCapture {
    /// The plot's area in the window, in points.
    pub rect: Rect,
    /// The suggested file name, such as `loss-curves.png`.
    pub file_name: String,
}

/// The part of a screenshot (`pixels_per_point` pixels per point) under `rect`, clipped to
/// the image; `None` when nothing of it is inside.
pub fn crop(image: &ColorImage, rect: Rect, pixels_per_point: f32) -> Option<ColorImage> {
    let [width, height] = image.size;
    let to_pixel =
        |v: f32, limit: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(limit);
    let (x0, x1) = (to_pixel(rect.min.x, width), to_pixel(rect.max.x, width));
    let (y0, y1) = (to_pixel(rect.min.y, height), to_pixel(rect.max.y, height));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        pixels.extend_from_slice(&image.pixels[y * width + x0..y * width + x1]);
    }
    Some(ColorImage::new([x1 - x0, y1 - y0], pixels))
}

/// The image as a PNG file's bytes (8-bit RGBA).
pub fn encode_png(image: &ColorImage) -> Result<Vec<u8>, png::EncodingError> {
    let [width, height] = image.size;
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(
        &mut bytes,
        u32::try_from(width).unwrap_or(u32::MAX),
        u32::try_from(height).unwrap_or(u32::MAX),
    );
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    let data: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(egui::Color32::to_srgba_unmultiplied)
        .collect();
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Color32, pos2};

    fn numbered(width: usize, height: usize) -> ColorImage {
        let pixels = (0..width * height)
            .map(|i| Color32::from_rgb(i as u8, (i / width) as u8, (i % width) as u8))
            .collect();
        ColorImage::new([width, height], pixels)
    }

    #[test]
    fn cropping_takes_the_rectangle_in_pixels() {
        let image = numbered(8, 6);
        // Two pixels per point: points (1, 1)-(3, 2) are pixels (2, 2)-(6, 4).
        let cropped = crop(
            &image,
            Rect::from_min_max(pos2(1.0, 1.0), pos2(3.0, 2.0)),
            2.0,
        )
        .unwrap();
        assert_eq!(cropped.size, [4, 2]);
        assert_eq!(cropped.pixels[0], image.pixels[2 * 8 + 2]);
        assert_eq!(cropped.pixels[7], image.pixels[3 * 8 + 5]);
    }

    #[test]
    fn cropping_clips_to_the_image_and_refuses_an_empty_area() {
        let image = numbered(8, 6);
        let clipped = crop(
            &image,
            Rect::from_min_max(pos2(-5.0, 4.0), pos2(50.0, 50.0)),
            1.0,
        )
        .unwrap();
        assert_eq!(clipped.size, [8, 2]);
        assert!(
            crop(
                &image,
                Rect::from_min_max(pos2(20.0, 0.0), pos2(30.0, 5.0)),
                1.0
            )
            .is_none()
        );
    }

    #[test]
    fn the_png_decodes_to_the_same_pixels() {
        let image = numbered(5, 3);
        let bytes = encode_png(&image).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buffer).unwrap();
        assert_eq!((info.width, info.height), (5, 3));
        assert_eq!(
            &buffer[4 * 7..4 * 8],
            &image.pixels[7].to_srgba_unmultiplied()
        );
    }
}
