//! The activation gallery (the notes' figure 2.5): every activation and its derivative on one
//! chart, with their parameters adjustable, RReLU's random slopes from one training pass and
//! the mean slope it uses at inference, and a sentence each on when to use it.

use egui_plot::{Legend, Line, LineStyle, Plot, PlotPoints};
use layerwright_nn::{Activation, SplitMix64};

use crate::theme::class_colour;

/// The range of `z` drawn.
pub const Z_RANGE: (f64, f64) = (-4.0, 4.0);
/// Points per curve.
const POINTS: usize = 321;
/// Random slopes of RReLU drawn, as in one training pass over that many elements.
const RRELU_DRAWS: usize = 12;

/// One sentence on when each activation is the right choice.
pub fn advice(activation: Activation) -> &'static str {
    match activation {
        Activation::Identity => "For regression outputs and linear models: no nonlinearity at all.",
        Activation::Step => {
            "The perceptron's threshold (eq. 1.12): its derivative is 0, so gradient descent cannot train through it."
        }
        Activation::Sigmoid => {
            "For a probability output; in hidden layers it saturates and its small derivative (at most ¼) slows deep networks."
        }
        Activation::Tanh => {
            "Zero-centred sigmoid (derivative up to 1): a good default for small networks on 2-D data."
        }
        Activation::Relu => {
            "The usual default for hidden layers: cheap and non-saturating for z > 0, but a unit stuck at z < 0 stops learning."
        }
        Activation::LeakyRelu { .. } => {
            "ReLU with a small slope 1/a for z < 0 (the notes' y = z/a), so no unit dies."
        }
        Activation::Prelu { .. } => {
            "Leaky ReLU whose negative slope α is learned per unit, when the data should choose it."
        }
        Activation::Rrelu { .. } => {
            "Leaky ReLU with a random slope per element while training (a regulariser) and the mean slope at inference."
        }
        Activation::Elu { .. } => {
            "Smooth below zero, saturating at −α: mean activations nearer zero, at the cost of an exponential."
        }
        Activation::Softplus => "A smooth ReLU, ln(1 + e^z), whose derivative is the sigmoid.",
        Activation::Gelu => {
            "z·Φ(z), a smooth ReLU weighted by the normal distribution: the default of transformers."
        }
        Activation::Swish => {
            "z·σ(z) (SiLU): smooth, slightly negative for z < 0, often a little better than ReLU in deep networks."
        }
    }
}

/// An activation's value and derivative at evenly spaced `z` over [`Z_RANGE`].
pub fn curves(activation: Activation) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
    let (low, high) = Z_RANGE;
    let step = (high - low) / (POINTS - 1) as f64;
    (0..POINTS)
        .map(|i| {
            let z = low + i as f64 * step;
            let y: f64 = activation.value(z);
            ([z, y], [z, activation.derivative(z, y)])
        })
        .unzip()
}

/// The gallery's state: which activations are shown and their parameters.
pub struct Gallery {
    /// Whether the window is open.
    pub open: bool,
    shown: Vec<bool>,
    leaky_a: f64,
    prelu_alpha: f64,
    rrelu: (f64, f64),
    elu_alpha: f64,
    rrelu_seed: u64,
    show_derivatives: bool,
}

impl Default for Gallery {
    fn default() -> Self {
        Self {
            open: false,
            shown: Activation::ALL
                .iter()
                .map(|a| matches!(a, Activation::Sigmoid | Activation::Tanh | Activation::Relu))
                .collect(),
            leaky_a: 10.0,
            prelu_alpha: 0.25,
            rrelu: (1.0 / 8.0, 1.0 / 3.0),
            elu_alpha: 1.0,
            rrelu_seed: 1,
            show_derivatives: true,
        }
    }
}

impl Gallery {
    /// Every activation with the gallery's parameters.
    fn activations(&self) -> Vec<Activation> {
        Activation::ALL
            .iter()
            .map(|&a| match a {
                Activation::LeakyRelu { .. } => Activation::LeakyRelu { a: self.leaky_a },
                Activation::Prelu { .. } => Activation::Prelu {
                    initial_alpha: self.prelu_alpha,
                },
                Activation::Rrelu { .. } => Activation::Rrelu {
                    lower: self.rrelu.0,
                    upper: self.rrelu.1,
                },
                Activation::Elu { .. } => Activation::Elu {
                    alpha: self.elu_alpha,
                },
                other => other,
            })
            .collect()
    }

