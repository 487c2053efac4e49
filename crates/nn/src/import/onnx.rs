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

use super::elementwise::{Arithmetic, Expression};
use super::tensors::{
    Constant, float_attribute, int_attribute, ints_attribute, node_name, string_attribute,
    tensor_attribute,
};
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
    /// The model and the data or the options do not fit together.
    #[error("{0}")]
    Mismatch(String),
}

fn refused(node: &NodeProto, why: impl Into<String>) -> ImportError {
    ImportError::Operator {
        op_type: node.op_type.clone(),
        node: node_name(node),
        why: why.into(),
    }
}

/// The input's features with an elementwise affine rescaling `x' = x ⊙ multiply + add`.
#[derive(Clone, Debug, PartialEq)]
struct InputValue {
    features: Vec<Feature>,
    multiply: Vec<f64>,
    add: Vec<f64>,
    image: Option<[usize; 3]>,
}

impl InputValue {
    fn plain(features: Vec<Feature>) -> Self {
        let width = features.len();
        Self {
            features,
            multiply: vec![1.0; width],
            add: vec![0.0; width],
            image: None,
        }
    }

    fn is_rescaled(&self) -> bool {
        self.multiply.iter().any(|&m| m != 1.0) || self.add.iter().any(|&a| a != 0.0)
    }
}

/// What a named value of the model means.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Constant(Constant),
    Input(InputValue),
    Node(usize),
    /// Elementwise operators on node `node`'s output, which the model calls `tensor`.
    Elementwise {
        node: usize,
        tensor: String,
        expression: Expression,
    },
    /// A softmax over node `node`'s values.
    Softmax(usize),
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

#[derive(Default)]
struct Reader {
    values: HashMap<String, Value>,
    /// How many operators (and the graph's output) read each value.
    readers: HashMap<String, usize>,
    nodes: Vec<ImportedNode>,
    inputs: usize,
    /// The input node's features and image, once a layer has read them.
    features: Option<(Vec<Feature>, Option<[usize; 3]>)>,
    image_range: Option<[f64; 2]>,
}

impl Reader {
    fn value(&self, node: &NodeProto, index: usize) -> Result<Value, ImportError> {
        node.input
            .get(index)
            .filter(|name| !name.is_empty())
            .and_then(|name| self.values.get(name))
            .cloned()
            .ok_or_else(|| refused(node, format!("it needs input {}", index + 1)))
    }

    fn constant(&self, node: &NodeProto, index: usize) -> Result<Constant, ImportError> {
        match self.value(node, index)? {
            Value::Constant(constant) => Ok(constant),
            _ => Err(refused(
                node,
                format!("its input {} must be a constant", index + 1),
            )),
        }
    }

    fn readers_of(&self, node: &NodeProto, index: usize) -> usize {
        node.input
            .get(index)
            .and_then(|name| self.readers.get(name))
            .copied()
            .unwrap_or(0)
    }

    fn push(
        &mut self,
        node: &NodeProto,
        layer: ImportedLayer,
        inputs: Vec<usize>,
        width: usize,
        image: Option<[usize; 3]>,
    ) -> usize {
        self.nodes.push(ImportedNode {
            source: node_name(node),
            layer,
            inputs,
            width,
            image,
        });
        self.nodes.len() - 1
    }

    /// The node holding the value of `node`'s input `index`, making an activation node for
    /// gathered elementwise operators (or giving them to the layer they follow, when nothing
    /// else reads its values) and noting the input's features when a layer reads them.
    fn node_of(&mut self, node: &NodeProto, index: usize) -> Result<usize, ImportError> {
        let value = self.value(node, index)?;
        let made = match value {
            Value::Node(id) => return Ok(id),
            Value::Input(input) => {
                if let Some(image) = input.image {
                    let range = uniform_range(&input).ok_or_else(|| {
                        refused(
                            node,
                            "the images are rescaled differently pixel by pixel; only one \
                             range for every pixel is understood",
                        )
                    })?;
                    self.image_range = Some(range);
                    self.note_features(node, &input.features, Some(image))?;
                } else if input.is_rescaled() {
                    return Err(refused(
                        node,
                        "it reads the rescaled inputs directly; a rescaling is understood only \
                         before a dense layer (Gemm or MatMul) or a convolution",
                    ));
                } else {
                    self.note_features(node, &input.features, None)?;
                }
                0
            }
            Value::Elementwise {
                node: id,
                tensor,
                expression,
            } => {
                let activation = expression.activation().ok_or_else(|| {
                    refused(
                        node,
                        "the elementwise operators before it compute no activation Layerwright \
                         knows (identity, step, sigmoid, tanh, ReLU and its kin, softplus, \
                         GELU, swish)",
                    )
                })?;
                let only_reader = self.readers.get(&tensor).copied() == Some(expression.reads());
                self.activate(node, id, activation, None, only_reader)?
            }
            Value::Softmax(_) => {
                return Err(refused(node, "a Softmax is understood only at the end"));
            }
            Value::Constant(_) => {
                return Err(refused(
                    node,
                    format!(
                        "its input {} is a constant, not the examples' values",
                        index + 1
                    ),
                ));
            }
        };
        if let Some(name) = node.input.get(index) {
            self.values.insert(name.clone(), Value::Node(made));
        }
        Ok(made)
    }

