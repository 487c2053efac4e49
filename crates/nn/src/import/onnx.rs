//! Reading a feed-forward network out of an ONNX model: a chain of affine layers
//! (`Gemm`, or `MatMul` then `Add`), each followed by at most one elementwise activation,
//! ending in logits or in `Softmax`/`Sigmoid`. `Dropout`, `Identity`, and `Flatten` and
//! `Reshape` of the `[batch, n]` rows flowing through are skipped. Anything else is refused
//! with the operator's type and node name, and nothing is half-read.
//!
//! A `Gemm` computes `Y = α·A'·B' + β·C` with `A' = Aᵀ` when `transA = 1` (refused: the
//! rows are examples) and `B' = Bᵀ` when `transB = 1` (PyTorch's `nn.Linear` writes that);
//! so the layer's weights `[in, out]` are `α·B'` and its bias `β·C`.

use ndarray::{Array1, Array2};
use prost::Message;
use thiserror::Error;
use tract_onnx::pb::{AttributeProto, ModelProto, NodeProto, TensorProto, tensor_proto::DataType};

use crate::math::activations::Activation;
use crate::math::losses::OutputFunction;

/// One affine layer read from the model: `y = f(x·W + b)`.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedLayer {
    /// `W: [in, out]`.
    pub weights: Array2<f64>,
    /// `b: [out]` (zeros when the model has none).
    pub bias: Array1<f64>,
    /// `f` (identity when none follows).
    pub activation: Activation,
}

/// The network read from an ONNX file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedNetwork {
    /// Input features.
    pub inputs: usize,
    /// The layers in order; the last one's values are the logits.
    pub layers: Vec<ImportedLayer>,
    /// What the model applied to the logits at its end: softmax, sigmoid, or identity
    /// (logits).
    pub output_function: OutputFunction,
}

/// Why an ONNX model cannot be read as a network.
#[derive(Debug, Error, PartialEq)]
pub enum ImportError {
    /// Not an ONNX model.
    #[error("not an ONNX model: {0}")]
    Decode(String),
    /// An operator this reader does not understand.
    #[error("operator {op_type} (node '{node}') is not understood: {why}")]
    Operator {
        /// The operator's type, e.g. `Conv`.
        op_type: String,
        /// The node's name in the model (or its first output when it has none).
        node: String,
        /// What would be needed.
        why: String,
    },
    /// The graph is not one chain from one input to one output.
    #[error("{0}")]
    Structure(String),
}

