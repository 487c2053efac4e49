//! The boundary slice: which two raw columns the decision boundary is drawn over, and the
//! value every other raw column is held at, for data with more than two input columns.
//! The boundary (and every unit map in the nodes) is the network's output on the plane
//! through the held row; each data point is drawn at its own values of the two axis
//! columns, faded by how far its other columns are from the held ones.

use std::ops::Range;

use layerwright_nn::data::Dataset;
use layerwright_nn::train::importance::raw_column_groups;

use crate::network::snapshot::BoundarySlice;

/// A point's opacity at RMS distance 0 from the slice is 1, at [`FADE_DISTANCE`] `1/e`.
const FADE_DISTANCE: f64 = 0.2;
/// The faintest a point is drawn, so every point stays findable.
const FAINTEST: f32 = 0.1;

/// One raw input column as the slice sees it.
#[derive(Clone, Debug, PartialEq)]
enum ColumnControl {
    /// A number column: raw input `index`, its training range and the value it is held at.
    Number {
        name: String,
        index: usize,
        low: f64,
        high: f64,
        held: f64,
    },
    /// A category column: its one-hot block of raw inputs and the category it is held at.
    Category {
        name: String,
        inputs: Range<usize>,
        categories: Vec<String>,
        held: usize,
    },
}

impl ColumnControl {
    fn name(&self) -> &str {
        match self {
            Self::Number { name, .. } | Self::Category { name, .. } => name,
        }
    }

    /// The same column (name and kind, categories included), whatever it is held at.
    fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Self::Number { name, index, .. },
                Self::Number {
                    name: other_name,
                    index: other_index,
                    ..
                },
            ) => name == other_name && index == other_index,
            (
                Self::Category {
                    name,
                    inputs,
                    categories,
                    ..
                },
                Self::Category {
                    name: other_name,
                    inputs: other_inputs,
                    categories: other_categories,
                    ..
                },
            ) => name == other_name && inputs == other_inputs && categories == other_categories,
            _ => false,
        }
    }

    /// How far a raw row is from the held value, as a fraction of the column's range (0 or 1
    /// for a category).
    fn distance(&self, row: &[f64]) -> f64 {
        match self {
            Self::Number {
                index,
                low,
                high,
                held,
                ..
            } => {
                let span = high - low;
                if span > 0.0 {
                    (row[*index] - held) / span
                } else {
                    0.0
                }
            }
            Self::Category { inputs, held, .. } => {
                if row[inputs.start + held] > 0.5 {
                    0.0
                } else {
                    1.0
                }
            }
        }
    }
}

/// One value per raw input column, each set by its own control: a slider over the
/// column's training range, or a list of its categories.
#[derive(Clone, Debug, PartialEq)]
pub struct RowControls {
    columns: Vec<ColumnControl>,
    /// The raw row width.
    raw_width: usize,
}

impl RowControls {
    /// The columns of `dataset`, each at its mean (numbers) or most frequent category over
    /// the training rows `train`; `None` without training rows.
    pub fn new(dataset: &Dataset, train: &[usize]) -> Option<Self> {
        if train.is_empty() {
            return None;
        }
        let inputs = &dataset.inputs;
        let mut columns = Vec::new();
        for (name, range) in raw_column_groups(dataset) {
            if range.len() == 1 {
                let index = range.start;
                let values = train.iter().map(|&row| inputs[[row, index]]);
                let low = values.clone().fold(f64::INFINITY, f64::min);
                let high = values.clone().fold(f64::NEG_INFINITY, f64::max);
                let mean = values.sum::<f64>() / train.len() as f64;
                columns.push(ColumnControl::Number {
                    name,
                    index,
                    low,
                    high,
                    held: mean,
                });
            } else {
                let prefix = format!("{name}=");
                let categories = range
                    .clone()
                    .map(|input| {
                        let full = &dataset.feature_names[input];
                        full.strip_prefix(&prefix).unwrap_or(full).to_owned()
                    })
                    .collect();
                let count = |input: usize| {
                    train
                        .iter()
                        .filter(|&&row| inputs[[row, input]] > 0.5)
                        .count()
                };
                // The first of the most frequent, as the fill of blanks picks it.
                let mut held = 0;
                for (position, input) in range.clone().enumerate() {
                    if count(input) > count(range.start + held) {
                        held = position;
                    }
                }
                columns.push(ColumnControl::Category {
                    name,
                    inputs: range,
                    categories,
                    held,
                });
            }
        }
        Some(Self {
            columns,
            raw_width: inputs.ncols(),
        })
    }

