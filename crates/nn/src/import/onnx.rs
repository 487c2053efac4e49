//! Reading a network out of an ONNX model into an [`ImportedGraph`]: the model's operators
//! are walked in dependency order, each value kept as what it means to Layerwright — the
//! input's features (columns, and the squares, products and sines Layerwright's exports
//! compute) with an elementwise affine rescaling, a layer's output, or elementwise operators
//! still gathering on one layer's values ([`Expression`]).
//!
//! Understood: `Gemm` (`Y = α·A'·B' + β·C`, `A' = Aᵀ` refused since rows are examples,
//! `B' = Bᵀ` when `transB = 1` as PyTorch writes it: weights `[in, out] = α·B'`, bias
//! `β·C`), `MatMul` with a constant, `Add`/`Sub`/`Mul`/`Div` by a constant folded into the
//! layer before them (a bias, the regression target's scaling), `Relu`, `Sigmoid`, `Tanh`,
//! `Softplus`, `Elu`, `LeakyRelu` (α is the notes' 1/a), `PRelu`, `Gelu` or its `Erf` form,
//! step (`Cast(Greater(z, 0))`), swish (`Mul(z, Sigmoid(z))`), `Add` and `Concat` merges,
//! `Conv`, `MaxPool`, `AveragePool`, `Flatten`, `Reshape`, `BatchNormalization`,
//! `LayerNormalization`, `Dropout` and `Identity` (skipped), `Softmax` or `Sigmoid` at the
//! end. The input's affine rescaling (`Sub`, `Div`, `Mul`, `Add` by constants) is folded
//! into the first layers' weights: `x' = x ⊙ m + a`, `x'·W + b = x·(diag(m)·W) + (a·W + b)`;
//! for images, a rescaling the same for every pixel becomes the pixel range. Anything else is
//! refused with the operator's type and node name, and nothing is half-read.

use std::collections::HashMap;

use ndarray::{Array1, Array2};
use prost::Message;
use thiserror::Error;
use tract_onnx::pb::{ModelProto, NodeProto, ValueInfoProto, type_proto};

use super::reader::{InputValue, Reader, Value};
use super::tensors::{Constant, int_attribute, node_name};
use crate::data::{Feature, ImageShape};
use crate::math::activations::Activation;
use crate::math::losses::OutputFunction;

/// What one imported node computes, with its numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportedLayer {
    /// The model's input (node 0).
    Input,
    /// `y = f(x·W + b)`, `W: [in, out]`, `b: [out]`; PReLU's slopes `[out]`.
    Dense {
        /// `W: [in, out]`.
        weights: Array2<f64>,
        /// `b: [out]`, if any.
        bias: Option<Array1<f64>>,
        /// `f`.
        activation: Activation,
        /// PReLU's learned slopes `[out]`.
        slopes: Option<Array1<f64>>,
    },
    /// `y = f(x)` element by element; PReLU's slopes `[width]`.
    Activation {
        /// `f`.
        activation: Activation,
        /// PReLU's learned slopes `[width]`.
        slopes: Option<Array1<f64>>,
    },
    /// The sum of the inputs.
    Add,
    /// The inputs side by side.
    Concat,
    /// An image as a vector.
    Flatten,
    /// Batch normalisation at inference: `y = γ ⊙ (x − μ)/√(σ² + ε) + β`, with momentum
    /// `m` as PyTorch defines it (ONNX's is `1 − m`).
    BatchNorm {
        /// `γ`.
        scale: Array1<f64>,
        /// `β`.
        shift: Array1<f64>,
        /// Running `μ`.
        mean: Array1<f64>,
        /// Running `σ²`.
        variance: Array1<f64>,
        /// `ε`.
        epsilon: f64,
        /// `m`.
        momentum: f64,
    },
    /// Layer normalisation over each example's units.
    LayerNorm {
        /// `γ`.
        scale: Array1<f64>,
        /// `β`.
        shift: Array1<f64>,
        /// `ε`.
        epsilon: f64,
    },
    /// `y = f(x ⊛ W + b)`, `W: [filters, channels·kh·kw]` (ONNX's `[F, C, kh, kw]` row-major).
    Conv {
        /// The kernels, one row per filter.
        weights: Array2<f64>,
        /// One bias per filter, if any.
        bias: Option<Array1<f64>>,
        /// Kernel rows and columns.
        kernel: [usize; 2],
        /// The step between positions.
        stride: usize,
        /// Zeros added: top, left, bottom, right.
        padding: [usize; 4],
        /// `f`.
        activation: Activation,
    },
    /// Max (`max`) or average pooling, no padding.
    Pool {
        /// Max pooling, or average.
        max: bool,
        /// Window rows and columns.
        size: [usize; 2],
        /// The step between windows.
        stride: usize,
    },
}

/// One node read from the model: what it computes and which nodes it reads.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedNode {
    /// The ONNX node it came from (for messages).
    pub source: String,
    /// What it computes.
    pub layer: ImportedLayer,
    /// The nodes it reads, in port order (indices into [`ImportedGraph::nodes`]).
    pub inputs: Vec<usize>,
    /// Values per example.
    pub width: usize,
    /// `[channels, height, width]` when its values are images.
    pub image: Option<[usize; 3]>,
}

/// The network read from an ONNX file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedGraph {
    /// The model's input width (raw columns).
    pub inputs: usize,
    /// The features the input node computes from the raw columns.
    pub features: Vec<Feature>,
    /// When the input rows are images: their shape and the pixel range.
    pub image: Option<ImageShape>,
    /// The nodes in dependency order; node 0 is the input.
    pub nodes: Vec<ImportedNode>,
    /// The node whose values are the logits.
    pub logits: usize,
    /// What the model applies to the logits at its end: softmax, sigmoid, step, or nothing.
    pub output_function: OutputFunction,
}

