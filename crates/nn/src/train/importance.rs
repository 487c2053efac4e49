//! Which inputs matter: permutation importance. Shuffling one raw column of the test split
//! (a category column's whole one-hot block together) breaks its link to the target; the
//! score (accuracy, or R² for regression) the model loses is how much it relied on that
//! column. Columns the model ignores lose nothing.

use std::ops::Range;
use std::sync::Arc;

use ndarray::{Array2, ArrayView2, Axis};
use thiserror::Error;

use crate::data::{DataError, Dataset, PreparedData, Samples, Task};
use crate::math::rng::SplitMix64;
use crate::train::training::{Session, TrainingError};

/// Why importance cannot be measured.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum ImportanceError {
    /// Neither split has examples.
    #[error("there are no examples to shuffle")]
    NoExamples,
    /// The raw rows do not fit the data's description.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The model could not be evaluated.
    #[error(transparent)]
    Training(#[from] TrainingError),
}

/// How much the score falls when one raw column is shuffled.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnImportance {
    /// The raw column's name.
    pub column: String,
    /// The score with the column as it is, minus the score with it shuffled.
    pub score_drop: f64,
}

/// The raw columns a data set's inputs come from, each with the inputs it spans: a CSV's
/// kept columns (a category its one-hot block), otherwise one input per column.
pub fn raw_column_groups(dataset: &Dataset) -> Vec<(String, Range<usize>)> {
    match &dataset.encoding {
        Some(encoding) => encoding.input_groups(),
        None => dataset
            .feature_names
            .iter()
            .enumerate()
            .map(|(index, name)| (name.clone(), index..index + 1))
            .collect(),
    }
}

/// The accuracy (classification) or R² (regression) of `session` on raw rows `raw`
/// (encoded as `data` says) against `targets`.
fn score(
    session: &mut Session,
    data: &PreparedData,
    raw: ArrayView2<f64>,
    targets: &Arc<Array2<f32>>,
) -> Result<f64, ImportanceError> {
    let all: Vec<usize> = (0..raw.nrows()).collect();
    let inputs: Array2<f32> = data.description.encode_rows_at(raw, &all)?;
    let samples = Samples {
        inputs: Arc::new(inputs),
        targets: Arc::clone(targets),
    };
    let evaluation = session.evaluate(&samples)?;
    Ok(match data.description.task {
        Task::Classification => evaluation.accuracy,
        Task::Regression => evaluation.r_squared,
    }
    .unwrap_or(f64::NAN))
}

/// Each raw column's permutation importance for `session` on the test split of `data`
/// (the training split when there is no test split), most important first. `dataset` is
/// the raw data `data` was prepared from; `seed` draws the shuffles. `keep_going(done,
/// total)` is asked before each column; `Ok(None)` when it says stop.
pub fn permutation_importance(
    session: &mut Session,
    data: &PreparedData,
    dataset: &Dataset,
    seed: u64,
    keep_going: &dyn Fn(usize, usize) -> bool,
) -> Result<Option<Vec<ColumnImportance>>, ImportanceError> {
    let (indices, samples) = if data.test_indices.is_empty() {
        (&data.train_indices, &data.train)
    } else {
        (&data.test_indices, &data.test)
    };
    if indices.is_empty() {
        return Err(ImportanceError::NoExamples);
    }
    let raw = dataset.inputs.select(Axis(0), indices);
    let baseline = score(session, data, raw.view(), &samples.targets)?;
    let groups = raw_column_groups(dataset);
    let mut rng = SplitMix64::new(seed);
    let mut importances = Vec::with_capacity(groups.len());
    // One working copy: each column group is shuffled in it, scored, and put back.
    let mut shuffled = raw.clone();
    for (done, (column, inputs)) in groups.iter().enumerate() {
        if !keep_going(done, groups.len()) {
            return Ok(None);
        }
        let order = rng.permutation(raw.nrows());
        for (row, &from) in order.iter().enumerate() {
            for input in inputs.clone() {
                shuffled[[row, input]] = raw[[from, input]];
            }
        }
        let permuted = score(session, data, shuffled.view(), &samples.targets)?;
        for row in 0..raw.nrows() {
            for input in inputs.clone() {
                shuffled[[row, input]] = raw[[row, input]];
            }
        }
        importances.push(ColumnImportance {
            column: column.clone(),
            score_drop: baseline - permuted,
        });
    }
    importances.sort_by(|a, b| b.score_drop.total_cmp(&a.score_drop));
    Ok(Some(importances))
}