    /// `activation` applied to node `id`: given to the dense layer or convolution itself
    /// when it has none and nothing else reads it, else a node of its own.
    fn activate(
        &mut self,
        node: &NodeProto,
        id: usize,
        activation: Activation,
        slopes: Option<Array1<f64>>,
        only_reader: bool,
    ) -> Result<usize, ImportError> {
        if activation == Activation::Identity {
            return Ok(id);
        }
        let is_prelu = matches!(activation, Activation::Prelu { .. });
        let target = &mut self.nodes[id];
        if is_prelu && target.image.is_some() {
            return Err(refused(
                node,
                "PReLU learns one slope per unit of a dense layer, not over images",
            ));
        }
        if only_reader {
            match &mut target.layer {
                ImportedLayer::Dense {
                    activation: slot @ Activation::Identity,
                    slopes: slopes_slot,
                    ..
                } => {
                    *slot = activation;
                    *slopes_slot = slopes;
                    return Ok(id);
                }
                ImportedLayer::Conv {
                    activation: slot @ Activation::Identity,
                    ..
                } => {
                    *slot = activation;
                    return Ok(id);
                }
                _ => {}
            }
        }
        let (width, image) = (target.width, target.image);
        Ok(self.push(
            node,
            ImportedLayer::Activation { activation, slopes },
            vec![id],
            width,
            image,
        ))
    }

    fn note_features(
        &mut self,
        node: &NodeProto,
        features: &[Feature],
        image: Option<[usize; 3]>,
    ) -> Result<(), ImportError> {
        match &self.features {
            Some((known, known_image)) if known != features || *known_image != image => Err(
                refused(node, "the model reads its input in two different ways"),
            ),
            Some(_) => Ok(()),
            None => {
                self.features = Some((features.to_vec(), image));
                self.nodes[0].width = features.len();
                self.nodes[0].image = image;
                Ok(())
            }
        }
    }

    fn operator(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        match node.op_type.as_str() {
            // A cast passes the values on (step's Greater already gives 0 or 1).
            "Identity" | "Dropout" | "Cast" => self.value(node, 0),
            "Constant" => tensor_attribute(node, "value")
                .ok_or_else(|| refused(node, "only a tensor value is understood"))
                .and_then(|t| Constant::from_proto(t).map_err(|why| refused(node, why)))
                .map(Value::Constant),
            "Gemm" => self.gemm(node),
            "MatMul" => {
                let weights = self.constant(node, 1)?;
                let weights = matrix(node, &weights)?;
                self.dense(node, weights, None)
            }
            "Add" | "Sub" | "Mul" | "Div" => self.arithmetic(node),
            "Relu" | "Sigmoid" | "Tanh" | "Softplus" | "Elu" | "LeakyRelu" | "Gelu" | "Erf" => {
                let activation = named_activation(node)?;
                self.elementwise(node, |x| match activation {
                    None => Expression::Erf(Box::new(x)),
                    Some(f) => Expression::Apply(f, Box::new(x)),
                })
            }
            "Greater" => self.greater(node),
            "PRelu" => {
                let x = self.node_of(node, 0)?;
                let width = self.nodes[x].width;
                let slopes = self
                    .constant(node, 1)?
                    .row(width)
                    .ok_or_else(|| refused(node, format!("its slopes must be one or {width}")))?;
                let only_reader = self.readers_of(node, 0) == 1;
                let activation = Activation::PRELU;
                self.activate(node, x, activation, Some(Array1::from(slopes)), only_reader)
                    .map(Value::Node)
            }
            "Softmax" => {
                let axis = int_attribute(node, "axis").unwrap_or(-1);
                if axis != -1 && axis != 1 {
                    return Err(refused(node, format!("axis {axis} (only the last is)")));
                }
                Ok(Value::Softmax(self.node_of(node, 0)?))
            }
            "Concat" => self.concat(node),
            "Slice" => self.slice(node),
            "Sin" => match self.value(node, 0)? {
                Value::Input(input) if !input.is_rescaled() && input.image.is_none() => {
                    let sines: Option<Vec<Feature>> = input
                        .features
                        .iter()
                        .map(|f| match f {
                            Feature::Column { index } => Some(Feature::Sine { index: *index }),
                            _ => None,
                        })
                        .collect();
                    sines
                        .map(|features| Value::Input(InputValue::plain(features)))
                        .ok_or_else(|| refused(node, "only the sine of an input column is"))
                }
                _ => Err(refused(node, "only the sine of an input column is")),
            },
            "Flatten" | "Reshape" => self.reshape(node),
            "Conv" => self.conv(node),
            "MaxPool" | "AveragePool" => self.pool(node),
            "BatchNormalization" => self.batch_norm(node),
            "LayerNormalization" => self.layer_norm(node),
            _ => Err(refused(
                node,
                "Layerwright reads dense layers, convolutions, pooling, normalisation, merges \
                 and activations",
            )),
        }
    }