/// Reads `bytes` (an ONNX `ModelProto`) as a chain of dense layers.
pub fn read_onnx(bytes: &[u8]) -> Result<ImportedNetwork, ImportError> {
    let model = ModelProto::decode(bytes).map_err(|e| ImportError::Decode(e.to_string()))?;
    let graph = model
        .graph
        .ok_or_else(|| ImportError::Structure("the model has no graph".to_owned()))?;
    let constants: Vec<&TensorProto> = graph.initializer.iter().collect();
    let constant = |name: &str| constants.iter().find(|t| t.name == name).copied();
    let inputs: Vec<_> = graph
        .input
        .iter()
        .filter(|i| constant(&i.name).is_none())
        .collect();
    let [input] = inputs[..] else {
        return Err(ImportError::Structure(format!(
            "the model must take one input, it takes {}",
            inputs.len()
        )));
    };
    let mut current = input.name.clone();
    let mut layers: Vec<ImportedLayer> = Vec::new();
    let mut output_function = OutputFunction::Identity;
    let mut ended = false;
    let mut visited: Vec<usize> = Vec::new();
    while let Some((index, node)) = graph
        .node
        .iter()
        .enumerate()
        .find(|(_, n)| n.input.first() == Some(&current))
    {
        if visited.contains(&index) {
            return Err(ImportError::Structure("the graph has a cycle".to_owned()));
        }
        visited.push(index);
        if ended {
            return Err(refused(
                node,
                "only the output may follow Softmax or Sigmoid at the end",
            ));
        }
        let output = node
            .output
            .first()
            .cloned()
            .ok_or_else(|| refused(node, "it has no output"))?;
        let is_last = graph.output.iter().any(|o| o.name == output);
        match node.op_type.as_str() {
            "Gemm" => layers.push(gemm(node, &constant)?),
            "MatMul" => {
                let weights = matrix(node, node.input.get(1), &constant)?;
                let outputs = weights.ncols();
                layers.push(ImportedLayer {
                    weights,
                    bias: Array1::zeros(outputs),
                    activation: Activation::Identity,
                });
            }
            "Add" => {
                let bias = node
                    .input
                    .get(1)
                    .and_then(|name| constant(name))
                    .map(floats)
                    .transpose()
                    .map_err(|why| refused(node, &why))?
                    .ok_or_else(|| {
                        refused(node, "only a constant bias after MatMul is understood")
                    })?;
                let Some(layer) = layers.last_mut().filter(|l| {
                    l.activation == Activation::Identity
                        && l.bias.iter().all(|&b| b == 0.0)
                        && l.bias.len() == bias.len()
                }) else {
                    return Err(refused(node, "an Add is understood only as MatMul's bias"));
                };
                layer.bias = Array1::from(bias);
            }
            "Softmax" | "Sigmoid" if is_last => {
                output_function = if node.op_type == "Softmax" {
                    OutputFunction::Softmax
                } else {
                    OutputFunction::Sigmoid
                };
                ended = true;
            }
            "Dropout" | "Identity" | "Flatten" | "Reshape" => {}
            op => {
                let activation = activation(op, node)?;
                let Some(layer) = layers
                    .last_mut()
                    .filter(|l| l.activation == Activation::Identity)
                else {
                    return Err(refused(
                        node,
                        "an activation is understood only right after an affine layer",
                    ));
                };
                layer.activation = activation;
            }
        }
        current = output;
    }
    if let Some((_, stray)) = graph
        .node
        .iter()
        .enumerate()
        .find(|(index, _)| !visited.contains(index))
    {
        return Err(ImportError::Structure(format!(
            "the graph is not one chain: {} of its {} operators are off the path from the \
             input (for example {} '{}'); merges are not understood yet",
            graph.node.len() - visited.len(),
            graph.node.len(),
            stray.op_type,
            node_name(stray)
        )));
    }
    let first = layers
        .first()
        .ok_or_else(|| ImportError::Structure("the model has no affine layer".to_owned()))?;
    for pair in layers.windows(2) {
        if pair[0].weights.ncols() != pair[1].weights.nrows() {
            return Err(ImportError::Structure(format!(
                "a layer gives {} values but the next takes {}",
                pair[0].weights.ncols(),
                pair[1].weights.nrows()
            )));
        }
    }
    Ok(ImportedNetwork {
        inputs: first.weights.nrows(),
        output_function,
        layers,
    })
}

/// A `Gemm` as a layer: weights `α·B'`, bias `β·C`.
fn gemm<'a>(
    node: &NodeProto,
    constant: &impl Fn(&str) -> Option<&'a TensorProto>,
) -> Result<ImportedLayer, ImportError> {
    if int_attribute(node, "transA").unwrap_or(0) != 0 {
        return Err(refused(node, "transA = 1 (rows must be examples)"));
    }
    let alpha = float_attribute(node, "alpha").unwrap_or(1.0);
    let beta = float_attribute(node, "beta").unwrap_or(1.0);
    let mut weights = matrix(node, node.input.get(1), constant)?;
    if int_attribute(node, "transB").unwrap_or(0) != 0 {
        weights = weights.t().to_owned();
    }
    weights *= alpha;
    let outputs = weights.ncols();
    let bias = match node.input.get(2).filter(|name| !name.is_empty()) {
        Some(name) => {
            let values = constant(name)
                .ok_or_else(|| refused(node, "its C must be a constant"))
                .and_then(|t| floats(t).map_err(|why| refused(node, &why)))?;
            if values.len() != outputs {
                return Err(refused(
                    node,
                    &format!("its C has {} values for {outputs} outputs", values.len()),
                ));
            }
            Array1::from(values) * beta
        }
        None => Array1::zeros(outputs),
    };
    Ok(ImportedLayer {
        weights,
        bias,
        activation: Activation::Identity,
    })
}

