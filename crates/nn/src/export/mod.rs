//! Trained models in forms other tools run: ONNX (checked by a second runtime, tract) and a
//! PyTorch module. (The JSON form is the trained document itself, see [`crate::graph::io`].)

pub mod onnx;
pub mod pytorch;

use ndarray::Array2;
use thiserror::Error;

use crate::data::{Dataset, Feature, Task};
use crate::math::rng::SplitMix64;
use crate::network::inference::TrainedModel;

/// Why a model could not be exported or its export did not check out.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum ExportError {
    /// The model cannot be written in this format.
    #[error("cannot export the model: {0}")]
    Model(String),
    /// The second runtime could not load or run the file.
    #[error("tract could not run the exported ONNX file: {0}")]
    Runtime(String),
    /// The second runtime disagrees with the engine.
    #[error(
        "the exported ONNX file disagrees with the engine: output {column} of input row {row} is {exported} in tract but {expected} here (allowed difference {allowed:.1e})"
    )]
    Mismatch {
        /// The input row (1-based).
        row: usize,
        /// The output column (1-based).
        column: usize,
        /// The engine's value.
        expected: f64,
        /// tract's value.
        exported: f64,
        /// The tolerance, `1e-5·max(1, |expected|)`.
        allowed: f64,
    },
}

/// What the check of an ONNX file found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verification {
    /// Inputs compared.
    pub rows: usize,
    /// The largest absolute difference between tract's outputs and the engine's.
    pub max_difference: f64,
}

impl std::fmt::Display for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "verified with tract: max difference {:.1e} on {} inputs",
            self.max_difference, self.rows
        )
    }
}

/// The engine's outputs for raw rows: `ŷ = g(z)` (probabilities for classifiers), with
/// regression values in the target's units — what the exported files compute.
pub fn engine_outputs(
    model: &TrainedModel,
    raw: ndarray::ArrayView2<f64>,
) -> Result<Array2<f64>, ExportError> {
    let description = model.description();
    let inputs = description
        .encode_inputs(raw)
        .map_err(|e| ExportError::Model(e.to_string()))?;
    let outputs = model.outputs(inputs.view());
    Ok(match description.task {
        Task::Regression => description.decode_outputs(outputs),
        Task::Classification => outputs,
    })
}

/// `count` raw rows drawn uniformly from the data's domain: each raw column's range in
/// `dataset` when it is at hand, otherwise `offset ± 2·scale` of its normalisation,
/// otherwise `[−1, 1]`.
pub fn domain_samples(
    model: &TrainedModel,
    dataset: Option<&Dataset>,
    count: usize,
    seed: u64,
) -> Array2<f64> {
    let description = model.description();
    let columns = description.raw_feature_names.len();
    let ranges: Vec<(f64, f64)> = (0..columns)
        .map(|column| {
            if let Some(data) = dataset.filter(|d| d.feature_count() == columns) {
                let values = data.inputs.column(column);
                let low = values.fold(f64::INFINITY, |m, &v| m.min(v));
                let high = values.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                if low.is_finite() && high.is_finite() {
                    return (low, high);
                }
            }
            let scaled = description
                .features
                .iter()
                .position(|f| *f == Feature::Column { index: column });
            match scaled {
                Some(i) => {
                    // A mean and a standard deviation, or a minimum and a range: either way
                    // offset ± 2·scale covers the data.
                    let offset = description
                        .input_scaling
                        .offset
                        .get(i)
                        .copied()
                        .unwrap_or(0.0);
                    let scale = description
                        .input_scaling
                        .scale
                        .get(i)
                        .copied()
                        .unwrap_or(1.0);
                    (offset - 2.0 * scale, offset + 2.0 * scale)
                }
                None => (-1.0, 1.0),
            }
        })
        .collect();
    let mut rng = SplitMix64::new(seed);
    Array2::from_shape_fn((count, columns), |(_, column)| {
        let (low, high) = ranges[column];
        rng.uniform(low, high)
    })
}

/// Loads `onnx` with tract, runs it on `raw` rows and compares with the engine: every
/// output must be within `1e-5·max(1, |y|)` of the engine's `y`.
pub fn verify_onnx(
    onnx: &[u8],
    model: &TrainedModel,
    raw: ndarray::ArrayView2<f64>,
) -> Result<Verification, ExportError> {
    use tract_onnx::prelude::{
        DatumExt, Framework, InferenceModelExt, IntoRunnable, IntoTensor, TractError, tvec,
    };
    let expected = engine_outputs(model, raw)?;
    let (rows, columns) = raw.dim();
    let runtime = |e: TractError| ExportError::Runtime(format!("{e:#}"));
    let runnable = tract_onnx::onnx()
        .model_for_read(&mut std::io::Cursor::new(onnx))
        .map_err(runtime)?
        .with_input_fact(0, f32::fact([rows, columns]).into())
        .map_err(runtime)?
        .into_optimized()
        .map_err(runtime)?
        .into_runnable()
        .map_err(runtime)?;
    #[allow(clippy::cast_possible_truncation)] // the file computes in float32
    let input = ndarray::Array2::from_shape_fn((rows, columns), |(r, c)| raw[[r, c]] as f32);
    let outputs = runnable
        .run(tvec!(input.into_tensor().into()))
        .map_err(runtime)?;
    let Some(first) = outputs.first() else {
        return Err(ExportError::Runtime("the model has no output".to_owned()));
    };
    let values = first.to_plain_array_view::<f32>().map_err(runtime)?;
    if values.shape() != [rows, expected.ncols()] {
        return Err(ExportError::Runtime(format!(
            "the output has shape {:?}, expected [{rows}, {}]",
            values.shape(),
            expected.ncols()
        )));
    }
    let mut max_difference: f64 = 0.0;
    for ((row, column), &want) in expected.indexed_iter() {
        let got = f64::from(values[[row, column]]);
        let difference = (got - want).abs();
        let allowed = 1e-5 * want.abs().max(1.0);
        // A NaN difference (an output that is not a number) fails too.
        if difference.is_nan() || difference > allowed {
            return Err(ExportError::Mismatch {
                row: row + 1,
                column: column + 1,
                expected: want,
                exported: got,
                allowed,
            });
        }
        max_difference = max_difference.max(difference);
    }
    Ok(Verification {
        rows,
        max_difference,
    })
}

