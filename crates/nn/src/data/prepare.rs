//! From a raw [`Dataset`] to training and test samples: input features, normalisation
//! fitted on the training split only, target encoding and a stratified split.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Dataset, Task, class_index};
use crate::data::samples::Samples;
use crate::math::float::Float;
use crate::math::rng::SplitMix64;

/// One model input computed from a raw row (columns counted from 0). TF Playground's seven
/// inputs for 2-D data are `x1`, `x2` (columns), `x1²`, `x2²` (squares), `x1·x2` (product),
/// `sin x1`, `sin x2` (sines).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Feature {
    /// The raw column.
    Column {
        /// The column.
        index: usize,
    },
    /// The column squared.
    Square {
        /// The column.
        index: usize,
    },
    /// Two columns multiplied.
    Product {
        /// The first column.
        a: usize,
        /// The second column.
        b: usize,
    },
    /// The sine of the column.
    Sine {
        /// The column.
        index: usize,
    },
}

impl Feature {
    /// TF Playground's seven inputs for 2-D data, in its order.
    pub const PLAYGROUND: [Self; 7] = [
        Self::Column { index: 0 },
        Self::Column { index: 1 },
        Self::Square { index: 0 },
        Self::Square { index: 1 },
        Self::Product { a: 0, b: 1 },
        Self::Sine { index: 0 },
        Self::Sine { index: 1 },
    ];

    /// The raw columns, one feature each.
    pub fn columns(count: usize) -> Vec<Self> {
        (0..count).map(|index| Self::Column { index }).collect()
    }

    /// The feature's value for one raw row.
    pub fn value(self, row: &[f64]) -> f64 {
        let at = |i: usize| row.get(i).copied().unwrap_or(f64::NAN);
        match self {
            Self::Column { index } => at(index),
            Self::Square { index } => at(index).powi(2),
            Self::Product { a, b } => at(a) * at(b),
            Self::Sine { index } => at(index).sin(),
        }
    }

    /// The feature's values over the rows `indices` of `raw`, `[indices.len()]`.
    pub fn values_at(self, raw: ArrayView2<f64>, indices: &[usize]) -> Array1<f64> {
        let mut buffer = Vec::with_capacity(raw.ncols());
        indices
            .iter()
            .map(|&index| {
                buffer.clear();
                buffer.extend(raw.row(index).iter().copied());
                self.value(&buffer)
            })
            .collect()
    }

    /// The largest column it reads.
    pub fn largest_column(self) -> usize {
        match self {
            Self::Column { index } | Self::Square { index } | Self::Sine { index } => index,
            Self::Product { a, b } => a.max(b),
        }
    }

    /// A label built from the raw columns' names, e.g. `x1²` or `sin x2`.
    pub fn label(self, names: &[String]) -> String {
        let name = |i: usize| {
            names
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("column {}", i + 1))
        };
        match self {
            Self::Column { index } => name(index),
            Self::Square { index } => format!("{}²", name(index)),
            Self::Product { a, b } => format!("{}·{}", name(a), name(b)),
            Self::Sine { index } => format!("sin {}", name(index)),
        }
    }
}

/// How input columns are rescaled, fitted on the training split.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalization {
    /// Inputs as they are.
    #[default]
    None,
    /// `(x − mean) / standard deviation`.
    ZScore,
    /// `(x − min) / (max − min)`, into 0..1 on the training split.
    MinMax,
}

/// An affine rescaling per column: `x' = (x − offset) / scale`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scaling {
    /// Subtracted first, one per column.
    pub offset: Vec<f64>,
    /// Divided by next, one per column; never 0 (a constant column gets 1).
    pub scale: Vec<f64>,
}

impl Scaling {
    /// The identity for `columns` columns.
    pub fn identity(columns: usize) -> Self {
        Self {
            offset: vec![0.0; columns],
            scale: vec![1.0; columns],
        }
    }

    /// Fits `normalization` to the columns of `data` (the training split).
    pub fn fit(normalization: Normalization, data: ArrayView2<f64>) -> Self {
        Self::fit_columns(
            normalization,
            data.ncols(),
            data.axis_iter(Axis(1)).map(|column| column.to_owned()),
        )
    }

