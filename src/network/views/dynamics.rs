//! The training-dynamics view, a tab beside the loss curves: per layer over the epochs, the
//! gradient norm `‖∂L/∂W‖` (log axis), the update ratio `‖ΔW‖/‖W‖` and the share of
//! saturated or dead units; at the current epoch, histograms of each layer's
//! pre-activations and activations. The numbers come from the trainer thread
//! ([`DynamicsPoint`]), gathered at the display rate.

use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};
use layerwright_nn::train::dynamics::{
    ACTIVITY_SAMPLE, Histogram, LayerActivity, SIGMOID_SATURATED_ABOVE, SIGMOID_SATURATED_BELOW,
    TANH_SATURATED_ABOVE,
};

use crate::network::snapshot::DynamicsPoint;
use crate::theme::class_colour;

/// Epochs of history kept before every other row is dropped (the curves stay whole, only
/// thinner).
const MOST_ROWS: usize = 2000;

/// One layer's figures at one epoch.
#[derive(Clone, Debug, PartialEq)]
struct LayerRow {
    name: String,
    gradient_norm: Option<f64>,
    update_ratio: Option<f64>,
    /// Saturated or dead units as a share of the layer's units (activations only).
    stuck_share: Option<f64>,
}

/// The figures over the epochs, one row per snapshot that brought a new epoch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DynamicsHistory {
    rows: Vec<(usize, Vec<LayerRow>)>,
}

impl DynamicsHistory {
    /// Forgets every row (a reset or another run).
    pub fn clear(&mut self) {
        self.rows.clear();
    }

    /// Adds `point` unless its epoch is already there; thins the history when it grows long.
    pub fn record(&mut self, point: &DynamicsPoint) {
        if point.epoch == 0 || self.rows.last().is_some_and(|(e, _)| *e >= point.epoch) {
            return;
        }
        let mut layers: Vec<LayerRow> = point
            .gradients
            .iter()
            .map(|g| LayerRow {
                name: g.name.clone(),
                gradient_norm: Some(g.gradient_norm),
                update_ratio: Some(g.update_ratio),
                stuck_share: None,
            })
            .collect();
        for activity in point.activity.iter().filter(|a| stuck_counts(a)) {
            let share = Some(activity.stuck_share());
            match layers.iter_mut().find(|l| l.name == activity.name) {
                Some(layer) => layer.stuck_share = share,
                None => layers.push(LayerRow {
                    name: activity.name.clone(),
                    gradient_norm: None,
                    update_ratio: None,
                    stuck_share: share,
                }),
            }
        }
        self.rows.push((point.epoch, layers));
        if self.rows.len() > MOST_ROWS {
            let mut index = 0;
            self.rows.retain(|_| {
                index += 1;
                index % 2 == 1
            });
        }
    }

    /// The number of epochs recorded.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether nothing is recorded yet.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Each layer's `(epoch, value)` series of the figure `pick` reads, in first-seen order.
    fn series(&self, pick: impl Fn(&LayerRow) -> Option<f64>) -> Vec<(String, Vec<[f64; 2]>)> {
        let mut series: Vec<(String, Vec<[f64; 2]>)> = Vec::new();
        for (epoch, layers) in &self.rows {
            for layer in layers {
                let Some(value) = pick(layer) else {
                    continue;
                };
                let at = match series.iter().position(|(name, _)| *name == layer.name) {
                    Some(at) => at,
                    None => {
                        series.push((layer.name.clone(), Vec::new()));
                        series.len() - 1
                    }
                };
                series[at].1.push([*epoch as f64, value]);
            }
        }
        series
    }
}

/// Whether a layer's units can be saturated or dead (sigmoid, tanh or ReLU).
fn stuck_counts(activity: &LayerActivity) -> bool {
    use layerwright_nn::Activation;
    matches!(
        activity.activation,
        Some(Activation::Sigmoid | Activation::Tanh | Activation::Relu)
    )
}

/// Which figure the view draws.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DynamicsPlot {
    /// `|∂L/∂W|` per layer, log axis.
    #[default]
    GradientNorm,
    /// `|ΔW|/|W|` per layer over each epoch, log axis.
    UpdateRatio,
    /// Saturated or dead units as a share of each layer's units.
    StuckUnits,
    /// The current epoch's histograms of one layer.
    Histograms,
}

