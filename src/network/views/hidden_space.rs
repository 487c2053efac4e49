//! The hidden space, for two-column data: the training points and the input plane's grid
//! lines as a chosen layer maps them, drawn on two chosen units of that layer (ConvNetJS's
//! "warped space"). A layer that separates the classes shows them apart, the lines bent
//! where the activations bend the plane. It updates with every snapshot as the network
//! trains.

use egui::Color32;
use egui_plot::{Line, Plot, PlotPoints, Points};
use layerwright_nn::data::Task;
use layerwright_nn::network::architecture::{Architecture, Operation};
use ndarray::Array2;

use crate::theme::class_colour;

/// Grid lines drawn each way: every `resolution / LINES`-th row and column of cells.
const LINES: usize = 11;

/// Which layer and which two of its units the person looks at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HiddenSpaceChoice {
    /// The architecture node.
    pub node: usize,
    /// Its units across and up (0-based).
    pub units: [usize; 2],
}

impl HiddenSpaceChoice {
    /// The first hidden node at least two units wide (a dense, add, concat or dropout node
    /// that is not the output's logits), else any such node; `None` without one.
    pub fn first_hidden(architecture: &Architecture) -> Option<Self> {
        let logits = architecture.head().logits.0;
        let wide = |index: usize| architecture.nodes()[index].width >= 2;
        let hidden = (0..architecture.nodes().len()).find(|&index| {
            index != logits
                && wide(index)
                && !matches!(architecture.nodes()[index].operation, Operation::Input)
        });
        let node = hidden.or_else(|| (0..architecture.nodes().len()).find(|&i| wide(i)))?;
        Some(Self {
            node,
            units: [0, 1],
        })
    }

    /// The choice kept where it still fits `architecture`, else [`Self::first_hidden`].
    pub fn fitted(previous: Option<Self>, architecture: &Architecture) -> Option<Self> {
        previous
            .filter(|choice| {
                architecture.nodes().get(choice.node).is_some_and(|node| {
                    node.width >= 2 && choice.units.iter().all(|&u| u < node.width)
                })
            })
            .or_else(|| Self::first_hidden(architecture))
    }
}

/// What the view draws from: the node values over the grid and at the training points.
pub struct HiddenSpaceData<'a> {
    /// The layers.
    pub architecture: &'a Architecture,
    /// Each node's values over the `resolution²` grid, row by row from the top.
    pub grid: Option<&'a [Array2<f32>]>,
    /// Cells per side of that grid.
    pub resolution: usize,
    /// Each node's values at the first training examples.
    pub points: &'a [Array2<f32>],
    /// Those examples' class indices or values.
    pub labels: &'a [f64],
    /// Classification or regression.
    pub task: Task,
}

/// The grid lines of a `resolution²` grid mapped by one node's two units: `LINES` rows of
/// cells (each a line across) then `LINES` columns (each a line up), each a list of
/// `[unit a, unit b]` points along it.
pub fn mapped_grid_lines(
    values: &Array2<f32>,
    resolution: usize,
    units: [usize; 2],
) -> Vec<Vec<[f64; 2]>> {
    let n = resolution;
    if n < 2 || values.nrows() != n * n || units.iter().any(|&u| u >= values.ncols()) {
        return Vec::new();
    }
    let at = |cell: usize| {
        [
            f64::from(values[[cell, units[0]]]),
            f64::from(values[[cell, units[1]]]),
        ]
    };
    let picks: Vec<usize> = (0..LINES).map(|i| i * (n - 1) / (LINES - 1)).collect();
    let mut lines = Vec::new();
    for &row in &picks {
        lines.push((0..n).map(|column| at(row * n + column)).collect());
    }
    for &column in &picks {
        lines.push((0..n).map(|row| at(row * n + column)).collect());
    }
    lines
}

