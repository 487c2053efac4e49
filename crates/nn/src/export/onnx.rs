//! A trained model as an ONNX file (opset 17), built from the prost-generated ONNX types
//! that tract-onnx exposes (`tract_onnx::pb`) and encoded with `prost::Message`.
//!
//! The graph takes the same raw rows as the app, `input: float32[batch, raw columns]`, and
//! computes everything the engine does: the input features (`Slice`, `Mul`, `Sin`,
//! `Concat`), the normalisation (`Sub`, `Div`), every node (dense layers as `Gemm` with
//! their activations, `Add`, `Concat`; dropout is the identity at inference), the output
//! function (`Softmax`, `Sigmoid`) and, for regression, the inverse target scaling.
//! Its one output is `output: float32[batch, outputs]`.

use prost::Message;
use tract_onnx::pb::{
    AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
    TensorShapeProto, TypeProto, ValueInfoProto, attribute_proto::AttributeType,
    tensor_proto::DataType, tensor_shape_proto::Dimension, tensor_shape_proto::dimension,
    type_proto,
};

use super::ExportError;
use crate::data::{DataDescription, Feature, Scaling};
use crate::math::activations::Activation;
use crate::math::losses::OutputFunction;
use crate::network::architecture::{
    ConvShape, NodeId, Operation, ParameterId, ParameterSet, Window,
};
use crate::network::inference::TrainedModel;

/// The operator set the file declares.
pub const OPSET: i64 = 17;
/// The ONNX IR version matching opset 17.
const IR_VERSION: i64 = 8;

/// Nodes and constants of the graph being written, with fresh names for intermediate values.
#[derive(Default)]
struct Graph {
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
    names: usize,
}

impl Graph {
    fn fresh(&mut self, hint: &str) -> String {
        self.names += 1;
        format!("{hint}_{}", self.names)
    }

    /// A float constant of shape `dims`; returns its name.
    fn floats(&mut self, hint: &str, dims: &[usize], values: Vec<f32>) -> String {
        let name = self.fresh(hint);
        self.initializers.push(TensorProto {
            name: name.clone(),
            dims: dims.iter().map(|&d| d as i64).collect(),
            data_type: DataType::Float as i32,
            float_data: values,
            ..Default::default()
        });
        name
    }

    /// An int64 constant (a vector); returns its name.
    fn ints(&mut self, hint: &str, values: Vec<i64>) -> String {
        let name = self.fresh(hint);
        self.initializers.push(TensorProto {
            name: name.clone(),
            dims: vec![values.len() as i64],
            data_type: DataType::Int64 as i32,
            int64_data: values,
            ..Default::default()
        });
        name
    }

    /// Adds an operator; returns the name of its single output.
    fn op(
        &mut self,
        op_type: &str,
        inputs: &[&str],
        attributes: Vec<AttributeProto>,
        hint: &str,
    ) -> String {
        let output = self.fresh(hint);
        self.nodes.push(NodeProto {
            op_type: op_type.to_owned(),
            name: format!("{op_type}_{output}"),
            input: inputs.iter().map(|s| (*s).to_owned()).collect(),
            output: vec![output.clone()],
            attribute: attributes,
            ..Default::default()
        });
        output
    }
}

fn float_attribute(name: &str, value: f32) -> AttributeProto {
    AttributeProto {
        name: name.to_owned(),
        r#type: AttributeType::Float as i32,
        f: value,
        ..Default::default()
    }
}

fn ints_attribute(name: &str, values: &[usize]) -> AttributeProto {
    AttributeProto {
        name: name.to_owned(),
        r#type: AttributeType::Ints as i32,
        ints: values.iter().map(|&v| v as i64).collect(),
        ..Default::default()
    }
}

