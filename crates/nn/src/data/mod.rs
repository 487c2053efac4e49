//! Data: generated toy problems, bundled data sets, CSV import, input features,
//! normalisation and train/test splits.
//!
//! A [`Dataset`] holds raw features and one target per example. [`prepare()`] turns it into
//! training and test [`Samples`] plus a [`DataDescription`] that
//! prediction and export reuse, so raw inputs are treated the same everywhere.

pub mod bundled;
pub mod columns;
pub mod csv_file;
pub mod generators;
pub mod image;
pub mod load;
pub mod prepare;
pub mod samples;
pub mod summary;
pub mod table;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

pub use bundled::BundledDataset;
pub use columns::{
    CellEncoding, ColumnChoice, ColumnEncoding, ColumnKind, ColumnRole, EncodeError, EncodedColumn,
    MissingCells, UnseenCategory,
};
pub use csv_file::{
    CsvError, CsvOptions, HeaderRow, TableSource, TargetColumn, guess_task, guess_task_and_classes,
    header_of, read_csv, read_features, separator_of,
};
pub use generators::{Gate, Generator, GeneratorSettings};
pub use image::ImageShape;
pub use prepare::{
    DataDescription, DataError, Feature, Normalization, PrepareOptions, PreparedData, Scaling,
    SplitSettings, TargetEncoding, TargetScaling, prepare, split_indices, split_rows,
};
pub use samples::Samples;
pub use summary::{ColumnStats, DataSummary};
pub use table::{read_encoded_rows, read_prediction_rows};

/// Whether targets are classes or numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Each target is one of a few classes.
    #[default]
    Classification,
    /// Each target is a number.
    Regression,
}

/// Raw examples: `inputs: [n, features]` and one target each (a class index stored as a
/// float for classification, a value for regression).
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// The name shown to people ("Iris", "spiral", a file name).
    pub name: String,
    /// Classification or regression.
    pub task: Task,
    /// One name per input column.
    pub feature_names: Vec<String>,
    /// The target column's name.
    pub target_name: String,
    /// The raw features, one example per row.
    pub inputs: Array2<f64>,
    /// The class index (0, 1, …) or the value of each example.
    pub targets: Vec<f64>,
    /// The classes' names, indexed by class (empty for regression).
    pub class_names: Vec<String>,
    /// How a file's rows became `inputs` (CSV files; `None` for generated data).
    pub encoding: Option<ColumnEncoding>,
    /// What reading decided that the person should know (columns ignored, rows left out).
    pub notes: Vec<String>,
}

/// A point someone placed on the plane: position and class (or value).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabeledPoint {
    /// The first coordinate.
    pub x: f64,
    /// The second coordinate.
    pub y: f64,
    /// The class index (classification) or target value (regression).
    pub label: f64,
}

impl Dataset {
    /// The number of examples.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The number of input columns.
    pub fn feature_count(&self) -> usize {
        self.inputs.ncols()
    }

    /// The number of classes (0 for regression).
    pub fn class_count(&self) -> usize {
        self.class_names.len()
    }

    /// How many examples each class has.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.class_count()];
        for &target in &self.targets {
            if let Some(count) = class_index(target).and_then(|c| counts.get_mut(c)) {
                *count += 1;
            }
        }
        counts
    }

    /// A 2-D data set from points placed by hand. For classification, `classes` names
    /// the classes (at least the largest label + 1 of them are made).
    pub fn from_points(name: &str, task: Task, points: &[LabeledPoint], classes: usize) -> Self {
        let inputs = Array2::from_shape_fn((points.len(), 2), |(r, c)| {
            if c == 0 { points[r].x } else { points[r].y }
        });
        let class_names = match task {
            Task::Regression => Vec::new(),
            Task::Classification => {
                let largest = points
                    .iter()
                    .filter_map(|p| class_index(p.label))
                    .max()
                    .unwrap_or(0);
                (0..classes.max(largest + 1).max(2))
                    .map(|c| format!("class {c}"))
                    .collect()
            }
        };
        Self {
            name: name.to_owned(),
            task,
            feature_names: vec!["x1".to_owned(), "x2".to_owned()],
            target_name: "label".to_owned(),
            inputs,
            targets: points.iter().map(|p| p.label).collect(),
            class_names,
            encoding: None,
            notes: Vec::new(),
        }
    }
}

/// A stored class label as an index, if it is a non-negative whole number.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked just above
pub fn class_index(label: f64) -> Option<usize> {
    (label >= 0.0 && label.fract() == 0.0 && label < 1e9).then_some(label as usize)
}