    /// Whether `other` has the same columns (names, kinds and categories).
    fn same_columns(&self, other: &Self) -> bool {
        self.columns.len() == other.columns.len()
            && self
                .columns
                .iter()
                .zip(&other.columns)
                .all(|(a, b)| a.same_as(b))
    }

    /// `self` with `previous`'s values when both have the same columns.
    pub fn keeping(mut self, previous: Option<&Self>) -> Self {
        if let Some(previous) = previous
            && self.same_columns(previous)
        {
            self.columns.clone_from(&previous.columns);
        }
        self
    }

    /// The raw row the controls stand for, `[raw columns]` (a category one-hot).
    pub fn row(&self) -> Vec<f64> {
        let mut row = vec![0.0; self.raw_width];
        for column in &self.columns {
            match column {
                ColumnControl::Number { index, held, .. } => row[*index] = *held,
                ColumnControl::Category { inputs, held, .. } => row[inputs.start + held] = 1.0,
            }
        }
        row
    }

    /// Sets every control to raw row `row`'s value (a category to its hottest input).
    pub fn fill(&mut self, row: &[f64]) {
        for column in &mut self.columns {
            match column {
                ColumnControl::Number { index, held, .. } => {
                    if let Some(&value) = row.get(*index) {
                        *held = value;
                    }
                }
                ColumnControl::Category { inputs, held, .. } => {
                    let block = row.get(inputs.clone()).unwrap_or(&[]);
                    let mut best = 0;
                    for (position, value) in block.iter().enumerate() {
                        if *value > block[best] {
                            best = position;
                        }
                    }
                    *held = best;
                }
            }
        }
    }

    /// How many columns there are.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether there are no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// One grid row per column (label, then slider or list), but those in `skip`; returns
    /// whether a value changed. Call inside a two-column [`egui::Grid`].
    pub fn controls_ui(&mut self, ui: &mut egui::Ui, skip: &[usize], tip: &str) -> bool {
        let mut changed = false;
        for (index, column) in self.columns.iter_mut().enumerate() {
            if !skip.contains(&index) {
                changed |= column_control_ui(ui, column, tip);
                ui.end_row();
            }
        }
        changed
    }
}

/// The person's slice through the raw input space, and the controls that choose it.
#[derive(Clone, Debug, PartialEq)]
pub struct SliceControls {
    /// Every column's held value (the axis columns' are not read).
    held: RowControls,
    /// Indices into the columns of the columns across and up (both numbers).
    axes: [usize; 2],
}

