//! Reading dense networks out of ONNX models built here with the prost types (no Python):
//! Gemm's attributes worked out by hand, MatMul + Add, activations, the function at the
//! end, and refusals naming the operator and node.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use layerwright_nn::import::onnx::{ImportError, read_onnx};
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
    let value = |name: &str| ValueInfoProto {
        name: name.to_owned(),
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
    assert_eq!(network.layers.len(), 2);
    let first = &network.layers[0];
    // 2·Bᵀ = 2·[[1, 3, 5], [2, 4, 6]].
    assert_eq!(
        first.weights,
        ndarray::array![[2.0, 6.0, 10.0], [4.0, 8.0, 12.0]]
    );
    assert_eq!(first.bias, ndarray::array![1.0, 2.0, 3.0]);
    assert_eq!(first.activation, Activation::Relu);
    let second = &network.layers[1];
    assert_eq!(
        second.weights,
        ndarray::array![[0.5, -0.5], [1.0, -1.0], [1.5, -1.5]]
    );
    assert_eq!(second.bias, ndarray::array![0.25, -0.25]);
    assert_eq!(second.activation, Activation::Identity);
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
    assert_eq!(
        network.layers[0].activation,
        Activation::LeakyRelu { a: 4.0 }
    );
    assert_eq!(network.layers[0].bias, ndarray::array![0.0, 0.0]);
    assert_eq!(network.output_function, OutputFunction::Identity);
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
        "operator Cos (node 'wave') is not understood: only dense layers and their activations are understood"
    );
    assert!(matches!(
        read_onnx(b"not a model at all").unwrap_err(),
        ImportError::Decode(_)
    ));
}
