//! Reading networks out of ONNX models: ones built here with the prost types (no Python:
//! Gemm's attributes worked out by hand, MatMul + Add, activations, the function at the
//! end, refusals naming the operator and node), every example's own export read back to a
//! document that predicts what the original predicts, and class orders.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use std::path::Path;

use layerwright_nn::compile::{compile_trained, load_dataset};
use layerwright_nn::export::{domain_samples, engine_outputs, onnx::to_onnx};
use layerwright_nn::graph::io::load_document;
use layerwright_nn::graph::{GraphDocument, Node};
use layerwright_nn::import::{ImportError, ImportSettings, ImportedLayer, import_onnx, read_onnx};
use layerwright_nn::{Activation, OutputFunction};
use prost::Message;
use tract_onnx::pb::{
    AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto,
    attribute_proto::AttributeType, tensor_proto::DataType,
};

fn tensor(name: &str, dims: &[i64], values: &[f32]) -> TensorProto {
    TensorProto {
        name: name.to_owned(),
        dims: dims.to_vec(),
        data_type: DataType::Float as i32,
        float_data: values.to_vec(),
        ..Default::default()
    }
}

fn node(op: &str, name: &str, inputs: &[&str], output: &str) -> NodeProto {
    NodeProto {
        op_type: op.to_owned(),
        name: name.to_owned(),
        input: inputs.iter().map(|&i| i.to_owned()).collect(),
        output: vec![output.to_owned()],
        ..Default::default()
    }
}

fn float(name: &str, value: f32) -> AttributeProto {
    AttributeProto {
        name: name.to_owned(),
        r#type: AttributeType::Float as i32,
        f: value,
        ..Default::default()
    }
}

fn int(name: &str, value: i64) -> AttributeProto {
    AttributeProto {
        name: name.to_owned(),
        r#type: AttributeType::Int as i32,
        i: value,
        ..Default::default()
    }
}

fn model(nodes: Vec<NodeProto>, initializers: Vec<TensorProto>, output: &str) -> Vec<u8> {
    model_of_width(nodes, initializers, output, None)
}

