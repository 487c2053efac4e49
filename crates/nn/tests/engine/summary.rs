//! Model summaries: each node's kind, shape, activation and learned parameters, counted by
//! hand for the convolutional example and the normalisation example.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use layerwright_nn::compile::{ModelSummary, compile, load_dataset};
use layerwright_nn::graph::io::load_document;

fn summary_of(example: &str) -> ModelSummary {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/examples")
        .join(example);
    let document = load_document(&path).unwrap();
    let dataset = load_dataset(&document.dataset, path.parent()).unwrap();
    let compiled = compile(&document, &dataset).unwrap();
    ModelSummary::new(&document, &compiled.architecture)
}

#[test]
fn the_digits_cnn_summary_counts_each_layer_s_weights_and_biases() {
    let summary = summary_of("digits-cnn.json");
    let rows: Vec<(&str, &str, &str, Option<&str>, usize)> = summary
        .rows
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.kind,
                r.shape.as_str(),
                r.activation,
                r.parameters,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("input", "input", "[batch, 1, 8, 8]", None, 0),
            // 16 filters of 1 × 3 × 3, and 16 biases.
            (
                "conv",
                "conv2d",
                "[batch, 16, 8, 8]",
                Some("tanh"),
                16 * 9 + 16
            ),
            ("pool", "max_pool2d", "[batch, 16, 4, 4]", None, 0),
            // 32 filters of 16 × 3 × 3, and 32 biases.
            (
                "conv2",
                "conv2d",
                "[batch, 32, 4, 4]",
                Some("tanh"),
                32 * 16 * 9 + 32
            ),
            ("pool2", "max_pool2d", "[batch, 32, 2, 2]", None, 0),
            ("flatten", "flatten", "[batch, 128]", None, 0),
            (
                "hidden",
                "dense",
                "[batch, 64]",
                Some("ReLU"),
                128 * 64 + 64
            ),
            (
                "output",
                "output",
                "[batch, 10]",
                Some("softmax"),
                64 * 10 + 10
            ),
        ]
    );
    assert_eq!(summary.total_parameters(), 13_706);
    let text = summary.to_text();
    assert!(text.starts_with("node "), "{text}");
    assert!(text.ends_with("total_parameters=13706\n"), "{text}");
    assert_eq!(text.lines().count(), 1 + 8 + 1);
}

#[test]
fn a_batch_norm_counts_its_scale_and_shift_but_not_its_running_statistics() {
    let summary = summary_of("normalization.json");
    let batch_norm = summary
        .rows
        .iter()
        .find(|r| r.kind == "batch_norm")
        .unwrap();
    // γ and β for each of the 12 units before it; the running mean and variance are kept,
    // not learned.
    assert_eq!(batch_norm.parameters, 2 * 12);
    assert_eq!(batch_norm.shape, "[batch, 12]");
}