impl DynamicsPlot {
    const ALL: [Self; 4] = [
        Self::GradientNorm,
        Self::UpdateRatio,
        Self::StuckUnits,
        Self::Histograms,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::GradientNorm => "Gradient norm",
            Self::UpdateRatio => "Update ratio",
            Self::StuckUnits => "Stuck units",
            Self::Histograms => "Histograms",
        }
    }

    fn tooltip(self) -> &'static str {
        match self {
            Self::GradientNorm => {
                "|∂L/∂W| of each layer, the mean over the epoch's updates (log scale). \
                 A first layer far below the last: the gradient vanishes on its way back."
            }
            Self::UpdateRatio => {
                "|ΔW|/|W| of each layer over the epoch (log scale): how far the weights move \
                 compared with their size. Around 1e-3 an epoch is healthy; far below, a layer \
                 hardly learns."
            }
            Self::StuckUnits => {
                "The share of each layer's units that are saturated (sigmoid outside \
                 [0.03, 0.97], tanh beyond ±0.97, on more than half of the sample) or dead \
                 (a ReLU that is 0 on every example of the sample): they pass back almost no \
                 gradient."
            }
            Self::Histograms => {
                "At the current epoch, one layer's values on the sample: what goes into its \
                 activation and what comes out."
            }
        }
    }
}

/// The person's choices in the view.
#[derive(Clone, Debug, Default)]
pub struct DynamicsChoices {
    /// The figure drawn.
    pub plot: DynamicsPlot,
    /// The layer whose histograms are drawn (by name).
    pub histogram_layer: Option<String>,
}

/// Draws the view.
pub fn dynamics_ui(
    ui: &mut egui::Ui,
    history: &DynamicsHistory,
    latest: Option<&DynamicsPoint>,
    choices: &mut DynamicsChoices,
) {
    ui.horizontal_wrapped(|ui| {
        for plot in DynamicsPlot::ALL {
            ui.selectable_value(&mut choices.plot, plot, plot.label())
                .on_hover_text(plot.tooltip());
        }
    });
    if history.is_empty() && latest.is_none_or(|l| l.activity.is_empty()) {
        ui.weak("Train an epoch to see what the gradients and units of each layer do.");
        return;
    }
    let height = ui.available_height().max(80.0);
    match choices.plot {
        DynamicsPlot::GradientNorm => series_plot(
            ui,
            "gradient-norms",
            "log₁₀ |∂L/∂W| (norm)",
            history.series(|l| l.gradient_norm.filter(|v| *v > 0.0).map(f64::log10)),
            height,
        ),
        DynamicsPlot::UpdateRatio => series_plot(
            ui,
            "update-ratios",
            "log₁₀ |ΔW|/|W|",
            history.series(|l| l.update_ratio.filter(|v| *v > 0.0).map(f64::log10)),
            height,
        ),
        DynamicsPlot::StuckUnits => series_plot(
            ui,
            "stuck-units",
            "saturated or dead units (%)",
            history.series(|l| l.stuck_share.map(|s| 100.0 * s)),
            height,
        ),
        DynamicsPlot::Histograms => histograms_ui(ui, latest, choices, height),
    }
}

/// One line per layer over the epochs.
fn series_plot(
    ui: &mut egui::Ui,
    id: &str,
    y_label: &str,
    series: Vec<(String, Vec<[f64; 2]>)>,
    height: f32,
) {
    Plot::new(id)
        .height(height)
        .legend(Legend::default())
        .x_axis_label("epoch")
        .y_axis_label(y_label)
        .include_x(0.0)
        .show(ui, |plot| {
            for (index, (name, points)) in series.into_iter().enumerate() {
                plot.line(Line::new(name, PlotPoints::from(points)).color(class_colour(index)));
            }
        });
}

/// The chosen layer's pre-activation and activation histograms, side by side.
fn histograms_ui(
    ui: &mut egui::Ui,
    latest: Option<&DynamicsPoint>,
    choices: &mut DynamicsChoices,
    height: f32,
) {
    let Some(latest) = latest.filter(|l| !l.activity.is_empty()) else {
        ui.weak("This network has no hidden layers to look into.");
        return;
    };
    let names: Vec<&str> = latest.activity.iter().map(|a| a.name.as_str()).collect();
    let chosen = choices
        .histogram_layer
        .as_deref()
        .and_then(|name| names.iter().position(|n| *n == name))
        .unwrap_or(0);
    let layer = &latest.activity[chosen];
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("Layer")
            .selected_text(&layer.name)
            .show_ui(ui, |ui| {
                for name in &names {
                    if ui.selectable_label(*name == layer.name, *name).clicked() {
                        choices.histogram_layer = Some((*name).to_owned());
                    }
                }
            });
        let summary = format!(
            "epoch {}, {} training examples; {}",
            latest.epoch,
            ACTIVITY_SAMPLE.min(sample_size(layer)),
            stuck_summary(layer)
        );
        ui.add(egui::Label::new(summary).truncate());
    });
    let width = ((ui.available_width() - 8.0) / 2.0).max(80.0);
    let height = (height - 24.0).max(60.0);
    let input_name = if layer.activation.is_some() {
        "pre-activation"
    } else {
        "input"
    };
    ui.horizontal(|ui| {
        histogram_plot(
            ui,
            "histogram-in",
            input_name,
            &layer.pre_activations,
            [width, height],
            1,
        );
        histogram_plot(
            ui,
            "histogram-out",
            "activation",
            &layer.activations,
            [width, height],
            0,
        );
    });
}