    fn gemm(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        if int_attribute(node, "transA").unwrap_or(0) != 0 {
            return Err(refused(node, "transA = 1 (rows must be examples)"));
        }
        let alpha = float_attribute(node, "alpha").unwrap_or(1.0);
        let beta = float_attribute(node, "beta").unwrap_or(1.0);
        let mut weights = matrix(node, &self.constant(node, 1)?)?;
        if int_attribute(node, "transB").unwrap_or(0) != 0 {
            weights = weights.t().to_owned();
        }
        weights *= alpha;
        let outputs = weights.ncols();
        let bias = match node.input.get(2).filter(|name| !name.is_empty()) {
            Some(_) => {
                let values = self.constant(node, 2)?.row(outputs).ok_or_else(|| {
                    refused(node, format!("its C must be one or {outputs} values"))
                })?;
                Some(Array1::from(values) * beta)
            }
            None => None,
        };
        self.dense(node, weights, bias)
    }

    /// A dense layer `x·W + b` reading `node`'s first input, with the input's rescaling
    /// folded into `W` and `b`.
    fn dense(
        &mut self,
        node: &NodeProto,
        mut weights: Array2<f64>,
        mut bias: Option<Array1<f64>>,
    ) -> Result<Value, ImportError> {
        let x = match self.value(node, 0)? {
            Value::Input(input) if input.image.is_none() && input.is_rescaled() => {
                if input.features.len() != weights.nrows() {
                    return Err(refused(node, width_problem(input.features.len(), &weights)));
                }
                let shift = Array1::from(input.add.clone()).dot(&weights);
                for (mut row, &m) in weights.rows_mut().into_iter().zip(&input.multiply) {
                    row *= m;
                }
                bias = Some(bias.unwrap_or_else(|| Array1::zeros(weights.ncols())) + shift);
                self.note_features(node, &input.features, None)?;
                0
            }
            _ => self.node_of(node, 0)?,
        };
        let from = &self.nodes[x];
        if from.image.is_some() {
            return Err(refused(node, "it reads images; a Flatten must come first"));
        }
        if from.width != weights.nrows() {
            return Err(refused(node, width_problem(from.width, &weights)));
        }
        let width = weights.ncols();
        let layer = ImportedLayer::Dense {
            weights,
            bias,
            activation: Activation::Identity,
            slopes: None,
        };
        Ok(Value::Node(self.push(node, layer, vec![x], width, None)))
    }

    /// `Add`, `Sub`, `Mul`, `Div`: a rescaling of the input, a constant folded into the
    /// layer before, a merge of two layers (`Add`), or an elementwise operator gathering.
    fn arithmetic(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let op = Arithmetic::of(&node.op_type).ok_or_else(|| refused(node, "unknown"))?;
        let (a, b) = (self.value(node, 0)?, self.value(node, 1)?);
        match (&a, &b) {
            (Value::Input(x), Value::Constant(c)) => rescale(node, op, x.clone(), c),
            (Value::Constant(c), Value::Input(x))
                if matches!(op, Arithmetic::Add | Arithmetic::Mul) =>
            {
                rescale(node, op, x.clone(), c)
            }
            (Value::Input(x), Value::Input(y)) if op == Arithmetic::Mul => product(node, x, y),
            (Value::Node(id), Value::Constant(c)) if self.readers_of(node, 0) == 1 => {
                if let Some(value) = self.fold_into_layer(*id, op, c) {
                    return Ok(value);
                }
                self.elementwise_pair(node, op)
            }
            (Value::Node(p), Value::Node(q)) if op == Arithmetic::Add && p != q => {
                let (p, q) = (*p, *q);
                self.merge_add(node, p, q)
            }
            (
                Value::Node(_) | Value::Elementwise { .. },
                Value::Node(_) | Value::Elementwise { .. },
            ) if op == Arithmetic::Add && !same_layer(&a, &b) => {
                let p = self.node_of(node, 0)?;
                let q = self.node_of(node, 1)?;
                self.merge_add(node, p, q)
            }
            _ => self.elementwise_pair(node, op),
        }
    }

    /// A constant added to, taken from, multiplying or dividing a dense layer's values that
    /// nothing else reads, folded into its weights and bias: `(x·W + b) ∘ c`.
    fn fold_into_layer(&mut self, id: usize, op: Arithmetic, constant: &Constant) -> Option<Value> {
        let target = &mut self.nodes[id];
        let ImportedLayer::Dense {
            weights,
            bias,
            activation: Activation::Identity,
            ..
        } = &mut target.layer
        else {
            return None;
        };
        let row = Array1::from(constant.row(weights.ncols())?);
        let mut b = bias
            .take()
            .unwrap_or_else(|| Array1::zeros(weights.ncols()));
        match op {
            Arithmetic::Add => b += &row,
            Arithmetic::Sub => b -= &row,
            Arithmetic::Mul | Arithmetic::Div => {
                let factor = if op == Arithmetic::Mul {
                    row
                } else {
                    row.mapv(|v| 1.0 / v)
                };
                for mut column_row in weights.rows_mut() {
                    column_row *= &factor;
                }
                b *= &factor;
            }
        }
        *bias = Some(b);
        Some(Value::Node(id))
    }