    /// The window.
    pub fn ui(&mut self, ctx: &egui::Context) {
        let mut open = self.open;
        egui::Window::new("Activation gallery")
            .open(&mut open)
            .default_size([900.0, 560.0])
            .show(ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(330.0);
                        self.choices_ui(ui);
                    });
                    ui.separator();
                    ui.vertical(|ui| self.plot_ui(ui));
                });
            });
        self.open = open;
    }

    fn choices_ui(&mut self, ui: &mut egui::Ui) {
        ui.checkbox(&mut self.show_derivatives, "Derivatives (dashed)");
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (index, activation) in self.activations().into_iter().enumerate() {
                let colour = class_colour(index);
                ui.horizontal(|ui| {
                    ui.checkbox(
                        &mut self.shown[index],
                        egui::RichText::new(activation.name())
                            .color(colour)
                            .strong(),
                    );
                });
                ui.weak(advice(activation));
                match activation {
                    Activation::LeakyRelu { .. } => {
                        ui.horizontal(|ui| {
                            let label = ui.label("a (slope 1/a)");
                            ui.add(
                                egui::DragValue::new(&mut self.leaky_a)
                                    .range(1.01..=1000.0)
                                    .speed(0.1),
                            )
                            .labelled_by(label.id);
                        });
                    }
                    Activation::Prelu { .. } => {
                        ui.horizontal(|ui| {
                            let label = ui.label("α");
                            ui.add(
                                egui::DragValue::new(&mut self.prelu_alpha)
                                    .range(0.0..=1.0)
                                    .speed(0.01),
                            )
                            .labelled_by(label.id);
                        });
                    }
                    Activation::Rrelu { .. } => {
                        ui.horizontal(|ui| {
                            let label = ui.label("slopes from");
                            ui.add(
                                egui::DragValue::new(&mut self.rrelu.0)
                                    .range(0.0..=1.0)
                                    .speed(0.01),
                            )
                            .labelled_by(label.id);
                            let to = ui.label("to");
                            ui.add(
                                egui::DragValue::new(&mut self.rrelu.1)
                                    .range(0.0..=1.0)
                                    .speed(0.01),
                            )
                            .labelled_by(to.id);
                            if ui
                                .small_button("Draw again")
                                .on_hover_text("Another training pass's random slopes.")
                                .clicked()
                            {
                                self.rrelu_seed += 1;
                            }
                        });
                        if self.rrelu.1 < self.rrelu.0 {
                            self.rrelu.1 = self.rrelu.0;
                        }
                    }
                    Activation::Elu { .. } => {
                        ui.horizontal(|ui| {
                            let label = ui.label("α");
                            ui.add(
                                egui::DragValue::new(&mut self.elu_alpha)
                                    .range(0.0..=5.0)
                                    .speed(0.05),
                            )
                            .labelled_by(label.id);
                        });
                    }
                    _ => {}
                }
                ui.add_space(4.0);
            }
        });
    }

    fn plot_ui(&mut self, ui: &mut egui::Ui) {
        let activations = self.activations();
        let rrelu_index = activations
            .iter()
            .position(|a| matches!(a, Activation::Rrelu { .. }));
        Plot::new("activation-gallery")
            .legend(Legend::default())
            .x_axis_label("z")
            .y_axis_label("f(z), f'(z)")
            .include_y(-1.5)
            .include_y(2.0)
            .show(ui, |plot| {
                for (index, activation) in activations.iter().enumerate() {
                    if !self.shown.get(index).copied().unwrap_or(false) {
                        continue;
                    }
                    let colour = class_colour(index);
                    let (values, derivatives) = curves(*activation);
                    plot.line(
                        Line::new(activation.name(), PlotPoints::from(values))
                            .color(colour)
                            .width(2.0),
                    );
                    if self.show_derivatives {
                        plot.line(
                            Line::new(
                                format!("{}'", activation.name()),
                                PlotPoints::from(derivatives),
                            )
                            .color(colour)
                            .style(LineStyle::dashed_loose()),
                        );
                    }
                }
                // RReLU: one training pass's random slopes for z < 0, faint, beside the mean.
                if let Some(index) = rrelu_index
                    && self.shown.get(index).copied().unwrap_or(false)
                {
                    let mut rng = SplitMix64::new(self.rrelu_seed);
                    let colour = class_colour(index).gamma_multiply(0.35);
                    for _ in 0..RRELU_DRAWS {
                        let slope = rng.uniform(self.rrelu.0, self.rrelu.1);
                        // One legend entry for all of them: items sharing a name share it.
                        plot.line(
                            Line::new(
                                "RReLU slopes while training",
                                PlotPoints::from(vec![[Z_RANGE.0, Z_RANGE.0 * slope], [0.0, 0.0]]),
                            )
                            .color(colour)
                            .width(1.0),
                        );
                    }
                }
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_derivative_curve_agrees_with_finite_differences_of_its_value_curve() {
        let h = 1e-6;
        for activation in Gallery::default().activations() {
            let (values, derivatives) = curves(activation);
            for (point, slope) in values.iter().zip(&derivatives) {
                let z = point[0];
                // Kinks (ReLU family and step at 0) have no derivative to compare.
                if z.abs() < 1e-9 {
                    continue;
                }
                let numeric = (activation.value(z + h) - activation.value(z - h)) / (2.0 * h);
                assert!(
                    (numeric - slope[1]).abs() < 1e-5,
                    "{} at z = {z}: {numeric} vs {}",
                    activation.name(),
                    slope[1]
                );
            }
        }
    }

    #[test]
    fn the_notes_leaky_relu_has_slope_one_over_a_below_zero() {
        let (values, derivatives) = curves(Activation::LeakyRelu { a: 10.0 });
        assert_eq!(values[0], [-4.0, -0.4]);
        assert!((derivatives[0][1] - 0.1).abs() < 1e-12);
        let rrelu = Activation::Rrelu {
            lower: 0.125,
            upper: 1.0 / 3.0,
        };
        // At inference RReLU uses the mean slope (1/8 + 1/3)/2.
        let mean = (0.125 + 1.0 / 3.0) / 2.0;
        assert!((rrelu.value(-2.0_f64) - (-2.0 * mean)).abs() < 1e-12);
    }
}