/// An elementwise activation by its ONNX operator.
fn activation(op: &str, node: &NodeProto) -> Result<Activation, ImportError> {
    Ok(match op {
        "Relu" => Activation::Relu,
        "Sigmoid" => Activation::Sigmoid,
        "Tanh" => Activation::Tanh,
        "Softplus" => Activation::Softplus,
        "Gelu" => Activation::Gelu,
        "Elu" => Activation::Elu {
            alpha: float_attribute(node, "alpha").unwrap_or(1.0),
        },
        "LeakyRelu" => {
            // ONNX's slope α for z < 0 is the notes' 1/a.
            let slope = float_attribute(node, "alpha").unwrap_or(0.01);
            if slope <= 0.0 || slope >= 1.0 {
                return Err(refused(
                    node,
                    &format!("a slope of {slope} (0 < α < 1 is understood)"),
                ));
            }
            Activation::LeakyRelu { a: 1.0 / slope }
        }
        _ => {
            return Err(refused(
                node,
                "only dense layers and their activations are understood",
            ));
        }
    })
}

/// A constant 2-D tensor `[in, out]` named by `name`.
fn matrix<'a>(
    node: &NodeProto,
    name: Option<&String>,
    constant: &impl Fn(&str) -> Option<&'a TensorProto>,
) -> Result<Array2<f64>, ImportError> {
    let tensor = name
        .and_then(|n| constant(n))
        .ok_or_else(|| refused(node, "its weights must be a constant"))?;
    let [rows, columns] = tensor.dims[..] else {
        return Err(refused(
            node,
            &format!("its weights have shape {:?}, not 2-D", tensor.dims),
        ));
    };
    let shape = (
        usize::try_from(rows).unwrap_or(0),
        usize::try_from(columns).unwrap_or(0),
    );
    let values = floats(tensor).map_err(|why| refused(node, &why))?;
    Array2::from_shape_vec(shape, values)
        .map_err(|_| refused(node, "its weights do not fill their shape"))
}

/// A tensor's numbers as f64 (float or double, inline or raw little-endian).
fn floats(tensor: &TensorProto) -> Result<Vec<f64>, String> {
    match tensor.data_type {
        t if t == DataType::Float as i32 => Ok(if tensor.raw_data.is_empty() {
            tensor.float_data.iter().map(|&v| f64::from(v)).collect()
        } else {
            tensor
                .raw_data
                .chunks_exact(4)
                .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                .collect()
        }),
        t if t == DataType::Double as i32 => Ok(if tensor.raw_data.is_empty() {
            tensor.double_data.clone()
        } else {
            tensor
                .raw_data
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
                .collect()
        }),
        other => Err(format!(
            "tensor '{}' holds data type {other}, not float",
            tensor.name
        )),
    }
}

fn attribute<'a>(node: &'a NodeProto, name: &str) -> Option<&'a AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

fn float_attribute(node: &NodeProto, name: &str) -> Option<f64> {
    attribute(node, name).map(|a| f64::from(a.f))
}

fn int_attribute(node: &NodeProto, name: &str) -> Option<i64> {
    attribute(node, name).map(|a| a.i)
}

/// The node's name, or its first output when it has none.
fn node_name(node: &NodeProto) -> String {
    if node.name.is_empty() {
        node.output.first().cloned().unwrap_or_default()
    } else {
        node.name.clone()
    }
}

fn refused(node: &NodeProto, why: &str) -> ImportError {
    ImportError::Operator {
        op_type: node.op_type.clone(),
        node: node_name(node),
        why: why.to_owned(),
    }
}
