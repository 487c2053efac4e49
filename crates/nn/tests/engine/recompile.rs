//! Recompiling after an edit keeps the weights of the layers the edit did not change.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use crate::common;

use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::graph::Node;

#[test]
fn a_widened_layer_starts_afresh_and_the_others_keep_their_weights() {
    let document = common::spiral_document();
    let dataset = load_dataset(&document.dataset, None).unwrap();
    let before = compile(&document, &dataset).unwrap();
    // "Trained" weights: the initial ones, each doubled.
    let mut trained = before.initial.clone();
    for tensor in &mut trained.tensors {
        tensor.mapv_inplace(|v| 2.0 * v + 0.5);
    }
    let mut edited = document.clone();
    let widened = edited
        .nodes
        .iter_mut()
        .find_map(|node| match node {
            Node::Dense(dense) if dense.id == "h2" => Some(dense),
            _ => None,
        })
        .unwrap();
    widened.units += 3;
    let after = compile(&edited, &dataset).unwrap();
    let kept = after.initial_keeping(&before.architecture, &trained);
    for (index, info) in after.architecture.parameters().iter().enumerate() {
        let node = &after.architecture.node(info.node).name;
        let same_shape = before.architecture.parameters()[index].shape == info.shape;
        if node == "h1" {
            assert_eq!(
                kept.tensors[index], trained.tensors[index],
                "{node} keeps its weights"
            );
        } else if !same_shape {
            assert_eq!(
                kept.tensors[index], after.initial.tensors[index],
                "{node} starts afresh"
            );
        }
    }
    // h2's weights grew and the output's inputs with them: both start afresh.
    assert_ne!(kept.tensors, trained.tensors);
}