impl SliceControls {
    /// The columns of `dataset` with the first two number columns on the axes and every
    /// other column held at its mean (numbers) or most frequent category over the training
    /// rows `train`; `None` with fewer than two number columns or no training rows.
    pub fn new(dataset: &Dataset, train: &[usize]) -> Option<Self> {
        let held = RowControls::new(dataset, train)?;
        let mut numbers = held
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, ColumnControl::Number { .. }))
            .map(|(i, _)| i);
        let axes = [numbers.next()?, numbers.next()?];
        Some(Self { held, axes })
    }

    /// `self` with `previous`'s axes and held values when both have the same columns (a
    /// recompile of the same data keeps the person's slice).
    pub fn keeping(mut self, previous: Option<&Self>) -> Self {
        if let Some(previous) = previous
            && self.held.same_columns(&previous.held)
        {
            self.axes = previous.axes;
            self.held = self.held.keeping(Some(&previous.held));
        }
        self
    }

    /// Whether the data has exactly two columns, both on the axes: the whole input plane,
    /// with nothing held.
    pub fn is_whole_plane(&self) -> bool {
        self.held.len() == 2
    }

    /// The axis columns' names, across then up.
    pub fn axis_names(&self) -> [&str; 2] {
        self.axes.map(|a| self.held.columns[a].name())
    }

    /// The raw input columns on the axes, across then up.
    pub fn axes(&self) -> [usize; 2] {
        self.axes.map(|a| self.raw_index(a))
    }

    /// The slice to evaluate: the raw inputs on the axes and the whole held raw row.
    pub fn slice(&self) -> BoundarySlice {
        BoundarySlice {
            axes: self.axes(),
            held: self.held.row(),
        }
    }

    fn raw_index(&self, column: usize) -> usize {
        match &self.held.columns[column] {
            ColumnControl::Number { index, .. } => *index,
            ColumnControl::Category { inputs, .. } => inputs.start,
        }
    }

    /// Where raw row `row` is drawn, `[across, up]`, and how opaque: 1 on the slice, falling
    /// as `exp(−(d/0.2)²)` with `d` the root mean square of its held columns' distances
    /// (each a fraction of the column's training range; 0 or 1 for a category), never below
    /// [`FAINTEST`].
    pub fn place(&self, row: &[f64]) -> ([f64; 2], f32) {
        let at = [
            row[self.raw_index(self.axes[0])],
            row[self.raw_index(self.axes[1])],
        ];
        let held: Vec<f64> = self
            .held
            .columns
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.axes.contains(i))
            .map(|(_, column)| column.distance(row))
            .collect();
        if held.is_empty() {
            return (at, 1.0);
        }
        let mean_square = held.iter().map(|d| d * d).sum::<f64>() / held.len() as f64;
        let opacity = (-mean_square / (FADE_DISTANCE * FADE_DISTANCE)).exp() as f32;
        (at, opacity.max(FAINTEST))
    }

    /// The axis choices and one control per held column; returns whether the slice changed.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> bool {
        let mut changed = false;
        let numbers: Vec<usize> = self
            .held
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, ColumnControl::Number { .. }))
            .map(|(i, _)| i)
            .collect();
        let held = &mut self.held;
        let chosen_axes = &mut self.axes;
        egui::Grid::new("slice-controls")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                for (axis, label, tip) in [
                    (0, "Across", "The column along the horizontal axis."),
                    (1, "Up", "The column along the vertical axis."),
                ] {
                    let text = ui.label(label).on_hover_text(tip);
                    let mut chosen = chosen_axes[axis];
                    egui::ComboBox::from_id_salt(("slice-axis", axis))
                        .selected_text(held.columns[chosen].name())
                        .show_ui(ui, |ui| {
                            for &index in &numbers {
                                let name = held.columns[index].name();
                                ui.selectable_value(&mut chosen, index, name);
                            }
                        })
                        .response
                        .labelled_by(text.id)
                        .on_hover_text(tip);
                    ui.end_row();
                    if chosen != chosen_axes[axis] {
                        // Choosing the other axis's column swaps the two.
                        if chosen == chosen_axes[1 - axis] {
                            chosen_axes[1 - axis] = chosen_axes[axis];
                        }
                        chosen_axes[axis] = chosen;
                        changed = true;
                    }
                }
                if held.len() > 2 {
                    ui.label(egui::RichText::new("Held at").strong())
                        .on_hover_text(
                            "Every other column is held at one value on the plane shown.",
                        );
                    ui.end_row();
                }
                let tip = "Held at this value on the plane shown: move it to see the boundary \
                           at another slice. Points fade the further their own value is.";
                changed |= held.controls_ui(ui, &chosen_axes[..], tip);
            });
        changed
    }
}

