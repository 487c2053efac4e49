//! Regression views: the data with the fitted curve, and the loss surface over `(w, b)`
//! with its level curves and the path gradient descent takes (eq. 1.2-1.9).

use std::sync::Arc;

use egui::{Color32, ColorImage, TextureHandle, TextureOptions};
use egui_plot::{
    HoverPosition, Legend, Line, MarkerShape, Plot, PlotImage, PlotPoint, PlotPoints, Points,
};
use layerwright_nn::teach::loss_surface::LossSurface;

use super::contours::{bowl_levels, contour_lines};
use crate::network::snapshot::CurveValues;
use crate::theme::{DESCENT_PATH, OPTIMUM, class_colour, sequential};

/// Level curves drawn on the loss surface.
const LEVELS: usize = 12;

/// A loss surface ready to draw: its image and level curves, made once per surface.
pub struct SurfaceDrawing {
    /// The sampled surface.
    pub surface: Arc<LossSurface>,
    /// Each level's polylines in `(w, b)`.
    pub contours: Vec<(f64, Vec<Vec<[f64; 2]>>)>,
    texture: Option<TextureHandle>,
}

impl SurfaceDrawing {
    /// Computes the level curves of `surface`.
    pub fn new(surface: Arc<LossSurface>) -> Self {
        let contours = bowl_levels(surface.losses.view(), LEVELS)
            .into_iter()
            .map(|level| {
                let lines = contour_lines(surface.losses.view(), level, |row, column| {
                    surface.position(row, column)
                });
                (level, lines)
            })
            .collect();
        Self {
            surface,
            contours,
            texture: None,
        }
    }
}

/// The loss at the lattice point nearest `(w, b)`, if it is inside the surface.
pub fn nearest_loss(surface: &LossSurface, point: [f64; 2]) -> Option<f64> {
    let steps = (surface.resolution().max(2) - 1) as f64;
    let (row, column) = surface.lattice_coordinates(point);
    let (row, column) = (row.round(), column.round());
    let inside = (0.0..=steps).contains(&column) && (0.0..=steps).contains(&row);
    inside
        .then(|| surface.losses.get((row as usize, column as usize)).copied())
        .flatten()
}

/// The surface as an image, one pixel per lattice point: darker where the loss is higher
/// (on a square-root scale, so the valley's floor keeps some detail).
pub fn surface_image(surface: &LossSurface, background: Color32) -> ColorImage {
    let (low, high) = surface
        .losses
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let span = (high - low).max(1e-300);
    let n = surface.resolution();
    let pixels = surface
        .losses
        .iter()
        .map(|&loss| sequential(((loss - low) / span).sqrt(), background))
        .collect();
    ColorImage::new([n, n], pixels)
}

/// The loss surface with level curves, the least-squares point and the descent path so far,
/// as plot `plot_id` (of `height` points, or all the space left); returns where it was drawn.
pub fn surface_ui(
    ui: &mut egui::Ui,
    drawing: &mut SurfaceDrawing,
    path: &[[f64; 2]],
    plot_id: &str,
    height: Option<f32>,
) -> egui::Rect {
    let background = ui.visuals().extreme_bg_color;
    let texture = drawing.texture.get_or_insert_with(|| {
        ui.ctx().load_texture(
            "loss-surface",
            surface_image(&drawing.surface, background),
            TextureOptions::LINEAR,
        )
    });
    let surface = &drawing.surface;
    let shown = Arc::clone(surface);
    let n = surface.resolution().max(2);
    let (w0, w1) = surface.weight_range;
    let (b0, b1) = surface.bias_range;
    // Lattice points are pixel centres: the image reaches half a cell past each end.
    let cell = [(w1 - w0) / (n - 1) as f64, (b1 - b0) / (n - 1) as f64];
    let line_colour = ui.visuals().text_color().gamma_multiply(0.45);
    if height.is_none() {
        ui.weak(
            "L(w, b) for ŷ = w·x + b: level curves, the least-squares minimum and the path of \
             gradient descent (eq. 1.5-1.9).",
        );
    }
    let top = egui::pos2(ui.min_rect().min.x, ui.cursor().min.y);
    let mut plot = Plot::new(plot_id);
    match height {
        // Small copies side by side: the caption beside them names the marks.
        Some(height) => plot = plot.height(height).allow_scroll(false),
        None => plot = plot.legend(Legend::default()),
    }
    plot.data_aspect(1.0)
        .show_grid(false)
        .x_axis_label("w")
        .y_axis_label("b")
        .label_formatter(move |hover| {
            let point = match hover {
                HoverPosition::NearDataPoint { position, .. }
                | HoverPosition::Elsewhere { position } => *position,
            };
            let loss = nearest_loss(&shown, [point.x, point.y])
                .map_or_else(String::new, |l| format!("\nL ≈ {l:.4}"));
            Some(format!("w = {:.3}\nb = {:.3}{loss}", point.x, point.y))
        })
        .show(ui, |plot| {
            plot.image(PlotImage::new(
                "",
                texture.id(),
                PlotPoint::new(0.5 * (w0 + w1), 0.5 * (b0 + b1)),
                egui::vec2((w1 - w0 + cell[0]) as f32, (b1 - b0 + cell[1]) as f32),
            ));
            // One legend entry for all of them: items sharing a name share an entry.
            for (_, lines) in &drawing.contours {
                for line in lines {
                    plot.line(
                        Line::new("level curves", PlotPoints::from(line.clone()))
                            .color(line_colour)
                            .width(1.0)
                            .allow_hover(false),
                    );
                }
            }
            if let Some([w, b]) = surface.least_squares {
                plot.points(
                    Points::new("least squares", vec![[w, b]])
                        .shape(MarkerShape::Asterisk)
                        .radius(7.0)
                        .color(OPTIMUM),
                );
            }
            if let Some(start) = path.first() {
                plot.points(
                    Points::new("start", vec![*start])
                        .shape(MarkerShape::Square)
                        .radius(4.0)
                        .color(DESCENT_PATH),
                );
            }
            if path.len() > 1 {
                plot.line(
                    Line::new("gradient descent", PlotPoints::from(path.to_vec()))
                        .color(DESCENT_PATH)
                        .width(2.0),
                );
            }
            if let Some(now) = path.last() {
                plot.points(
                    Points::new("now", vec![*now])
                        .radius(4.5)
                        .filled(true)
                        .color(DESCENT_PATH),
                );
            }
        });
    // The plot with its axes, for Save PNG….
    egui::Rect::from_min_max(top, ui.min_rect().max)
}