    /// Fits `normalization` to `count` columns given one at a time (so a large split need
    /// not be held whole in `f64`).
    pub fn fit_columns(
        normalization: Normalization,
        count: usize,
        columns: impl Iterator<Item = Array1<f64>>,
    ) -> Self {
        let statistic = |column: Array1<f64>| -> (f64, f64) {
            match normalization {
                Normalization::None => (0.0, 1.0),
                Normalization::ZScore => {
                    let mean = column.mean().unwrap_or(0.0);
                    let variance = column.mapv(|v| (v - mean).powi(2)).mean().unwrap_or(0.0);
                    (mean, variance.sqrt())
                }
                Normalization::MinMax => {
                    let min = column.fold(f64::INFINITY, |m, &v| m.min(v));
                    let max = column.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                    (min, max - min)
                }
            }
        };
        if normalization == Normalization::None {
            return Self::identity(count);
        }
        let (offset, scale): (Vec<f64>, Vec<f64>) = columns.map(statistic).unzip();
        let scale = scale
            .into_iter()
            .map(|s| if s > 1e-12 && s.is_finite() { s } else { 1.0 })
            .collect();
        Self { offset, scale }
    }

    /// Applies `x' = (x − offset) / scale` to every row.
    pub fn apply(&self, data: &mut Array2<f64>) {
        for mut row in data.rows_mut() {
            for ((value, offset), scale) in row.iter_mut().zip(&self.offset).zip(&self.scale) {
                *value = (*value - offset) / scale;
            }
        }
    }

    /// Undoes [`Scaling::apply`]: `x = x'·scale + offset`.
    pub fn invert(&self, data: &mut Array2<f64>) {
        for mut row in data.rows_mut() {
            for ((value, offset), scale) in row.iter_mut().zip(&self.offset).zip(&self.scale) {
                *value = *value * scale + offset;
            }
        }
    }
}

/// How class targets become network targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetEncoding {
    /// One column: the value (regression) or 1 for class 1 and 0 otherwise (sigmoid, step).
    Column,
    /// One column per class, 1 for the example's class (softmax).
    OneHot,
}

/// How examples are divided between training and test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitSettings {
    /// The fraction of examples used for training, 0.1 to 0.9 (1.0: all, no test set).
    pub train_fraction: f64,
    /// Seeds the split.
    pub seed: u64,
}

impl Default for SplitSettings {
    fn default() -> Self {
        Self {
            train_fraction: 0.8,
            seed: 1,
        }
    }
}

/// Everything needed to treat new raw inputs as the training data was treated, and to
/// turn outputs back into the data's units and class names. Saved with trained models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataDescription {
    /// Classification or regression.
    pub task: Task,
    /// The raw input columns' names.
    pub raw_feature_names: Vec<String>,
    /// The model inputs computed from a raw row.
    pub features: Vec<Feature>,
    /// The rescaling of those inputs, fitted on the training split.
    pub input_scaling: Scaling,
    /// For regression with a standardised target: `y' = (y − offset)/scale`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_scaling: Option<Scaling>,
    /// How targets were encoded.
    pub target_encoding: TargetEncoding,
    /// The target column's name.
    pub target_name: String,
    /// The classes' names (empty for regression).
    pub class_names: Vec<String>,
    /// How a file's rows become the raw inputs (categories one-hot, blanks filled), for a
    /// CSV data set (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<crate::data::ColumnEncoding>,
    /// When the network reads its input as images (version 6): their shape and pixel range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<crate::data::ImageShape>,
}

impl DataDescription {
    /// Model inputs `[n, features]` from raw rows `[n, raw columns]`: features, then scaling.
    pub fn encode_inputs(&self, raw: ArrayView2<f64>) -> Result<Array2<f64>, DataError> {
        let all: Vec<usize> = (0..raw.nrows()).collect();
        self.encode_rows_at(raw, &all)
    }

    /// [`DataDescription::encode_inputs`] for the rows `indices` of `raw`, in that order,
    /// without copying them out first: `[indices.len(), features]` in `F` (worked out in
    /// `f64`, then rounded).
    pub fn encode_rows_at<F: Float>(
        &self,
        raw: ArrayView2<f64>,
        indices: &[usize],
    ) -> Result<Array2<F>, DataError> {
        self.check_raw_width(raw)?;
        let mut encoded = Array2::zeros((indices.len(), self.features.len()));
        let mut buffer = Vec::with_capacity(raw.ncols());
        let scaling = &self.input_scaling;
        for (&index, mut row) in indices.iter().zip(encoded.rows_mut()) {
            buffer.clear();
            buffer.extend(raw.row(index).iter().copied());
            for (((value, feature), offset), scale) in row
                .iter_mut()
                .zip(&self.features)
                .zip(&scaling.offset)
                .zip(&scaling.scale)
            {
                *value = F::cast((feature.value(&buffer) - offset) / scale);
            }
        }
        Ok(encoded)
    }