/// The label and the slider (number) or list (category) of one column.
fn column_control_ui(ui: &mut egui::Ui, column: &mut ColumnControl, tip: &str) -> bool {
    match column {
        ColumnControl::Number {
            name,
            low,
            high,
            held,
            ..
        } => {
            let text = ui.label(name.as_str()).on_hover_text(tip);
            // Never clamped or rounded unless moved: a data row's value (even one outside
            // the training range) stays exactly as it is.
            let step = (*high - *low) / 100.0;
            ui.add(
                egui::Slider::new(held, *low..=*high)
                    .clamping(egui::SliderClamping::Never)
                    .step_by(if step > 0.0 { step } else { 0.0 })
                    .max_decimals(3),
            )
            .labelled_by(text.id)
            .on_hover_text(tip)
            .changed()
        }
        ColumnControl::Category {
            name,
            categories,
            held,
            ..
        } => {
            let text = ui.label(name.as_str()).on_hover_text(tip);
            let mut chosen = *held;
            egui::ComboBox::from_id_salt(("column-control", ui.id(), name.as_str()))
                .selected_text(categories.get(chosen).map_or("", String::as_str))
                .show_ui(ui, |ui| {
                    for (index, category) in categories.iter().enumerate() {
                        ui.selectable_value(&mut chosen, index, category);
                    }
                })
                .response
                .labelled_by(text.id)
                .on_hover_text(tip);
            let changed = chosen != *held;
            *held = chosen;
            changed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerwright_nn::data::Task;
    use ndarray::array;

    /// Columns a (0..10), b (0..1) and c (0..4): four rows, the first three for training.
    fn three_columns() -> Dataset {
        let mut dataset = Dataset::from_points("points", Task::Classification, &[], 2);
        dataset.inputs = array![
            [0.0, 0.0, 0.0],
            [10.0, 1.0, 4.0],
            [5.0, 0.5, 2.0],
            [99.0, 9.0, 9.0]
        ];
        dataset.targets = vec![0.0, 1.0, 0.0, 1.0];
        dataset.feature_names = vec!["a".into(), "b".into(), "c".into()];
        dataset
    }

    #[test]
    fn the_first_two_columns_are_on_the_axes_and_the_third_is_held_at_its_training_mean() {
        let controls = SliceControls::new(&three_columns(), &[0, 1, 2]).unwrap();
        assert_eq!(controls.axis_names(), ["a", "b"]);
        assert!(!controls.is_whole_plane());
        // c's training values 0, 4, 2: mean 2.
        let slice = controls.slice();
        assert_eq!(slice.axes, [0, 1]);
        assert_eq!(slice.held[2], 2.0);
    }

    #[test]
    fn a_point_on_the_slice_is_opaque_and_one_a_fifth_of_the_range_away_fades_to_one_over_e() {
        let controls = SliceControls::new(&three_columns(), &[0, 1, 2]).unwrap();
        let (at, opacity) = controls.place(&[3.0, 0.25, 2.0]);
        assert_eq!(at, [3.0, 0.25]);
        assert_eq!(opacity, 1.0);
        // c's range is 4: 0.8 away is 0.2 of it, exp(−1).
        let (_, opacity) = controls.place(&[3.0, 0.25, 2.8]);
        assert!((f64::from(opacity) - (-1.0_f64).exp()).abs() < 1e-6);
        // Far away: the faintest.
        let (_, opacity) = controls.place(&[3.0, 0.25, 40.0]);
        assert_eq!(opacity, FAINTEST);
    }

    /// Numbers a and b, then island's one-hot block (north, south): five rows, four training.
    fn with_a_category() -> Dataset {
        use layerwright_nn::data::{CellEncoding, ColumnEncoding, EncodedColumn};
        let mut dataset = Dataset::from_points("points", Task::Classification, &[], 2);
        dataset.inputs = array![
            [0.0, 0.0, 1.0, 0.0],
            [4.0, 2.0, 0.0, 1.0],
            [2.0, 1.0, 0.0, 1.0],
            [2.0, 1.0, 0.0, 1.0],
            [9.0, 9.0, 1.0, 0.0]
        ];
        dataset.targets = vec![0.0, 1.0, 1.0, 0.0, 1.0];
        dataset.feature_names = ["a", "b", "island=north", "island=south"]
            .map(str::to_owned)
            .to_vec();
        let number = |name: &str| EncodedColumn {
            name: name.to_owned(),
            encoding: CellEncoding::Number { fill: 0.0 },
        };
        dataset.encoding = Some(ColumnEncoding {
            columns: vec![
                number("a"),
                EncodedColumn {
                    name: "island".to_owned(),
                    encoding: CellEncoding::Category {
                        categories: vec!["north".to_owned(), "south".to_owned()],
                        fill: "south".to_owned(),
                    },
                },
                number("b"),
            ],
            unseen: Default::default(),
        });
        dataset
    }

    #[test]
    fn a_category_is_held_at_its_most_frequent_value_and_other_categories_fade_fully() {
        let controls = SliceControls::new(&with_a_category(), &[0, 1, 2, 3]).unwrap();
        assert_eq!(controls.axis_names(), ["a", "b"]);
        // South on three of the four training rows: held at south, one-hot [0, 1].
        assert_eq!(controls.slice().held[2..], [0.0, 1.0]);
        // A southern row is on the slice; a northern one as far as a category can be.
        assert_eq!(controls.place(&[1.0, 1.0, 0.0, 1.0]), ([1.0, 1.0], 1.0));
        assert_eq!(controls.place(&[1.0, 1.0, 1.0, 0.0]).1, FAINTEST);
    }

    #[test]
    fn a_row_fills_every_control_a_category_by_its_hot_input() {
        let dataset = with_a_category();
        let mut row = RowControls::new(&dataset, &[0, 1, 2, 3]).unwrap();
        assert_eq!(row.len(), 3);
        row.fill(&[7.0, 3.0, 1.0, 0.0]);
        assert_eq!(row.row(), [7.0, 3.0, 1.0, 0.0]);
    }

    #[test]
    fn a_recompile_of_the_same_columns_keeps_the_slice() {
        let dataset = three_columns();
        let mut chosen = SliceControls::new(&dataset, &[0, 1, 2]).unwrap();
        chosen.axes = [2, 0];
        if let ColumnControl::Number { held, .. } = &mut chosen.held.columns[1] {
            *held = 0.75;
        }
        let kept = SliceControls::new(&dataset, &[0, 1, 2])
            .unwrap()
            .keeping(Some(&chosen));
        assert_eq!(kept.slice(), chosen.slice());
        assert_eq!(kept.slice().axes, [2, 0]);
        assert_eq!(kept.slice().held[1], 0.75);
    }
}