/// How many examples a layer's histograms count (each example gives one value a unit).
fn sample_size(layer: &LayerActivity) -> usize {
    let values: u32 = layer.activations.counts.iter().sum();
    values as usize / layer.units.max(1)
}

/// "3 of 16 units saturated", "5 of 16 units dead" or the thresholds, for the layer's
/// activation.
pub fn stuck_summary(layer: &LayerActivity) -> String {
    use layerwright_nn::Activation;
    match layer.activation {
        Some(Activation::Sigmoid) => format!(
            "{} of {} units saturated (outside [{SIGMOID_SATURATED_BELOW}, {SIGMOID_SATURATED_ABOVE}])",
            layer.saturated_units, layer.units
        ),
        Some(Activation::Tanh) => format!(
            "{} of {} units saturated (|a| > {TANH_SATURATED_ABOVE})",
            layer.saturated_units, layer.units
        ),
        Some(Activation::Relu) => format!(
            "{} of {} units dead (0 on every example)",
            layer.dead_units, layer.units
        ),
        _ => format!("{} units", layer.units),
    }
}

fn histogram_plot(
    ui: &mut egui::Ui,
    id: &str,
    title: &str,
    histogram: &Histogram,
    [width, height]: [f32; 2],
    colour: usize,
) {
    let bin = (histogram.high - histogram.low) / histogram.counts.len().max(1) as f64;
    let bars: Vec<Bar> = histogram
        .counts
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            Bar::new(histogram.low + (i as f64 + 0.5) * bin, f64::from(count)).width(bin * 0.95)
        })
        .collect();
    Plot::new(id)
        .width(width)
        .height(height)
        .x_axis_label(title)
        .y_axis_label("values")
        .include_y(0.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(title, bars).color(class_colour(colour)));
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerwright_nn::train::dynamics::LayerGradients;

    fn point(epoch: usize, norms: [f64; 2]) -> DynamicsPoint {
        DynamicsPoint {
            epoch,
            gradients: ["first", "last"]
                .iter()
                .zip(norms)
                .enumerate()
                .map(|(i, (name, norm))| LayerGradients {
                    node: layerwright_nn::NodeId(i + 1),
                    name: (*name).to_owned(),
                    gradient_norm: norm,
                    update_ratio: norm / 10.0,
                })
                .collect(),
            activity: Vec::new(),
        }
    }

    #[test]
    fn each_layer_gets_one_series_of_its_epochs_and_repeated_epochs_are_skipped() {
        let mut history = DynamicsHistory::default();
        history.record(&point(1, [0.01, 1.0]));
        history.record(&point(1, [0.5, 0.5]));
        history.record(&point(3, [0.001, 2.0]));
        let series = history.series(|l| l.gradient_norm);
        assert_eq!(
            series,
            vec![
                ("first".to_owned(), vec![[1.0, 0.01], [3.0, 0.001]]),
                ("last".to_owned(), vec![[1.0, 1.0], [3.0, 2.0]]),
            ]
        );
    }

    #[test]
    fn a_long_history_is_thinned_not_cut() {
        let mut history = DynamicsHistory::default();
        for epoch in 1..=MOST_ROWS + 1 {
            history.record(&point(epoch, [1.0, 1.0]));
        }
        assert_eq!(history.len(), MOST_ROWS / 2 + 1);
        let series = history.series(|l| l.gradient_norm);
        assert_eq!(series[0].1.first().map(|p| p[0]), Some(1.0));
        assert_eq!(
            series[0].1.last().map(|p| p[0]),
            Some((MOST_ROWS + 1) as f64)
        );
    }
}
