//! Inputs the fuzz targets (`fuzz/`) once crashed on, kept so the fixes stay fixed: each
//! now gets an answer, a value or an error, and the errors say what is wrong.

use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::graph::io::parse_document;

/// Parses, loads the data of and compiles a document; returns every message, one per line.
fn document_messages(text: &str) -> String {
    let document = match parse_document(text, "input.json") {
        Ok(document) => document,
        Err(error) => return error.to_string(),
    };
    let dataset = match load_dataset(&document.dataset, None) {
        Ok(dataset) => dataset,
        Err(error) => return error.to_string(),
    };
    match compile(&document, &dataset) {
        Ok(_) => "compiled".to_owned(),
        Err(errors) => errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn a_duplicate_id_in_a_wired_graph_is_reported_not_a_subtraction_overflow() {
    // Found by `document` in its first minute: two nodes named `hidden1`, each with a wire
    // in, made the topological sort count one node's inputs twice.
    let text = include_str!("../fuzz-regressions/document-duplicate-id-in-a-wired-graph.json");
    let messages = document_messages(text);
    assert!(
        messages.contains("node 'hidden1': two nodes have this id"),
        "{messages}"
    );
}