/// One-column data: training and test points `(x, y)`.
#[derive(Clone, Debug, Default)]
pub struct LineScatter {
    /// The training split.
    pub train: Vec<[f64; 2]>,
    /// The test split.
    pub test: Vec<[f64; 2]>,
}

/// The data with the network's prediction along `x` (a probability for classifiers);
/// returns where the plot was drawn.
pub fn fit_ui(
    ui: &mut egui::Ui,
    scatter: &LineScatter,
    curve: Option<&CurveValues>,
    show_test: bool,
) -> egui::Rect {
    let top = egui::pos2(ui.min_rect().min.x, ui.cursor().min.y);
    Plot::new("fit")
        .legend(Legend::default())
        .x_axis_label("x")
        .y_axis_label("y")
        .show(ui, |plot| {
            plot.points(
                Points::new("training points", scatter.train.clone())
                    .color(class_colour(1))
                    .radius(2.5)
                    .filled(true),
            );
            if show_test && !scatter.test.is_empty() {
                plot.points(
                    Points::new("test points", scatter.test.clone())
                        .color(class_colour(0))
                        .radius(3.0)
                        .filled(false),
                );
            }
            if let Some(curve) = curve {
                for (unit, column) in curve.outputs.columns().into_iter().enumerate() {
                    let points: Vec<[f64; 2]> = curve
                        .x
                        .iter()
                        .zip(column.iter())
                        .map(|(&x, &y)| [x, y])
                        .collect();
                    let name = if curve.outputs.ncols() == 1 {
                        "prediction".to_owned()
                    } else {
                        format!("p(class {unit})")
                    };
                    plot.line(
                        Line::new(name, PlotPoints::from(points))
                            .color(DESCENT_PATH)
                            .width(2.0),
                    );
                }
            }
        });
    // The plot with its axes, for Save PNG….
    egui::Rect::from_min_max(top, ui.min_rect().max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn the_lowest_loss_is_the_background_and_the_highest_the_full_colour() {
        let surface = LossSurface {
            weight_range: (0.0, 1.0),
            bias_range: (0.0, 1.0),
            losses: array![[4.0, 1.0], [0.0, 2.0]],
            least_squares: None,
        };
        let background = Color32::from_gray(20);
        let image = surface_image(&surface, background);
        assert_eq!(image.pixels[2], background);
        assert_eq!(image.pixels[0], sequential(1.0, background));
        // Square-root scale: a quarter of the span is half the colour.
        assert_eq!(image.pixels[1], sequential(0.5, background));
    }

    #[test]
    fn the_hover_reads_the_nearest_lattice_point_inside_the_surface() {
        let surface = LossSurface {
            weight_range: (0.0, 1.0),
            bias_range: (0.0, 1.0),
            losses: array![[4.0, 1.0], [0.0, 2.0]],
            least_squares: None,
        };
        // Row 0 is b = 1, column 1 is w = 1.
        assert_eq!(nearest_loss(&surface, [0.9, 0.8]), Some(1.0));
        assert_eq!(nearest_loss(&surface, [0.1, 0.1]), Some(0.0));
        assert_eq!(nearest_loss(&surface, [2.0, 0.5]), None);
    }

    #[test]
    fn level_curves_are_placed_in_parameter_coordinates() {
        // L = (w − 1)² + b² sampled on w ∈ [0, 2], b ∈ [−1, 1]: circles around (1, 0).
        let n = 41;
        let surface = LossSurface {
            weight_range: (0.0, 2.0),
            bias_range: (-1.0, 1.0),
            losses: ndarray::Array2::from_shape_fn((n, n), |(r, c)| {
                let w = c as f64 * 2.0 / 40.0;
                let b = 1.0 - r as f64 * 2.0 / 40.0;
                (w - 1.0).powi(2) + b * b
            }),
            least_squares: Some([1.0, 0.0]),
        };
        let drawing = SurfaceDrawing::new(Arc::new(surface));
        assert_eq!(drawing.contours.len(), LEVELS);
        let (level, lines) = &drawing.contours[3];
        let radius = level.sqrt();
        for [w, b] in lines.iter().flatten() {
            let r = ((w - 1.0).powi(2) + b * b).sqrt();
            assert!((r - radius).abs() < 0.01, "{r} vs {radius}");
        }
    }
}