    fn check_raw_width(&self, raw: ArrayView2<f64>) -> Result<(), DataError> {
        if raw.ncols() == self.raw_feature_names.len() {
            Ok(())
        } else {
            Err(DataError::RawWidth {
                expected: self.raw_feature_names.len(),
                found: raw.ncols(),
            })
        }
    }

    /// Network outputs back in the data's units (undoing target standardisation).
    pub fn decode_outputs(&self, mut outputs: Array2<f64>) -> Array2<f64> {
        if let Some(scaling) = &self.target_scaling {
            scaling.invert(&mut outputs);
        }
        outputs
    }

    /// Network targets for raw targets (class indices or values), in `F` (worked out in
    /// `f64`, then rounded).
    pub fn encode_targets<F: Float>(&self, targets: &[f64]) -> Array2<F> {
        let scaled = |value: f64| {
            let first =
                |scaling: &Scaling| Some((*scaling.offset.first()?, *scaling.scale.first()?));
            F::cast(match self.target_scaling.as_ref().and_then(first) {
                Some((offset, scale)) => (value - offset) / scale,
                None => value,
            })
        };
        let flag = |on: bool| if on { F::one() } else { F::zero() };
        match (self.task, self.target_encoding) {
            (Task::Classification, TargetEncoding::OneHot) => {
                let classes = self.class_names.len().max(1);
                Array2::from_shape_fn((targets.len(), classes), |(r, c)| {
                    flag(class_index(targets[r]) == Some(c))
                })
            }
            (Task::Classification, TargetEncoding::Column) => {
                Array2::from_shape_fn((targets.len(), 1), |(r, _)| {
                    flag(class_index(targets[r]) == Some(1))
                })
            }
            (Task::Regression, _) => {
                Array2::from_shape_fn((targets.len(), 1), |(r, _)| scaled(targets[r]))
            }
        }
    }

    /// The names of the model inputs, e.g. `["x1", "x2", "x1²"]`.
    pub fn feature_labels(&self) -> Vec<String> {
        self.features
            .iter()
            .map(|f| f.label(&self.raw_feature_names))
            .collect()
    }
}

/// What stops a data set from being prepared.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum DataError {
    /// A feature reads a column the data does not have.
    #[error(
        "the input feature '{feature}' reads column {column}, but the data has {columns} columns"
    )]
    FeatureColumn {
        /// The feature's label.
        feature: String,
        /// The 1-based column it reads.
        column: usize,
        /// The data's column count.
        columns: usize,
    },
    /// No features were chosen.
    #[error("no input features are selected")]
    NoFeatures,
    /// A split fraction outside 0.1..=0.9 (or exactly 1.0).
    #[error(
        "the training fraction must be between 0.1 and 0.9 (or 1 for no test set), got {fraction}"
    )]
    BadSplit {
        /// The fraction given.
        fraction: f64,
    },
    /// Too few examples to train on.
    #[error("the data has {found} examples; at least {needed} are needed")]
    TooFewExamples {
        /// How many there are.
        found: usize,
        /// How many are needed.
        needed: usize,
    },
    /// Raw rows of the wrong width for prediction.
    #[error("the input has {found} columns but the model was trained on {expected}")]
    RawWidth {
        /// The training data's raw width.
        expected: usize,
        /// The width given.
        found: usize,
    },
    /// Target encoding that does not suit the task.
    #[error("{0}")]
    Encoding(String),
}