/// The layer and unit choices, then the plot.
pub fn hidden_space_ui(ui: &mut egui::Ui, choice: &mut HiddenSpaceChoice, data: &HiddenSpaceData) {
    let nodes = data.architecture.nodes();
    ui.horizontal(|ui| {
        let label = ui.label("Layer");
        egui::ComboBox::from_id_salt("hidden-space-layer")
            .selected_text(nodes.get(choice.node).map_or("", |n| n.name.as_str()))
            .show_ui(ui, |ui| {
                for (index, node) in nodes.iter().enumerate() {
                    if node.width >= 2 {
                        ui.selectable_value(&mut choice.node, index, node.name.as_str());
                    }
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("The layer whose values place the points.");
        let width = nodes.get(choice.node).map_or(2, |n| n.width);
        for (axis, name) in [(0, "across: unit"), (1, "up: unit")] {
            let label = ui.label(name);
            let mut shown = choice.units[axis] + 1;
            ui.add(egui::DragValue::new(&mut shown).range(1..=width))
                .labelled_by(label.id)
                .on_hover_text("Which of the layer's units is on this axis.");
            choice.units[axis] = shown.saturating_sub(1).min(width - 1);
        }
    });
    let Some(node) = nodes.get(choice.node) else {
        return;
    };
    let units = choice.units;
    let lines = data
        .grid
        .and_then(|maps| maps.get(choice.node))
        .map(|values| mapped_grid_lines(values, data.resolution, units))
        .unwrap_or_default();
    let line_colour = ui.visuals().weak_text_color().gamma_multiply(0.9);
    let points = data.points.get(choice.node);
    Plot::new("hidden-space")
        .show_grid(false)
        .allow_double_click_reset(false)
        .x_axis_label(format!("{}, unit {}", node.name, units[0] + 1))
        .y_axis_label(format!("{}, unit {}", node.name, units[1] + 1))
        .show(ui, |plot| {
            for (index, line) in lines.into_iter().enumerate() {
                plot.line(
                    Line::new(format!("grid line {index}"), PlotPoints::from(line))
                        .color(line_colour)
                        .width(1.0),
                );
            }
            let Some(values) = points else {
                return;
            };
            let mut by_class: std::collections::BTreeMap<usize, Vec<[f64; 2]>> = Default::default();
            for (row, &label) in values.rows().into_iter().zip(data.labels) {
                let (Some(&a), Some(&b)) = (row.get(units[0]), row.get(units[1])) else {
                    continue;
                };
                let class = match data.task {
                    Task::Classification => label.max(0.0) as usize,
                    Task::Regression => usize::MAX,
                };
                by_class
                    .entry(class)
                    .or_default()
                    .push([f64::from(a), f64::from(b)]);
            }
            for (class, mapped) in by_class {
                let colour = if class == usize::MAX {
                    Color32::GRAY
                } else {
                    class_colour(class)
                };
                plot.points(
                    Points::new("training points", PlotPoints::from(mapped))
                        .color(colour)
                        .radius(2.5)
                        .filled(true),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_lines_follow_rows_then_columns_of_cells_through_the_chosen_units() {
        // A 11×11 grid whose node has three units: cell value (row, column, 7).
        let n = 11;
        let values = Array2::from_shape_fn((n * n, 3), |(cell, unit)| match unit {
            0 => (cell / n) as f32,
            1 => (cell % n) as f32,
            _ => 7.0,
        });
        // Across unit 2 (column), up unit 1 (row): a row of cells is a line across at y = row.
        let lines = mapped_grid_lines(&values, n, [1, 0]);
        assert_eq!(lines.len(), 2 * LINES);
        assert_eq!(lines[3].len(), n);
        assert_eq!(lines[3][0], [0.0, 3.0]);
        assert_eq!(lines[3][10], [10.0, 3.0]);
        // The columns follow: column 5 goes up at x = 5.
        assert_eq!(lines[LINES + 5][2], [5.0, 2.0]);
        assert!(mapped_grid_lines(&values, n, [0, 3]).is_empty());
    }
}