    fn merge_add(&mut self, node: &NodeProto, p: usize, q: usize) -> Result<Value, ImportError> {
        let (a, b) = (&self.nodes[p], &self.nodes[q]);
        if a.width != b.width || a.image != b.image {
            return Err(refused(
                node,
                format!("it adds {} values to {}", b.width, a.width),
            ));
        }
        // Add(Add(a, b), c) with nothing else reading the first sum: one merge of three.
        if self.nodes[p].layer == ImportedLayer::Add && self.readers_of(node, 0) == 1 {
            self.nodes[p].inputs.push(q);
            return Ok(Value::Node(p));
        }
        let (width, image) = (a.width, a.image);
        Ok(Value::Node(self.push(
            node,
            ImportedLayer::Add,
            vec![p, q],
            width,
            image,
        )))
    }

    /// An elementwise operator of one input on a layer's values, gathered.
    fn elementwise(
        &mut self,
        node: &NodeProto,
        make: impl FnOnce(Expression) -> Expression,
    ) -> Result<Value, ImportError> {
        let (id, tensor, x) = self.gathered(node, 0)?;
        Ok(Value::Elementwise {
            node: id,
            tensor,
            expression: make(x),
        })
    }

    /// An arithmetic operator of a layer's values and a number, or of two expressions of
    /// the same layer's values, gathered.
    fn elementwise_pair(&mut self, node: &NodeProto, op: Arithmetic) -> Result<Value, ImportError> {
        let (a, b) = (self.operand(node, 0)?, self.operand(node, 1)?);
        let (layer, tensor) = match (&a, &b) {
            (Some((p, _, _)), Some((q, _, _))) if p != q => {
                return Err(refused(
                    node,
                    "it combines two layers' values element by element; only Add is understood \
                     as a merge",
                ));
            }
            (Some((p, t, _)), _) | (None, Some((p, t, _))) => (*p, t.clone()),
            (None, None) => {
                return Err(refused(node, "it computes with constants alone"));
            }
        };
        let expression_of = |operand: Option<(usize, String, Expression)>, index: usize| {
            operand.map(|(_, _, e)| e).map_or_else(
                || {
                    self.constant(node, index)?
                        .scalar()
                        .map(Expression::Number)
                        .ok_or_else(|| {
                            refused(
                                node,
                                "a constant that differs unit by unit is understood only right \
                                 after a dense layer",
                            )
                        })
                },
                Ok,
            )
        };
        let x = expression_of(a, 0)?;
        let y = expression_of(b, 1)?;
        Ok(Value::Elementwise {
            node: layer,
            tensor,
            expression: Expression::Arithmetic(op, Box::new(x), Box::new(y)),
        })
    }

    fn greater(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let (id, tensor, x) = self.gathered(node, 0)?;
        let threshold = self
            .constant(node, 1)?
            .scalar()
            .ok_or_else(|| refused(node, "only a comparison with one number is understood"))?;
        Ok(Value::Elementwise {
            node: id,
            tensor,
            expression: Expression::Greater(Box::new(x), Box::new(Expression::Number(threshold))),
        })
    }

    /// Input `index` as an expression of one layer's values; `None` for a constant.
    #[allow(clippy::type_complexity)]
    fn operand(
        &mut self,
        node: &NodeProto,
        index: usize,
    ) -> Result<Option<(usize, String, Expression)>, ImportError> {
        match self.value(node, index)? {
            Value::Constant(_) => Ok(None),
            _ => self.gathered(node, index).map(Some),
        }
    }

    /// Input `index` as an expression of one layer's values: the layer, the name the model
    /// gives its values, and the expression.
    fn gathered(
        &mut self,
        node: &NodeProto,
        index: usize,
    ) -> Result<(usize, String, Expression), ImportError> {
        match self.value(node, index)? {
            Value::Elementwise {
                node: id,
                tensor,
                expression,
            } => Ok((id, tensor, expression)),
            _ => {
                let id = self.node_of(node, index)?;
                let tensor = node.input.get(index).cloned().unwrap_or_default();
                Ok((id, tensor, Expression::Z))
            }
        }
    }