/// Training and test samples ready for a network, and how they were made.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedData {
    /// The training split, encoded, in `f32` (the precision training runs in).
    pub train: Samples<f32>,
    /// The test split, encoded with the training split's statistics, in `f32`.
    pub test: Samples<f32>,
    /// How raw data becomes samples (for prediction and export).
    pub description: DataDescription,
    /// The raw rows in the training split, in order.
    pub train_indices: Vec<usize>,
    /// The training split's raw inputs' smallest and largest value per column, `[2, raw
    /// features]` (row 0 the minima, row 1 the maxima; no rows for an empty split): the
    /// domain a decision boundary is drawn over.
    pub raw_train_bounds: Array2<f64>,
    /// The raw rows in the test split, in order.
    pub test_indices: Vec<usize>,
    /// The validation rows carved from the training split (early stopping), encoded like
    /// the rest; empty without early stopping on a validation fraction.
    pub validation: Samples<f32>,
    /// Their raw rows, in order.
    pub validation_indices: Vec<usize>,
}

/// Each column's smallest and largest value over the rows `indices`: `[2, columns]`, or
/// `[0, columns]` when there are none.
fn bounds_of(inputs: ArrayView2<f64>, indices: &[usize]) -> Array2<f64> {
    if indices.is_empty() {
        return Array2::zeros((0, inputs.ncols()));
    }
    let mut bounds = Array2::from_shape_fn((2, inputs.ncols()), |(r, _)| {
        if r == 0 {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        }
    });
    for &index in indices {
        for (column, &value) in inputs.row(index).iter().enumerate() {
            bounds[[0, column]] = bounds[[0, column]].min(value);
            bounds[[1, column]] = bounds[[1, column]].max(value);
        }
    }
    bounds
}

/// The example indices of the training and test splits. Classification splits each class
/// in the same proportion (stratified); both lists are shuffled by `settings.seed`.
pub fn split_indices(
    dataset: &Dataset,
    settings: SplitSettings,
) -> Result<(Vec<usize>, Vec<usize>), DataError> {
    split_rows(
        dataset.task,
        dataset.class_count(),
        &dataset.targets,
        settings,
    )
}

/// [`split_indices`] from the targets alone (before the inputs are encoded): `classes`
/// classes for classification.
pub fn split_rows(
    task: Task,
    classes: usize,
    targets: &[f64],
    settings: SplitSettings,
) -> Result<(Vec<usize>, Vec<usize>), DataError> {
    let fraction = settings.train_fraction;
    let whole = fraction == 1.0;
    if !(whole || (0.1..=0.9).contains(&fraction)) {
        return Err(DataError::BadSplit { fraction });
    }
    let mut rng = SplitMix64::new(settings.seed);
    let groups: Vec<Vec<usize>> = match task {
        Task::Classification => {
            let mut groups = vec![Vec::new(); classes.max(1)];
            for (index, &target) in targets.iter().enumerate() {
                let class = class_index(target).unwrap_or(0).min(groups.len() - 1);
                groups[class].push(index);
            }
            groups
        }
        Task::Regression => vec![(0..targets.len()).collect()],
    };
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for mut group in groups {
        rng.shuffle(&mut group);
        let count = group.len();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 0..=count
        let mut take = (count as f64 * fraction).round() as usize;
        if !whole && count >= 2 {
            take = take.clamp(1, count - 1);
        }
        test.extend_from_slice(&group[take.min(count)..]);
        group.truncate(take.min(count));
        train.extend(group);
    }
    rng.shuffle(&mut train);
    rng.shuffle(&mut test);
    Ok((train, test))
}

/// How [`prepare`] turns a data set into training and test samples.
#[derive(Clone, Debug, PartialEq)]
pub struct PrepareOptions {
    /// The network's inputs, made from the raw columns.
    pub features: Vec<Feature>,
    /// How the inputs are scaled (fitted on the training split only).
    pub normalization: Normalization,
    /// Whether a regression target is standardised while training.
    pub target: TargetScaling,
    /// How targets become output rows.
    pub encoding: TargetEncoding,
    /// The train/test split.
    pub split: SplitSettings,
    /// The fraction of the training split held out for validation (early stopping), 0 for
    /// none: the last of the shuffled training rows, never trained on and not used to fit
    /// the scaling.
    pub validation_fraction: f64,
    /// Image inputs: every column scaled by the one pixel range `[low, high]`,
    /// `x' = (x − low)/(high − low)`, instead of `normalization` column by column.
    pub image_range: Option<[f64; 2]>,
}

/// Whether a regression target is trained on as it is or standardised (`(y − μ)/σ`, fitted
/// on the training split; predictions are scaled back).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TargetScaling {
    /// The target as it is.
    #[default]
    Raw,
    /// The target standardised.
    Standardized,
}