/// A model whose input `x` is declared `[batch, width]`, or undeclared.
fn model_of_width(
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
    output: &str,
    width: Option<i64>,
) -> Vec<u8> {
    use tract_onnx::pb::{TensorShapeProto, TypeProto, tensor_shape_proto, type_proto};
    let value = |name: &str| ValueInfoProto {
        name: name.to_owned(),
        r#type: width.filter(|_| name == "x").map(|width| TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Float as i32,
                shape: Some(TensorShapeProto {
                    dim: vec![
                        tensor_shape_proto::Dimension {
                            value: Some(tensor_shape_proto::dimension::Value::DimParam(
                                "batch".to_owned(),
                            )),
                            ..Default::default()
                        },
                        tensor_shape_proto::Dimension {
                            value: Some(tensor_shape_proto::dimension::Value::DimValue(width)),
                            ..Default::default()
                        },
                    ],
                }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    };
    ModelProto {
        ir_version: 8,
        graph: Some(GraphProto {
            node: nodes,
            initializer: initializers,
            input: vec![value("x")],
            output: vec![value(output)],
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec()
}

fn dense_of(
    layer: &ImportedLayer,
) -> (
    &ndarray::Array2<f64>,
    Option<&ndarray::Array1<f64>>,
    Activation,
) {
    match layer {
        ImportedLayer::Dense {
            weights,
            bias,
            activation,
            ..
        } => (weights, bias.as_ref(), *activation),
        other => panic!("not a dense layer: {other:?}"),
    }
}

#[test]
fn a_gemm_with_trans_b_alpha_and_beta_then_relu_matmul_add_and_softmax() {
    // Gemm: B is [out = 3, in = 2] with transB = 1, α = 2, β = 0.5, so W = 2·Bᵀ, b = 0.5·C.
    let mut gemm = node("Gemm", "fc1", &["x", "B", "C"], "z1");
    gemm.attribute = vec![int("transB", 1), float("alpha", 2.0), float("beta", 0.5)];
    let bytes = model(
        vec![
            gemm,
            node("Relu", "act1", &["z1"], "a1"),
            node("Dropout", "drop", &["a1"], "d1"),
            node("MatMul", "fc2", &["d1", "W2"], "m2"),
            node("Add", "fc2_bias", &["m2", "b2"], "z2"),
            node("Softmax", "probabilities", &["z2"], "y"),
        ],
        vec![
            tensor("B", &[3, 2], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
            tensor("C", &[3], &[2.0, 4.0, 6.0]),
            tensor("W2", &[3, 2], &[0.5, -0.5, 1.0, -1.0, 1.5, -1.5]),
            tensor("b2", &[2], &[0.25, -0.25]),
        ],
        "y",
    );
    let network = read_onnx(&bytes).unwrap();
    assert_eq!(network.inputs, 2);
    assert_eq!(network.output_function, OutputFunction::Softmax);
    assert_eq!(network.nodes.len(), 3, "{:?}", network.nodes);
    assert_eq!(network.nodes[0].layer, ImportedLayer::Input);
    assert_eq!(network.logits, 2);
    let (weights, bias, activation) = dense_of(&network.nodes[1].layer);
    // 2·Bᵀ = 2·[[1, 3, 5], [2, 4, 6]].
    assert_eq!(weights, ndarray::array![[2.0, 6.0, 10.0], [4.0, 8.0, 12.0]]);
    assert_eq!(bias, Some(&ndarray::array![1.0, 2.0, 3.0]));
    assert_eq!(activation, Activation::Relu);
    let (weights, bias, activation) = dense_of(&network.nodes[2].layer);
    assert_eq!(
        weights,
        ndarray::array![[0.5, -0.5], [1.0, -1.0], [1.5, -1.5]]
    );
    assert_eq!(bias, Some(&ndarray::array![0.25, -0.25]));
    assert_eq!(activation, Activation::Identity);
    assert_eq!(network.nodes[2].inputs, vec![1]);
}

#[test]
fn leaky_relu_s_alpha_is_the_notes_one_over_a_and_logits_stay_logits() {
    let mut leaky = node("LeakyRelu", "act", &["z"], "a");
    leaky.attribute = vec![float("alpha", 0.25)];
    let bytes = model(
        vec![
            node("Gemm", "fc1", &["x", "W1"], "z"),
            leaky,
            node("Gemm", "fc2", &["a", "W2"], "logits"),
        ],
        vec![
            tensor("W1", &[1, 2], &[1.0, -1.0]),
            tensor("W2", &[2, 1], &[1.0, 1.0]),
        ],
        "logits",
    );
    let network = read_onnx(&bytes).unwrap();
    let (_, bias, activation) = dense_of(&network.nodes[1].layer);
    assert_eq!(activation, Activation::LeakyRelu { a: 4.0 });
    assert_eq!(bias, None);
    assert_eq!(network.output_function, OutputFunction::Identity);
}

#[test]
fn the_input_s_rescaling_folds_into_the_first_layer_and_two_layers_merge_by_add() {
    // x' = (x − o)/s with o = [1, 2], s = [2, 4]; z = x'·W + b with W = [[1], [1]], b = [0]:
    // z = x₁/2 + x₂/4 − (1/2 + 2/4), so W' = [[0.5], [0.25]], b' = [−1].
    let bytes = model_of_width(
        vec![
            node("Sub", "centre", &["x", "o"], "c"),
            node("Div", "scale", &["c", "s"], "n"),
            node("Gemm", "fc1", &["n", "W1", "b1"], "h1"),
            node("Gemm", "fc2", &["n", "W1", "b1"], "h2"),
            node("Tanh", "act", &["h2"], "t2"),
            node("Add", "merge", &["h1", "t2"], "y"),
        ],
        vec![
            tensor("o", &[1, 2], &[1.0, 2.0]),
            tensor("s", &[1, 2], &[2.0, 4.0]),
            tensor("W1", &[2, 1], &[1.0, 1.0]),
            tensor("b1", &[1], &[0.0]),
        ],
        "y",
        Some(2),
    );
    let network = read_onnx(&bytes).unwrap();
    let (weights, bias, activation) = dense_of(&network.nodes[1].layer);
    assert_eq!(weights, ndarray::array![[0.5], [0.25]]);
    assert_eq!(bias, Some(&ndarray::array![-1.0]));
    assert_eq!(activation, Activation::Identity);
    let (_, _, activation) = dense_of(&network.nodes[2].layer);
    assert_eq!(activation, Activation::Tanh);
    assert_eq!(network.nodes[3].layer, ImportedLayer::Add);
    assert_eq!(network.nodes[3].inputs, vec![1, 2]);
    assert_eq!(network.logits, 3);
}

#[test]
fn an_operator_it_does_not_understand_is_refused_with_its_type_and_node_name() {
    let bytes = model(
        vec![
            node("Gemm", "fc1", &["x", "W1"], "z"),
            node("Cos", "wave", &["z"], "y"),
        ],
        vec![tensor("W1", &[1, 2], &[1.0, -1.0])],
        "y",
    );
    let error = read_onnx(&bytes).unwrap_err();
    assert!(
        matches!(&error, ImportError::Operator { op_type, node, .. } if op_type == "Cos" && node == "wave"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "operator Cos (node 'wave') is not understood: Layerwright reads dense layers, \
         convolutions, pooling, normalisation, merges and activations"
    );
    // Elementwise operators that make no known activation are refused where they are read.
    let bytes = model(
        vec![
            node("Gemm", "fc1", &["x", "W1"], "z"),
            node("Tanh", "t", &["z"], "a"),
            node("Mul", "twice", &["a", "z"], "b"),
            node("Gemm", "fc2", &["b", "W2"], "y"),
        ],
        vec![
            tensor("W1", &[1, 2], &[1.0, -1.0]),
            tensor("W2", &[2, 1], &[1.0, 1.0]),
        ],
        "y",
    );
    let error = read_onnx(&bytes).unwrap_err().to_string();
    assert!(
        error.starts_with("operator Gemm (node 'fc2') is not understood: the elementwise"),
        "{error}"
    );
    assert!(matches!(
        read_onnx(b"not a model at all").unwrap_err(),
        ImportError::Decode(_)
    ));
}

use crate::common::{network_examples as examples, trained_model};

/// Exports `document` trained briefly, imports the ONNX on the same data, and checks that
/// both predict alike within `1e-5·max(1, |y|)` on 100 raw inputs from the data's range.
fn round_trip(document: GraphDocument, folder: &Path, what: &str) -> GraphDocument {
    let dataset_spec = document.dataset.clone();
    let (original, _) = trained_model(document, folder, 3);
    let bytes = to_onnx(&original, "round trip").unwrap();
    let settings = ImportSettings {
        dataset: dataset_spec,
        classes: None,
        loss: None,
    };
    let imported =
        import_onnx(&bytes, settings, Some(folder)).unwrap_or_else(|e| panic!("{what}: {e}"));
    let document = imported.document;
    let model = compile_trained(&document).unwrap();
    let dataset = load_dataset(&document.dataset, Some(folder)).unwrap();
    let inputs = domain_samples(&original, Some(&dataset), 100, 5);
    let expected = engine_outputs(&original, inputs.view()).unwrap();
    let found = engine_outputs(&model, inputs.view()).unwrap();
    assert_eq!(expected.dim(), found.dim(), "{what}");
    for ((row, column), &y) in expected.indexed_iter() {
        let got = found[(row, column)];
        assert!(
            (got - y).abs() <= 1e-5 * y.abs().max(1.0),
            "{what}: row {row} column {column}: imported {got}, original {y}"
        );
    }
    document
}

#[test]
fn every_example_reads_back_from_its_own_onnx_export_and_predicts_the_same() {
    for path in examples() {
        let document = load_document(&path).unwrap();
        let kinds = document.nodes.len();
        let imported = round_trip(
            document,
            path.parent().unwrap(),
            &path.display().to_string(),
        );
        assert_eq!(imported.nodes.len(), kinds, "{}", path.display());
        assert_eq!(imported.weights.as_ref().unwrap().epochs, 0);
        assert_eq!(
            imported.dataset.normalization,
            layerwright_nn::data::Normalization::None
        );
    }
}

#[test]
fn every_activation_reads_back_from_its_exported_pattern() {
    // Step (Greater + Cast), swish (Sigmoid + Mul), GELU (its Erf form), PReLU's slopes,
    // RReLU as its mean slope, ELU's α: each in both hidden layers of the spiral.
    let path = examples()
        .into_iter()
        .find(|p| p.ends_with("spiral.json"))
        .unwrap();
    let folder = path.parent().unwrap().to_path_buf();
    for activation in Activation::ALL {
        let mut document = load_document(&path).unwrap();
        document.dataset.normalization = layerwright_nn::data::Normalization::ZScore;
        for node in &mut document.nodes {
            if let Node::Dense(dense) = node {
                dense.activation = activation;
            }
        }
        let imported = round_trip(document, &folder, activation.name());
        let read: Vec<Activation> = imported
            .nodes
            .iter()
            .filter_map(|n| match n {
                Node::Dense(dense) => Some(dense.activation),
                _ => None,
            })
            .collect();
        let expected = match activation {
            // Inference uses RReLU's mean slope, which ONNX writes as a LeakyRelu.
            Activation::Rrelu { lower, upper } => Activation::LeakyRelu {
                a: 1.0 / f64::from((0.5 * (lower + upper)) as f32),
            },
            Activation::LeakyRelu { a } => Activation::LeakyRelu {
                a: 1.0 / f64::from((1.0 / a) as f32),
            },
            Activation::Elu { alpha } => Activation::Elu {
                alpha: f64::from(alpha as f32),
            },
            other => other,
        };
        assert_eq!(read, vec![expected; 2], "{}", activation.name());
    }
}

/// The fixture made by `tests/fixtures/make_pytorch_fixture.py`: PyTorch's own export of an
/// `nn.Sequential` (Linear, ReLU, Linear, Tanh, Linear, Sigmoid, Linear) with the logits
/// PyTorch computed for 60 inputs.
#[test]
fn a_pytorch_sequential_imports_and_predicts_the_softmax_of_pytorch_s_logits() {
    use layerwright_nn::data::{ColumnChoice, ColumnRole, HeaderRow, TargetColumn, Task};
    use layerwright_nn::graph::{DataSource, DatasetSpec};
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bytes = std::fs::read(folder.join("pytorch-sequential.onnx")).unwrap();
    let mut dataset = DatasetSpec::csv("pytorch-sequential.csv", Task::Classification);
    if let DataSource::Csv { header, .. } = &mut dataset.source {
        *header = HeaderRow::Present;
    }
    dataset.target = TargetColumn::Name("kind".to_owned());
    dataset.columns = ["logit_a", "logit_b", "logit_c"]
        .iter()
        .map(|name| ColumnChoice {
            name: (*name).to_owned(),
            role: Some(ColumnRole::Ignored),
            kind: None,
        })
        .collect();
    let settings = ImportSettings {
        dataset,
        classes: None,
        loss: None,
    };
    let imported = import_onnx(&bytes, settings, Some(&folder)).unwrap();
    let kinds: Vec<&str> = imported
        .document
        .nodes
        .iter()
        .map(|n| match n {
            Node::Input(_) => "input",
            Node::Dense(dense) => dense.activation.name(),
            Node::Output(_) => "output",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["input", "ReLU", "tanh", "sigmoid", "output"]);
    assert_eq!(imported.class_order, ["a", "b", "c"]);
    let model = compile_trained(&imported.document).unwrap();
    let text = std::fs::read_to_string(folder.join("pytorch-sequential.csv")).unwrap();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|line| {
            line.split(',')
                .enumerate()
                .filter(|(i, _)| *i != 4)
                .map(|(_, v)| v.parse().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 60);
    let inputs = ndarray::Array2::from_shape_fn((60, 4), |(r, c)| rows[r][c]);
    let found = engine_outputs(&model, inputs.view()).unwrap();
    for (r, row) in rows.iter().enumerate() {
        let logits = &row[4..7];
        let largest = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = logits.iter().map(|z| (z - largest).exp()).sum();
        for (c, z) in logits.iter().enumerate() {
            let expected = (z - largest).exp() / total;
            let got = found[(r, c)];
            assert!(
                (got - expected).abs() <= 1e-5 * expected.abs().max(1.0),
                "row {r} class {c}: imported {got}, PyTorch {expected}"
            );
        }
    }
}
