//! Every colour the app uses, in one place: a colour-blind-safe palette (Okabe and Ito 2008)
//! for node kinds, tuned for the light and the dark theme.

use egui::Color32;

/// Okabe–Ito colours, distinguishable with the common forms of colour blindness.
pub mod okabe_ito {
    use egui::Color32;
    /// Orange.
    pub const ORANGE: Color32 = Color32::from_rgb(230, 159, 0);
    /// Sky blue.
    pub const SKY_BLUE: Color32 = Color32::from_rgb(86, 180, 233);
    /// Bluish green.
    pub const BLUISH_GREEN: Color32 = Color32::from_rgb(0, 158, 115);
    /// Yellow.
    pub const YELLOW: Color32 = Color32::from_rgb(240, 228, 66);
    /// Blue.
    pub const BLUE: Color32 = Color32::from_rgb(0, 114, 178);
    /// Vermillion.
    pub const VERMILLION: Color32 = Color32::from_rgb(213, 94, 0);
    /// Reddish purple.
    pub const REDDISH_PURPLE: Color32 = Color32::from_rgb(204, 121, 167);
}

/// What a node is, for choosing its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeColour {
    /// The input node.
    Input,
    /// Dense layers.
    Dense,
    /// Add and concat.
    Merge,
    /// Dropout.
    Dropout,
    /// Batch and layer normalisation.
    Normalization,
    /// Convolution, pooling and flatten.
    Image,
    /// The output node.
    Output,
}

/// The accent colour of a node kind (header stripe, palette swatch).
pub fn node_accent(kind: NodeColour) -> Color32 {
    use okabe_ito::{BLUE, BLUISH_GREEN, ORANGE, REDDISH_PURPLE, SKY_BLUE, VERMILLION, YELLOW};
    match kind {
        NodeColour::Input => BLUISH_GREEN,
        NodeColour::Dense => BLUE,
        NodeColour::Merge => REDDISH_PURPLE,
        NodeColour::Dropout => SKY_BLUE,
        NodeColour::Normalization => YELLOW,
        NodeColour::Image => VERMILLION,
        NodeColour::Output => ORANGE,
    }
}

/// The colour of a validation-error badge.
pub fn error_colour(dark_mode: bool) -> Color32 {
    if dark_mode {
        Color32::from_rgb(255, 140, 100)
    } else {
        okabe_ito::VERMILLION
    }
}

/// The colour of an activation's curve icon.
pub fn curve_colour(dark_mode: bool) -> Color32 {
    if dark_mode {
        okabe_ito::YELLOW
    } else {
        okabe_ito::BLUE
    }
}

/// The colour of wires and pins.
pub fn wire_colour(dark_mode: bool) -> Color32 {
    if dark_mode {
        Color32::from_gray(190)
    } else {
        Color32::from_gray(90)
    }
}

/// The colour of class `index` in plots (Okabe–Ito, colour-blind safe).
pub fn class_colour(index: usize) -> Color32 {
    const COLOURS: [Color32; 7] = [
        okabe_ito::ORANGE,
        okabe_ito::BLUE,
        okabe_ito::BLUISH_GREEN,
        okabe_ito::REDDISH_PURPLE,
        okabe_ito::SKY_BLUE,
        okabe_ito::VERMILLION,
        okabe_ito::YELLOW,
    ];
    COLOURS[index % COLOURS.len()]
}

/// Mixes `colour` into the neutral `background` by `amount` in 0..=1.
pub fn tint(background: Color32, colour: Color32, amount: f64) -> Color32 {
    let t = amount.clamp(0.0, 1.0) as f32;
    let mix = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * t).round() as u8;
    Color32::from_rgb(
        mix(background.r(), colour.r()),
        mix(background.g(), colour.g()),
        mix(background.b(), colour.b()),
    )
}

/// A diverging colour for a value in `[−scale, scale]`: class 0's colour (orange) for
/// negative values, class 1's (blue) for positive ones, fading to `background` at zero.
pub fn diverging(value: f64, scale: f64, background: Color32) -> Color32 {
    if !value.is_finite() || scale <= 0.0 {
        return background;
    }
    let colour = if value < 0.0 {
        class_colour(0)
    } else {
        class_colour(1)
    };
    tint(background, colour, (value.abs() / scale).min(1.0) * 0.85)
}

/// A sequential colour for `t` in `[0, 1]` (loss heights): from `background` at 0 to a deep
/// blue at 1.
pub fn sequential(t: f64, background: Color32) -> Color32 {
    tint(background, okabe_ito::BLUE, t.clamp(0.0, 1.0) * 0.9)
}

/// The colour of a gradient-descent path drawn over a surface.
pub const DESCENT_PATH: Color32 = okabe_ito::VERMILLION;
/// The outline of nodes a lesson's hovered formula describes.
pub const HIGHLIGHT: Color32 = okabe_ito::ORANGE;
/// The colour of a marked optimum.
pub const OPTIMUM: Color32 = okabe_ito::YELLOW;

/// The colour of gradients in the computational-graph mode (always with a `∂` prefix too).
pub fn gradient_colour(dark_mode: bool) -> Color32 {
    if dark_mode {
        okabe_ito::ORANGE
    } else {
        okabe_ito::VERMILLION
    }
}