impl TargetScaling {
    /// `Standardized` when `standardize` (the document's `standardize_target`).
    pub fn from_flag(standardize: bool) -> Self {
        if standardize {
            Self::Standardized
        } else {
            Self::Raw
        }
    }
}

/// Prepares `dataset` for training: splits it, computes `features` from the raw columns,
/// fits `normalization` (and, for regression with `standardize_target`, the target's
/// standardisation) on the training split only, and encodes the targets.
pub fn prepare(dataset: &Dataset, options: &PrepareOptions) -> Result<PreparedData, DataError> {
    let PrepareOptions {
        features,
        normalization,
        target,
        encoding,
        split,
        validation_fraction,
        image_range,
    } = options;
    let (features, normalization, encoding, split) =
        (features.as_slice(), *normalization, *encoding, *split);
    let standardize_target = *target == TargetScaling::Standardized;
    if features.is_empty() {
        return Err(DataError::NoFeatures);
    }
    for &feature in features {
        if feature.largest_column() >= dataset.feature_count() {
            return Err(DataError::FeatureColumn {
                feature: feature.label(&dataset.feature_names),
                column: feature.largest_column() + 1,
                columns: dataset.feature_count(),
            });
        }
    }
    if dataset.is_empty() {
        return Err(DataError::TooFewExamples {
            found: 0,
            needed: 1,
        });
    }
    if dataset.task == Task::Regression && encoding == TargetEncoding::OneHot {
        return Err(DataError::Encoding(
            "a regression target cannot be one-hot encoded".to_owned(),
        ));
    }
    let (mut train_indices, test_indices) = split_indices(dataset, split)?;
    let validation_indices = carve_validation(&mut train_indices, *validation_fraction);
    let mut description = DataDescription {
        task: dataset.task,
        raw_feature_names: dataset.feature_names.clone(),
        features: features.to_vec(),
        input_scaling: Scaling::identity(features.len()),
        target_scaling: None,
        target_encoding: encoding,
        target_name: dataset.target_name.clone(),
        class_names: dataset.class_names.clone(),
        columns: dataset.encoding.clone(),
        image: None,
    };
    let targets =
        |indices: &[usize]| -> Vec<f64> { indices.iter().map(|&i| dataset.targets[i]).collect() };
    // Fitted on the training split only, one model input at a time, so the split is never
    // held whole in f64: the samples are made once, scaled, in f32.
    let raw = dataset.inputs.view();
    description.input_scaling = match image_range {
        Some([low, high]) => Scaling {
            offset: vec![*low; features.len()],
            scale: vec![high - low; features.len()],
        },
        None => Scaling::fit_columns(
            normalization,
            features.len(),
            features
                .iter()
                .map(|&feature| feature.values_at(raw, &train_indices)),
        ),
    };
    if standardize_target && dataset.task == Task::Regression {
        let column = Array2::from_shape_vec((train_indices.len(), 1), targets(&train_indices))
            .map_err(|e| DataError::Encoding(e.to_string()))?;
        description.target_scaling = Some(Scaling::fit(Normalization::ZScore, column.view()));
    }
    let samples = |indices: &[usize]| -> Result<Samples<f32>, DataError> {
        Ok(Samples::new(
            description.encode_rows_at(raw, indices)?,
            description.encode_targets(&targets(indices)),
        ))
    };
    let train = samples(&train_indices)?;
    let test = samples(&test_indices)?;
    let validation = samples(&validation_indices)?;
    Ok(PreparedData {
        train,
        test,
        validation,
        description,
        raw_train_bounds: bounds_of(dataset.inputs.view(), &train_indices),
        train_indices,
        test_indices,
        validation_indices,
    })
}

/// Moves the last `⌈fraction·n⌉` of the (shuffled) training rows `train` to a validation
/// list, leaving at least one training row; none for a fraction of 0 or a single row.
fn carve_validation(train: &mut Vec<usize>, fraction: f64) -> Vec<usize> {
    if fraction.is_nan() || fraction <= 0.0 || train.len() < 2 {
        return Vec::new();
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 0..=len
    let count = ((train.len() as f64 * fraction).ceil() as usize).clamp(1, train.len() - 1);
    train.split_off(train.len() - count)
}