/// The files a trained document can be exported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The trained graph document with weights and normalisation statistics.
    Json,
    /// An ONNX model, checked by running it in tract.
    Onnx,
    /// A PyTorch module in one Python file.
    Pytorch,
}

/// What an export produced: the file's bytes and, for ONNX, the second runtime's check.
#[derive(Clone, Debug, PartialEq)]
pub struct Exported {
    /// The file's content.
    pub bytes: Vec<u8>,
    /// tract's agreement with the engine (ONNX only).
    pub verification: Option<Verification>,
}

/// Why a trained document could not be exported.
#[derive(Debug, Error)]
pub enum DocumentExportError {
    /// The document does not compile as a trained model (every problem, by node).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Graph(Vec<crate::compile::GraphError>),
    /// The model cannot be written in the format, or its ONNX file did not check out.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The document cannot be written as JSON.
    #[error(transparent)]
    Save(#[from] crate::graph::io::SaveError),
}

impl DocumentExportError {
    /// The problems, one line each (a graph with several problems has several lines).
    pub fn lines(&self) -> Vec<String> {
        match self {
            Self::Graph(errors) => errors.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        }
    }
}

/// Raw inputs the ONNX check runs through both runtimes.
pub const VERIFICATION_ROWS: usize = 100;

/// A trained `document` as a file of `kind`, named `name` inside (the ONNX graph's and the
/// PyTorch module's name); `folder` is where its data set's relative paths start (the ONNX
/// check draws its [`VERIFICATION_ROWS`] inputs from the data's range when the data loads).
pub fn export_document(
    document: &crate::graph::GraphDocument,
    folder: Option<&std::path::Path>,
    kind: ExportKind,
    name: &str,
) -> Result<Exported, DocumentExportError> {
    let model = crate::compile::compile_trained(document).map_err(DocumentExportError::Graph)?;
    match kind {
        ExportKind::Json => Ok(Exported {
            bytes: crate::graph::io::document_to_json(document)?.into_bytes(),
            verification: None,
        }),
        ExportKind::Onnx => {
            let bytes = onnx::to_onnx(&model, name)?;
            let dataset = crate::compile::load_dataset(&document.dataset, folder).ok();
            let inputs = domain_samples(&model, dataset.as_ref(), VERIFICATION_ROWS, 1);
            let verification = verify_onnx(&bytes, &model, inputs.view())?;
            Ok(Exported {
                bytes,
                verification: Some(verification),
            })
        }
        ExportKind::Pytorch => Ok(Exported {
            bytes: with_training_comment(&pytorch::to_pytorch(&model, name)?, &document.training)
                .into_bytes(),
            verification: None,
        }),
    }
}

/// `code` with a comment after its docstring saying how the model was trained: the rate,
/// its schedule and early stopping, so that training it further can follow the same plan.
fn with_training_comment(code: &str, training: &crate::graph::TrainingSpec) -> String {
    let mut lines = vec![format!(
        "# Trained in Layerwright with learning rate {} ({} schedule) for up to {} epochs.",
        training.learning_rate,
        training.schedule.describe(),
        training.epochs
    )];
    if let Some(rule) = training.early_stopping {
        let watched = match rule.watch {
            crate::train::early_stopping::Watched::Validation { fraction } => {
                format!("a validation {fraction} of the training split")
            }
            crate::train::early_stopping::Watched::TestSplit => "the test split".to_owned(),
        };
        lines.push(format!(
            "# Early stopping: patience {} epochs, minimum improvement {}, watching {watched}{}.",
            rule.patience,
            rule.min_delta,
            if rule.restore_best {
                ", best weights restored"
            } else {
                ""
            }
        ));
    }
    let mut out = String::with_capacity(code.len() + 200);
    let mut placed = false;
    let mut quotes = 0;
    for line in code.lines() {
        out.push_str(line);
        out.push('\n');
        if line.contains("\"\"\"") {
            quotes += line.matches("\"\"\"").count();
        }
        if !placed && quotes >= 2 {
            for comment in &lines {
                out.push_str(comment);
                out.push('\n');
            }
            placed = true;
        }
    }
    out
}