/// The attributes of a window: `kernel_shape`, `strides` and, when there are any, `pads`
/// (ONNX orders them top, left, bottom, right, as [`Window::padding`]).
fn window_attributes(window: &Window) -> Vec<AttributeProto> {
    let mut attributes = vec![
        ints_attribute("kernel_shape", &[window.height, window.width]),
        ints_attribute("strides", &[window.stride, window.stride]),
    ];
    if window.padding.iter().any(|&p| p > 0) {
        attributes.push(ints_attribute("pads", &window.padding));
    }
    attributes
}

fn int_attribute(name: &str, value: i64) -> AttributeProto {
    AttributeProto {
        name: name.to_owned(),
        r#type: AttributeType::Int as i32,
        i: value,
        ..Default::default()
    }
}

/// What the input's columns are, in order: the raw numeric columns, or for a file with
/// categories its number columns in file order followed by each category's one-hot block
/// (`column=category`), unnormalised; blanks must be filled before (with the stored values).
fn input_doc(description: &DataDescription) -> String {
    let kind = match &description.columns {
        Some(encoding) if encoding.has_categories() => {
            "number columns in file order, then each category column one-hot (1 for the row's \
             category), unnormalised"
        }
        _ => "raw numeric columns, unnormalised",
    };
    format!("{kind}: {}", description.raw_feature_names.join(", "))
}