/// Why an ONNX model cannot be read as a network.
#[derive(Debug, Error, PartialEq)]
pub enum ImportError {
    /// Not an ONNX model.
    #[error("not an ONNX model: {0}")]
    Decode(String),
    /// An operator this reader does not understand, or understands but not as used.
    #[error("operator {op_type} (node '{node}') is not understood: {why}")]
    Operator {
        /// The operator's type, e.g. `Conv`.
        op_type: String,
        /// The node's name in the model (or its first output when it has none).
        node: String,
        /// What would be needed.
        why: String,
    },
    /// The graph as a whole: inputs, outputs, cycles.
    #[error("{0}")]
    Structure(String),
    /// The data cannot be read (the message names the file, line and column).
    #[error("{0}")]
    Data(String),
    /// The model and the data or the options do not fit together.
    #[error("{0}")]
    Mismatch(String),
}

pub(super) fn refused(node: &NodeProto, why: impl Into<String>) -> ImportError {
    ImportError::Operator {
        op_type: node.op_type.clone(),
        node: node_name(node),
        why: why.into(),
    }
}

/// Reads `bytes` (an ONNX `ModelProto`) as a network.
pub fn read_onnx(bytes: &[u8]) -> Result<ImportedGraph, ImportError> {
    let model = ModelProto::decode(bytes).map_err(|e| ImportError::Decode(e.to_string()))?;
    let graph = model
        .graph
        .ok_or_else(|| ImportError::Structure("the model has no graph".to_owned()))?;
    let mut reader = Reader::default();
    for tensor in &graph.initializer {
        let constant = Constant::from_proto(tensor).map_err(ImportError::Structure)?;
        reader
            .values
            .insert(tensor.name.clone(), Value::Constant(constant));
    }
    let inputs: Vec<&ValueInfoProto> = graph
        .input
        .iter()
        .filter(|i| !reader.values.contains_key(&i.name))
        .collect();
    let [input] = inputs[..] else {
        return Err(ImportError::Structure(format!(
            "the model must take one input, it takes {}",
            inputs.len()
        )));
    };
    let [output] = &graph.output[..] else {
        return Err(ImportError::Structure(format!(
            "the model must give one output, it gives {}",
            graph.output.len()
        )));
    };
    let width = declared_width(input)
        .or_else(|| first_layer_width(&graph.node, &input.name, &reader.values))
        .ok_or_else(|| {
            ImportError::Structure(format!(
                "the width of the input '{}' is neither declared nor read by a first layer",
                input.name
            ))
        })?;
    reader.inputs = width;
    reader.nodes.push(ImportedNode {
        source: input.name.clone(),
        layer: ImportedLayer::Input,
        inputs: Vec::new(),
        width,
        image: None,
    });
    reader.values.insert(
        input.name.clone(),
        Value::Input(InputValue::plain(
            (0..width).map(|index| Feature::Column { index }).collect(),
        )),
    );
    for node in &graph.node {
        for name in node.input.iter().filter(|n| !n.is_empty()) {
            *reader.readers.entry(name.clone()).or_default() += 1;
        }
    }
    *reader.readers.entry(output.name.clone()).or_default() += 1;
    let mut pending: Vec<&NodeProto> = graph.node.iter().collect();
    while !pending.is_empty() {
        let ready = pending.iter().position(|node| {
            node.input
                .iter()
                .all(|name| name.is_empty() || reader.values.contains_key(name))
        });
        let Some(position) = ready else {
            let stuck = pending[0];
            let missing = stuck
                .input
                .iter()
                .find(|name| !name.is_empty() && !reader.values.contains_key(*name))
                .cloned()
                .unwrap_or_default();
            return Err(ImportError::Structure(format!(
                "the graph has a cycle or reads a value nothing makes: {} '{}' reads '{missing}'",
                stuck.op_type,
                node_name(stuck)
            )));
        };
        let node = pending.remove(position);
        let value = reader.operator(node)?;
        if let Some(name) = node.output.first() {
            reader.values.insert(name.clone(), value);
        }
    }
    reader.finish(&output.name)
}

/// The input's declared last dimension, if it is a number.
fn declared_width(input: &ValueInfoProto) -> Option<usize> {
    let type_proto::Value::TensorType(tensor) = input.r#type.as_ref()?.value.as_ref()?;
    let last = tensor.shape.as_ref()?.dim.last()?;
    match last.value.as_ref()? {
        tract_onnx::pb::tensor_shape_proto::dimension::Value::DimValue(width) => {
            usize::try_from(*width).ok().filter(|&w| w > 0)
        }
        tract_onnx::pb::tensor_shape_proto::dimension::Value::DimParam(_) => None,
    }
}

/// The rows of the weights of a `Gemm` or `MatMul` reading the input directly.
fn first_layer_width(
    nodes: &[NodeProto],
    input: &str,
    values: &HashMap<String, Value>,
) -> Option<usize> {
    let node = nodes.iter().find(|n| {
        matches!(n.op_type.as_str(), "Gemm" | "MatMul")
            && n.input.first().map(String::as_str) == Some(input)
    })?;
    let Some(Value::Constant(weights)) = values.get(node.input.get(1)?) else {
        return None;
    };
    let transposed = node.op_type == "Gemm" && int_attribute(node, "transB").unwrap_or(0) != 0;
    match weights.dims[..] {
        [rows, columns] => Some(if transposed { columns } else { rows }),
        _ => None,
    }
}