    fn concat(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let axis = int_attribute(node, "axis").unwrap_or(1);
        let values: Vec<Value> = (0..node.input.len())
            .map(|i| self.value(node, i))
            .collect::<Result<_, _>>()?;
        let features: Option<Vec<Feature>> = values
            .iter()
            .map(|v| match v {
                Value::Input(x) if !x.is_rescaled() && x.image.is_none() => {
                    Some(x.features.clone())
                }
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.concat());
        if let Some(features) = features {
            if axis != 1 && axis != -1 {
                return Err(refused(node, format!("axis {axis} (only 1 is)")));
            }
            return Ok(Value::Input(InputValue::plain(features)));
        }
        let inputs: Vec<usize> = (0..node.input.len())
            .map(|i| self.node_of(node, i))
            .collect::<Result<_, _>>()?;
        let images: Vec<Option<[usize; 3]>> = inputs.iter().map(|&i| self.nodes[i].image).collect();
        let (width, image) = match images[..] {
            [Some(first), ..] => {
                let all_images: Option<Vec<[usize; 3]>> = images.iter().copied().collect();
                let all = all_images.ok_or_else(|| refused(node, "it joins images and vectors"))?;
                if axis != 1 || all.iter().any(|i| i[1..] != first[1..]) {
                    return Err(refused(
                        node,
                        "images are joined along their channels (axis 1), of one size",
                    ));
                }
                let channels = all.iter().map(|i| i[0]).sum();
                let image = [channels, first[1], first[2]];
                (image.iter().product(), Some(image))
            }
            _ => {
                if images.iter().any(Option::is_some) {
                    return Err(refused(node, "it joins images and vectors"));
                }
                if axis != 1 && axis != -1 {
                    return Err(refused(node, format!("axis {axis} (only 1 is)")));
                }
                (inputs.iter().map(|&i| self.nodes[i].width).sum(), None)
            }
        };
        Ok(Value::Node(self.push(
            node,
            ImportedLayer::Concat,
            inputs,
            width,
            image,
        )))
    }

    /// `Slice` of the input's columns along axis 1, one step at a time.
    fn slice(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let Value::Input(input) = self.value(node, 0)? else {
            return Err(refused(
                node,
                "only slices of the input's columns are understood",
            ));
        };
        let number = |reader: &Self, index: usize| -> Result<Option<i64>, ImportError> {
            if node.input.get(index).is_none_or(String::is_empty) {
                return Ok(None);
            }
            reader
                .constant(node, index)?
                .integers()
                .and_then(|v| v.first().copied())
                .map(Some)
                .ok_or_else(|| refused(node, "its bounds must be whole numbers"))
        };
        let (start, end) = (number(self, 1)?, number(self, 2)?);
        let axis = number(self, 3)?.unwrap_or(0);
        let step = number(self, 4)?.unwrap_or(1);
        let width = i64::try_from(input.features.len()).unwrap_or(i64::MAX);
        if (axis != 1 && axis != -1) || step != 1 || input.is_rescaled() || input.image.is_some() {
            return Err(refused(
                node,
                "only a run of the input's columns (axis 1, step 1) is understood",
            ));
        }
        let clamp = |v: i64| {
            let v = if v < 0 { v + width } else { v };
            usize::try_from(v.clamp(0, width)).unwrap_or(0)
        };
        let (start, end) = (clamp(start.unwrap_or(0)), clamp(end.unwrap_or(width)));
        let features = input.features.get(start..end).unwrap_or_default().to_vec();
        if features.is_empty() {
            return Err(refused(node, "it takes no columns"));
        }
        Ok(Value::Input(InputValue::plain(features)))
    }

    fn reshape(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let shape: Option<Vec<i64>> = if node.op_type == "Flatten" {
            let axis = int_attribute(node, "axis").unwrap_or(1);
            if axis != 1 {
                return Err(refused(node, format!("axis {axis} (only 1 is)")));
            }
            None
        } else {
            Some(
                self.constant(node, 1)?
                    .integers()
                    .ok_or_else(|| refused(node, "its shape must be whole numbers"))?,
            )
        };
        let value = self.value(node, 0)?;
        let width = match &value {
            Value::Input(input) => input.features.len(),
            _ => {
                let id = self.node_of(node, 0)?;
                self.nodes[id].width
            }
        };
        let batch_first = |s: &[i64]| s.first().is_some_and(|&d| d == -1 || d == 0);
        let to_image = match shape.as_deref() {
            None => None,
            Some(s) if !batch_first(s) => {
                return Err(refused(
                    node,
                    format!("shape {s:?}: the first axis must be the batch"),
                ));
            }
            Some([_, w]) => {
                if usize::try_from(*w).ok() != Some(width) && *w != -1 {
                    return Err(refused(node, format!("it reshapes {width} values to {w}")));
                }
                None
            }
            Some(s @ [_, c, h, w]) => {
                let dims = [c, h, w].map(|&d| usize::try_from(d).unwrap_or(0));
                if dims.iter().product::<usize>() != width || dims.contains(&0) {
                    return Err(refused(
                        node,
                        format!("it reshapes {width} values to {s:?}"),
                    ));
                }
                Some(dims)
            }
            Some(s) => {
                return Err(refused(
                    node,
                    format!("shape {s:?}: only [batch, n] and [batch, c, h, w] are understood"),
                ));
            }
        };
        match (value, to_image) {
            (Value::Input(mut input), Some(image)) if input.image.is_none() => {
                input.image = Some(image);
                Ok(Value::Input(input))
            }
            (Value::Input(input), None) if input.image.is_none() => Ok(Value::Input(input)),
            (_, Some(_)) => Err(refused(
                node,
                "only the input's rows are understood as images",
            )),
            (_, None) => {
                let id = self.node_of(node, 0)?;
                match self.nodes[id].image {
                    Some(_) => Ok(Value::Node(self.push(
                        node,
                        ImportedLayer::Flatten,
                        vec![id],
                        width,
                        None,
                    ))),
                    None => Ok(Value::Node(id)),
                }
            }
        }
    }

    /// The image a windowed operator reads: its node and `[channels, height, width]`.
    fn image_input(&mut self, node: &NodeProto) -> Result<(usize, [usize; 3]), ImportError> {
        let id = self.node_of(node, 0)?;
        let image = self.nodes[id]
            .image
            .ok_or_else(|| refused(node, "it reads vectors, not images"))?;
        Ok((id, image))
    }

    fn conv(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let (x, [channels, height, width]) = self.image_input(node)?;
        let w = self.constant(node, 1)?;
        let [filters, kernel_channels, kh, kw] = w.dims[..] else {
            return Err(refused(
                node,
                format!("its weights have shape {:?}", w.dims),
            ));
        };
        if int_attribute(node, "group").unwrap_or(1) != 1 || kernel_channels != channels {
            return Err(refused(
                node,
                format!(
                    "{kernel_channels} kernel channels for {channels} input channels (groups are not understood)"
                ),
            ));
        }
        let window = Windowing::of(node, [kh, kw], true)?;
        let weights = Array2::from_shape_vec((filters, channels * kh * kw), w.values)
            .map_err(|_| refused(node, "its weights do not fill their shape"))?;
        let bias = match node.input.get(2).filter(|n| !n.is_empty()) {
            Some(_) => Some(Array1::from(
                self.constant(node, 2)?
                    .row(filters)
                    .ok_or_else(|| refused(node, format!("its bias must be {filters} values")))?,
            )),
            None => None,
        };
        let (oh, ow) = window.output(node, height, width)?;
        let layer = ImportedLayer::Conv {
            weights,
            bias,
            kernel: [kh, kw],
            stride: window.stride,
            padding: window.padding,
            activation: Activation::Identity,
        };
        let image = [filters, oh, ow];
        Ok(Value::Node(self.push(
            node,
            layer,
            vec![x],
            image.iter().product(),
            Some(image),
        )))
    }

    fn pool(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let (x, [channels, height, width]) = self.image_input(node)?;
        let size = ints_attribute(node, "kernel_shape")
            .and_then(|k| match k[..] {
                [h, w] => Some([h, w].map(|v| usize::try_from(v).unwrap_or(0))),
                _ => None,
            })
            .ok_or_else(|| refused(node, "it needs a 2-D kernel_shape"))?;
        if int_attribute(node, "ceil_mode").unwrap_or(0) != 0 {
            return Err(refused(node, "ceil_mode = 1"));
        }
        let window = Windowing::of(node, size, false)?;
        let (oh, ow) = window.output(node, height, width)?;
        let layer = ImportedLayer::Pool {
            max: node.op_type == "MaxPool",
            size,
            stride: window.stride,
        };
        let image = [channels, oh, ow];
        Ok(Value::Node(self.push(
            node,
            layer,
            vec![x],
            image.iter().product(),
            Some(image),
        )))
    }

    fn batch_norm(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        if int_attribute(node, "training_mode").unwrap_or(0) != 0 {
            return Err(refused(node, "training_mode = 1"));
        }
        let x = self.vector_input(node, "batch norm")?;
        let width = self.nodes[x].width;
        let row = |reader: &Self, index: usize| -> Result<Array1<f64>, ImportError> {
            reader
                .constant(node, index)?
                .row(width)
                .map(Array1::from)
                .ok_or_else(|| refused(node, format!("input {} must be {width} values", index + 1)))
        };
        // ONNX's momentum is the share of the running statistics kept; PyTorch's the share
        // of the batch's taken.
        let momentum = 1.0 - float_attribute(node, "momentum").unwrap_or(0.9);
        let layer = ImportedLayer::BatchNorm {
            scale: row(self, 1)?,
            shift: row(self, 2)?,
            mean: row(self, 3)?,
            variance: row(self, 4)?,
            epsilon: float_attribute(node, "epsilon").unwrap_or(1e-5),
            momentum: if momentum > 0.0 && momentum <= 1.0 {
                momentum
            } else {
                0.1
            },
        };
        Ok(Value::Node(self.push(node, layer, vec![x], width, None)))
    }

    fn layer_norm(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let axis = int_attribute(node, "axis").unwrap_or(-1);
        if axis != -1 && axis != 1 {
            return Err(refused(node, format!("axis {axis} (only the last is)")));
        }
        let x = self.vector_input(node, "layer norm")?;
        let width = self.nodes[x].width;
        let row = |reader: &Self, index: usize| -> Result<Array1<f64>, ImportError> {
            if node.input.get(index).is_none_or(String::is_empty) {
                return Ok(Array1::from_elem(width, if index == 1 { 1.0 } else { 0.0 }));
            }
            reader
                .constant(node, index)?
                .row(width)
                .map(Array1::from)
                .ok_or_else(|| refused(node, format!("input {} must be {width} values", index + 1)))
        };
        let layer = ImportedLayer::LayerNorm {
            scale: row(self, 1)?,
            shift: row(self, 2)?,
            epsilon: float_attribute(node, "epsilon").unwrap_or(1e-5),
        };
        Ok(Value::Node(self.push(node, layer, vec![x], width, None)))
    }

    fn vector_input(&mut self, node: &NodeProto, what: &str) -> Result<usize, ImportError> {
        let x = self.node_of(node, 0)?;
        if self.nodes[x].image.is_some() {
            return Err(refused(
                node,
                format!(
                    "a {what} over images is not understood (Layerwright's {what} reads vectors)"
                ),
            ));
        }
        Ok(x)
    }

    /// The graph read, ending at the value named `output`.
    fn finish(mut self, output: &str) -> Result<ImportedGraph, ImportError> {
        let value = self.values.get(output).cloned().ok_or_else(|| {
            ImportError::Structure(format!("nothing makes the output '{output}'"))
        })?;
        let end = NodeProto {
            op_type: "output".to_owned(),
            name: output.to_owned(),
            input: vec![output.to_owned()],
            ..Default::default()
        };
        let (logits, output_function) = match &value {
            Value::Softmax(id) => (*id, OutputFunction::Softmax),
            Value::Elementwise {
                node, expression, ..
            } if *expression == Expression::Apply(Activation::Sigmoid, Box::new(Expression::Z)) => {
                (*node, OutputFunction::Sigmoid)
            }
            Value::Elementwise {
                node, expression, ..
            } if expression.activation() == Some(Activation::Step) => (*node, OutputFunction::Step),
            _ => (self.node_of(&end, 0)?, OutputFunction::Identity),
        };
        if logits == 0 {
            return Err(ImportError::Structure(
                "the model has no layer: its output is its input".to_owned(),
            ));
        }
        let (features, image) = self.features.take().ok_or_else(|| {
            ImportError::Structure("no layer of the model reads its input".to_owned())
        })?;
        let image = image.map(|[channels, height, width]| ImageShape {
            channels,
            height,
            width,
            range: self.image_range.unwrap_or([0.0, 1.0]),
        });
        Ok(ImportedGraph {
            inputs: self.inputs,
            features,
            image,
            nodes: self.nodes,
            logits,
            output_function,
        })
    }
}

/// Whether two values are expressions of one layer's values.
fn same_layer(a: &Value, b: &Value) -> bool {
    let layer = |v: &Value| match v {
        Value::Node(id) | Value::Elementwise { node: id, .. } => Some(*id),
        _ => None,
    };
    layer(a).is_some() && layer(a) == layer(b)
}

/// The pixel range `[low, high]` of images rescaled alike everywhere,
/// `x' = x·m + a = (x − low)/(high − low)`.
fn uniform_range(input: &InputValue) -> Option<[f64; 2]> {
    let m = *input.multiply.first()?;
    let a = *input.add.first()?;
    let alike = input.multiply.iter().all(|&v| v == m) && input.add.iter().all(|&v| v == a);
    (alike && m != 0.0).then(|| [-a / m, (1.0 - a) / m])
}

/// The input's rescaling by a constant: `x ⊙ m + a` becomes `(x ⊙ m + a) ∘ c`.
fn rescale(
    node: &NodeProto,
    op: Arithmetic,
    mut input: InputValue,
    constant: &Constant,
) -> Result<Value, ImportError> {
    let width = input.features.len();
    let row = constant
        .row(width)
        .ok_or_else(|| refused(node, format!("its constant must be one or {width} values")))?;
    for ((m, a), c) in input.multiply.iter_mut().zip(input.add.iter_mut()).zip(row) {
        match op {
            Arithmetic::Add => *a += c,
            Arithmetic::Sub => *a -= c,
            Arithmetic::Mul => {
                *m *= c;
                *a *= c;
            }
            Arithmetic::Div => {
                *m /= c;
                *a /= c;
            }
        }
    }
    Ok(Value::Input(input))
}

/// `Mul` of two input columns: a square or a product feature.
fn product(node: &NodeProto, x: &InputValue, y: &InputValue) -> Result<Value, ImportError> {
    match (&x.features[..], &y.features[..]) {
        ([Feature::Column { index: a }], [Feature::Column { index: b }])
            if !x.is_rescaled() && !y.is_rescaled() =>
        {
            let feature = if a == b {
                Feature::Square { index: *a }
            } else {
                Feature::Product { a: *a, b: *b }
            };
            Ok(Value::Input(InputValue::plain(vec![feature])))
        }
        _ => Err(refused(
            node,
            "only the product of two input columns is understood as a feature",
        )),
    }
}

fn width_problem(width: usize, weights: &Array2<f64>) -> String {
    format!(
        "it reads {width} values with weights for {} ({} × {})",
        weights.nrows(),
        weights.nrows(),
        weights.ncols()
    )
}

/// A constant 2-D tensor as `[rows, columns]`.
fn matrix(node: &NodeProto, constant: &Constant) -> Result<Array2<f64>, ImportError> {
    let [rows, columns] = constant.dims[..] else {
        return Err(refused(
            node,
            format!("its weights have shape {:?}, not 2-D", constant.dims),
        ));
    };
    Array2::from_shape_vec((rows, columns), constant.values.clone())
        .map_err(|_| refused(node, "its weights do not fill their shape"))
}

/// An activation by its ONNX operator (`None` for `Erf`, which only GELU's pattern uses).
fn named_activation(node: &NodeProto) -> Result<Option<Activation>, ImportError> {
    Ok(Some(match node.op_type.as_str() {
        "Relu" => Activation::Relu,
        "Sigmoid" => Activation::Sigmoid,
        "Tanh" => Activation::Tanh,
        "Softplus" => Activation::Softplus,
        "Gelu" => {
            let approximate = string_attribute(node, "approximate").unwrap_or_default();
            if !approximate.is_empty() && approximate != "none" {
                return Err(refused(node, format!("approximate = \"{approximate}\"")));
            }
            Activation::Gelu
        }
        "Elu" => Activation::Elu {
            alpha: float_attribute(node, "alpha").unwrap_or(1.0),
        },
        "LeakyRelu" => {
            // ONNX's slope α for z < 0 is the notes' 1/a.
            let slope = float_attribute(node, "alpha").unwrap_or(0.01);
            if slope <= 0.0 || slope >= 1.0 {
                return Err(refused(
                    node,
                    format!("a slope of {slope} (0 < α < 1 is understood)"),
                ));
            }
            Activation::LeakyRelu { a: 1.0 / slope }
        }
        _ => return Ok(None),
    }))
}

/// A convolution's or pooling's window: one stride for both axes and the zeros around.
struct Windowing {
    kernel: [usize; 2],
    stride: usize,
    padding: [usize; 4],
}

impl Windowing {
    fn of(
        node: &NodeProto,
        kernel: [usize; 2],
        padding_allowed: bool,
    ) -> Result<Self, ImportError> {
        let strides = ints_attribute(node, "strides").unwrap_or_else(|| vec![1, 1]);
        let stride = match strides[..] {
            [a, b] if a == b && a > 0 => usize::try_from(a).unwrap_or(1),
            _ => {
                return Err(refused(
                    node,
                    format!("strides {strides:?}: one stride for both axes is understood"),
                ));
            }
        };
        if ints_attribute(node, "dilations").is_some_and(|d| d.iter().any(|&v| v != 1)) {
            return Err(refused(node, "dilations other than 1"));
        }
        let auto_pad = string_attribute(node, "auto_pad").unwrap_or_default();
        let padding = match auto_pad.as_str() {
            "" | "NOTSET" => {
                let pads = ints_attribute(node, "pads").unwrap_or_else(|| vec![0; 4]);
                match pads[..] {
                    [t, l, b, r] if [t, l, b, r].iter().all(|&p| p >= 0) => {
                        [t, l, b, r].map(|p| usize::try_from(p).unwrap_or(0))
                    }
                    _ => return Err(refused(node, format!("pads {pads:?}"))),
                }
            }
            "VALID" => [0; 4],
            "SAME_UPPER" | "SAME_LOWER" if stride == 1 => {
                let [rows, columns] = kernel.map(|k| k.saturating_sub(1));
                let (small_rows, small_columns) = (rows / 2, columns / 2);
                if auto_pad == "SAME_UPPER" {
                    [
                        small_rows,
                        small_columns,
                        rows - small_rows,
                        columns - small_columns,
                    ]
                } else {
                    [
                        rows - small_rows,
                        columns - small_columns,
                        small_rows,
                        small_columns,
                    ]
                }
            }
            other => {
                return Err(refused(
                    node,
                    format!("auto_pad = {other} with stride {stride}"),
                ));
            }
        };
        if !padding_allowed && padding.iter().any(|&p| p > 0) {
            return Err(refused(node, "padding around a pooling window"));
        }
        Ok(Self {
            kernel,
            stride,
            padding,
        })
    }

    /// The output's rows and columns, `⌊(in + pads − kernel)/stride⌋ + 1` each.
    fn output(
        &self,
        node: &NodeProto,
        height: usize,
        width: usize,
    ) -> Result<(usize, usize), ImportError> {
        let [t, l, b, r] = self.padding;
        let [kh, kw] = self.kernel;
        let axis = |size: usize, before: usize, after: usize, k: usize| {
            (size + before + after)
                .checked_sub(k)
                .map(|room| room / self.stride + 1)
        };
        match (axis(height, t, b, kh), axis(width, l, r, kw)) {
            (Some(rows), Some(columns)) => Ok((rows, columns)),
            _ => Err(refused(
                node,
                format!("a {kh} × {kw} window does not fit a {height} × {width} image"),
            )),
        }
    }
}