/// A `float32[batch, width]` value description.
fn batch_tensor(name: &str, width: usize) -> ValueInfoProto {
    let dim = |value| Dimension {
        value: Some(value),
        ..Default::default()
    };
    ValueInfoProto {
        name: name.to_owned(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Float as i32,
                shape: Some(TensorShapeProto {
                    dim: vec![
                        dim(dimension::Value::DimParam("batch".to_owned())),
                        dim(dimension::Value::DimValue(width as i64)),
                    ],
                }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[allow(clippy::cast_possible_truncation)] // the file stores float32, as the format says
fn narrow(values: impl IntoIterator<Item = f64>) -> Vec<f32> {
    values.into_iter().map(|v| v as f32).collect()
}

/// The model's input features computed from the raw input, in the graph.
fn features(graph: &mut Graph, features: &[Feature], raw_columns: usize) -> String {
    let plain = features.len() == raw_columns
        && features
            .iter()
            .enumerate()
            .all(|(i, f)| *f == Feature::Column { index: i });
    if plain {
        return "input".to_owned();
    }
    let axes = graph.ints("axis_1", vec![1]);
    let mut columns: Vec<Option<String>> = vec![None; raw_columns];
    let mut column = |graph: &mut Graph, index: usize| -> String {
        if let Some(Some(name)) = columns.get(index) {
            return name.clone();
        }
        let start = graph.ints("start", vec![index as i64]);
        let end = graph.ints("end", vec![index as i64 + 1]);
        let name = graph.op(
            "Slice",
            &["input", &start, &end, &axes],
            Vec::new(),
            &format!("column{index}"),
        );
        if let Some(slot) = columns.get_mut(index) {
            *slot = Some(name.clone());
        }
        name
    };
    let parts: Vec<String> = features
        .iter()
        .map(|feature| match *feature {
            Feature::Column { index } => column(graph, index),
            Feature::Square { index } => {
                let x = column(graph, index);
                graph.op("Mul", &[&x, &x], Vec::new(), "square")
            }
            Feature::Product { a, b } => {
                let x = column(graph, a);
                let y = column(graph, b);
                graph.op("Mul", &[&x, &y], Vec::new(), "product")
            }
            Feature::Sine { index } => {
                let x = column(graph, index);
                graph.op("Sin", &[&x], Vec::new(), "sine")
            }
        })
        .collect();
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    graph.op("Concat", &refs, vec![int_attribute("axis", 1)], "features")
}

/// `(x − offset) / scale`, skipped where it is the identity.
fn normalize(graph: &mut Graph, x: String, scaling: &Scaling) -> String {
    let identity =
        scaling.offset.iter().all(|&o| o == 0.0) && scaling.scale.iter().all(|&s| s == 1.0);
    if identity {
        return x;
    }
    let width = scaling.offset.len();
    let offset = graph.floats(
        "offset",
        &[1, width],
        narrow(scaling.offset.iter().copied()),
    );
    let scale = graph.floats("scale", &[1, width], narrow(scaling.scale.iter().copied()));
    let shifted = graph.op("Sub", &[&x, &offset], Vec::new(), "centred");
    graph.op("Div", &[&shifted, &scale], Vec::new(), "scaled")
}

/// `y = f(z)` for an activation, in ONNX operators.
fn activation(
    graph: &mut Graph,
    z: String,
    activation: Activation,
    slopes: Option<&ndarray::Array2<f64>>,
) -> Result<String, ExportError> {
    Ok(match activation {
        Activation::Identity => z,
        Activation::Step => {
            let zero = graph.floats("zero", &[], vec![0.0]);
            let positive = graph.op("Greater", &[&z, &zero], Vec::new(), "positive");
            graph.op(
                "Cast",
                &[&positive],
                vec![int_attribute("to", DataType::Float as i64)],
                "step",
            )
        }
        Activation::Sigmoid => graph.op("Sigmoid", &[&z], Vec::new(), "sigmoid"),
        Activation::Tanh => graph.op("Tanh", &[&z], Vec::new(), "tanh"),
        Activation::Relu => graph.op("Relu", &[&z], Vec::new(), "relu"),
        Activation::LeakyRelu { a } => leaky(graph, &z, 1.0 / a),
        Activation::Rrelu { lower, upper } => leaky(graph, &z, 0.5 * (lower + upper)),
        Activation::Prelu { .. } => {
            let Some(slopes) = slopes else {
                return Err(ExportError::Model(
                    "a PReLU layer has no learned slopes".to_owned(),
                ));
            };
            let slope = graph.floats("slopes", &[slopes.len()], narrow(slopes.iter().copied()));
            graph.op("PRelu", &[&z, &slope], Vec::new(), "prelu")
        }
        Activation::Elu { alpha } => graph.op(
            "Elu",
            &[&z],
            vec![float_attribute("alpha", alpha as f32)],
            "elu",
        ),
        Activation::Softplus => graph.op("Softplus", &[&z], Vec::new(), "softplus"),
        Activation::Gelu => {
            // ½·z·(1 + erf(z/√2))
            let root_two = graph.floats("sqrt2", &[], vec![std::f32::consts::SQRT_2]);
            let one = graph.floats("one", &[], vec![1.0]);
            let half = graph.floats("half", &[], vec![0.5]);
            let scaled = graph.op("Div", &[&z, &root_two], Vec::new(), "gelu_scaled");
            let erf = graph.op("Erf", &[&scaled], Vec::new(), "gelu_erf");
            let plus_one = graph.op("Add", &[&erf, &one], Vec::new(), "gelu_plus_one");
            let times_z = graph.op("Mul", &[&z, &plus_one], Vec::new(), "gelu_times_z");
            graph.op("Mul", &[&times_z, &half], Vec::new(), "gelu")
        }
        Activation::Swish => {
            let sigmoid = graph.op("Sigmoid", &[&z], Vec::new(), "swish_sigmoid");
            graph.op("Mul", &[&z, &sigmoid], Vec::new(), "swish")
        }
    })
}

#[allow(clippy::cast_possible_truncation)] // an attribute is float32
fn single(value: f64) -> f32 {
    value as f32
}

#[allow(clippy::cast_possible_truncation)] // an attribute is float32
fn leaky(graph: &mut Graph, z: &str, slope: f64) -> String {
    graph.op(
        "LeakyRelu",
        &[z],
        vec![float_attribute("alpha", slope as f32)],
        "leaky_relu",
    )
}

/// The ONNX file's bytes for a trained model; `name` names the graph.
pub fn to_onnx(model: &TrainedModel, name: &str) -> Result<Vec<u8>, ExportError> {
    let architecture = model.architecture();
    let parameters: &ParameterSet<f64> = model.parameters();
    let description = model.description();
    let raw_columns = description.raw_feature_names.len();
    let mut graph = Graph::default();
    let encoded = features(&mut graph, &description.features, raw_columns);
    let encoded = normalize(&mut graph, encoded, &description.input_scaling);
    let mut values: Vec<String> = Vec::with_capacity(architecture.nodes().len());
    for node in architecture.nodes() {
        let value = |id: NodeId| values.get(id.0).cloned().unwrap_or_default();
        let output = match &node.operation {
            Operation::Input => match node.image {
                // The rows as images: [batch, c·h·w] → [batch, c, h, w].
                Some(image) => {
                    let shape = graph.ints(
                        "image_shape",
                        vec![
                            -1,
                            image.channels as i64,
                            image.height as i64,
                            image.width as i64,
                        ],
                    );
                    graph.op("Reshape", &[&encoded, &shape], Vec::new(), "images")
                }
                None => encoded.clone(),
            },
            Operation::Conv2D(layer) => {
                let x = value(layer.input);
                let weights = parameters.get(layer.weights);
                let ConvShape {
                    input,
                    window,
                    output,
                } = layer.shape;
                let w = graph.floats(
                    &format!("{}_W", node.name),
                    &[output.channels, input.channels, window.height, window.width],
                    narrow(weights.iter().copied()),
                );
                let mut inputs = vec![x, w];
                if let Some(bias) = layer.bias {
                    inputs.push(graph.floats(
                        &format!("{}_b", node.name),
                        &[output.channels],
                        narrow(parameters.get(bias).iter().copied()),
                    ));
                }
                let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
                let z = graph.op(
                    "Conv",
                    &refs,
                    window_attributes(&window),
                    &format!("{}_z", node.name),
                );
                activation(&mut graph, z, layer.activation, None)?
            }
            Operation::MaxPool2D(layer) | Operation::AvgPool2D(layer) => {
                let op_type = if matches!(node.operation, Operation::MaxPool2D(_)) {
                    "MaxPool"
                } else {
                    "AveragePool"
                };
                let x = value(layer.input);
                graph.op(op_type, &[&x], window_attributes(&layer.window), &node.name)
            }
            Operation::Flatten { input } => {
                let x = value(*input);
                graph.op("Flatten", &[&x], vec![int_attribute("axis", 1)], &node.name)
            }
            Operation::Dense(layer) => {
                let x = value(layer.input);
                let weights = parameters.get(layer.weights);
                let (inputs, units) = weights.dim();
                let w = graph.floats(
                    &format!("{}_W", node.name),
                    &[inputs, units],
                    narrow(weights.iter().copied()),
                );
                let z = match layer.bias {
                    Some(bias) => {
                        let b = graph.floats(
                            &format!("{}_b", node.name),
                            &[units],
                            narrow(parameters.get(bias).iter().copied()),
                        );
                        graph.op(
                            "Gemm",
                            &[&x, &w, &b],
                            Vec::new(),
                            &format!("{}_z", node.name),
                        )
                    }
                    None => graph.op("MatMul", &[&x, &w], Vec::new(), &format!("{}_z", node.name)),
                };
                let slopes = layer.slopes.map(|id| parameters.get(id));
                activation(&mut graph, z, layer.activation, slopes)?
            }
            Operation::Add { inputs } => {
                let mut sum = value(inputs[0]);
                for &other in &inputs[1..] {
                    let other = value(other);
                    sum = graph.op("Add", &[&sum, &other], Vec::new(), &node.name);
                }
                sum
            }
            Operation::Concat { inputs } => {
                let parts: Vec<String> = inputs.iter().map(|&i| value(i)).collect();
                let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
                graph.op("Concat", &refs, vec![int_attribute("axis", 1)], &node.name)
            }
            Operation::Dropout { input, .. } => value(*input),
            Operation::Activation(layer) => {
                let slopes = layer.slopes.map(|id| parameters.get(id));
                activation(&mut graph, value(layer.input), layer.activation, slopes)?
            }
            Operation::BatchNorm(layer) => {
                let x = value(layer.input);
                let row = |graph: &mut Graph, id: ParameterId, what: &str| {
                    let tensor = parameters.get(id);
                    let hint = format!("{}_{what}", node.name);
                    graph.floats(&hint, &[tensor.len()], narrow(tensor.iter().copied()))
                };
                let scale = row(&mut graph, layer.scale, "scale");
                let shift = row(&mut graph, layer.shift, "shift");
                let mean = row(&mut graph, layer.running_mean, "mean");
                let variance = row(&mut graph, layer.running_variance, "variance");
                // ONNX's momentum is the share kept, PyTorch's (and ours) the share taken.
                let attributes = vec![
                    float_attribute("epsilon", single(layer.epsilon)),
                    float_attribute("momentum", single(1.0 - layer.momentum)),
                ];
                graph.op(
                    "BatchNormalization",
                    &[&x, &scale, &shift, &mean, &variance],
                    attributes,
                    &node.name,
                )
            }
            Operation::LayerNorm(layer) => {
                let x = value(layer.input);
                let scale = parameters.get(layer.scale);
                let shift = parameters.get(layer.shift);
                let scale = graph.floats(
                    &format!("{}_scale", node.name),
                    &[scale.len()],
                    narrow(scale.iter().copied()),
                );
                let shift = graph.floats(
                    &format!("{}_shift", node.name),
                    &[shift.len()],
                    narrow(shift.iter().copied()),
                );
                let attributes = vec![
                    int_attribute("axis", -1),
                    float_attribute("epsilon", single(layer.epsilon)),
                ];
                graph.op(
                    "LayerNormalization",
                    &[&x, &scale, &shift],
                    attributes,
                    &node.name,
                )
            }
        };
        values.push(output);
    }
    let head = architecture.head();
    let logits = values.get(head.logits.0).cloned().unwrap_or_default();
    let mut y = match head.output_function {
        OutputFunction::Identity => logits,
        OutputFunction::Sigmoid => graph.op("Sigmoid", &[&logits], Vec::new(), "probability"),
        OutputFunction::Softmax => graph.op(
            "Softmax",
            &[&logits],
            vec![int_attribute("axis", 1)],
            "probabilities",
        ),
        OutputFunction::Step => activation(&mut graph, logits, Activation::Step, None)?,
    };
    if let Some(scaling) = &description.target_scaling {
        let width = scaling.scale.len();
        let scale = graph.floats(
            "target_scale",
            &[1, width],
            narrow(scaling.scale.iter().copied()),
        );
        let offset = graph.floats(
            "target_offset",
            &[1, width],
            narrow(scaling.offset.iter().copied()),
        );
        let scaled = graph.op("Mul", &[&y, &scale], Vec::new(), "target_scaled");
        y = graph.op("Add", &[&scaled, &offset], Vec::new(), "target");
    }
    graph.nodes.push(NodeProto {
        op_type: "Identity".to_owned(),
        name: "Identity_output".to_owned(),
        input: vec![y],
        output: vec!["output".to_owned()],
        ..Default::default()
    });
    let Graph {
        nodes,
        initializers,
        ..
    } = graph;
    let model_proto = ModelProto {
        ir_version: IR_VERSION,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: OPSET,
        }],
        producer_name: "Layerwright".to_owned(),
        producer_version: env!("CARGO_PKG_VERSION").to_owned(),
        graph: Some(GraphProto {
            name: name.to_owned(),
            node: nodes,
            initializer: initializers,
            input: vec![ValueInfoProto {
                doc_string: input_doc(description),
                ..batch_tensor("input", raw_columns)
            }],
            output: vec![batch_tensor("output", architecture.output_width())],
            ..Default::default()
        }),
        ..Default::default()
    };
    Ok(model_proto.encode_to_vec())
}
