//! One training example through a network, in f64: every node's output on the forward
//! pass, every node's gradient `∂L/∂(output)` on the backward pass, the example's loss, and
//! the update one gradient-descent step would make to each dense layer's weights. What the
//! app's "Step through one example…" shows.

use ndarray::Array2;

use crate::compile::CompiledGraph;
use crate::network::architecture::{Operation, ParameterRole, ParameterSet};
use crate::network::model::{Mode, Workspace, loss_and_gradients};

/// One example's forward and backward pass through the network, in f64.
#[derive(Clone, Debug, PartialEq)]
pub struct StepResult {
    /// Training examples there are.
    pub examples: usize,
    /// Node ids in the order the forward pass computes them.
    pub names: Vec<String>,
    /// Each node's output for the example.
    pub values: Vec<Vec<f64>>,
    /// Each node's output size when it is an image (values channel by channel).
    pub images: Vec<Option<crate::network::architecture::ImageSize>>,
    /// `∂L/∂(node output)` for the example.
    pub gradients: Vec<Vec<f64>>,
    /// The loss on the example.
    pub loss: f64,
    /// The network's inputs (after features and scaling) and the wanted outputs.
    pub inputs: Vec<f64>,
    /// The target row.
    pub targets: Vec<f64>,
    /// Each dense layer's update `ΔW = −η·∂L/∂W`, `[in, units]`.
    pub updates: Vec<(String, Array2<f64>)>,
}

/// Runs training example `example` through `compiled` with `parameters`.
pub fn step_result(
    compiled: &CompiledGraph,
    parameters: &ParameterSet<f64>,
    example: usize,
) -> Result<StepResult, String> {
    let samples = &compiled.data.train;
    let examples = samples.len();
    if example >= examples {
        return Err(format!("there is no training example {}", example + 1));
    }
    let architecture = &compiled.architecture;
    if !architecture.fits(parameters) {
        return Err("the weights do not fit the network".to_owned());
    }
    let one = samples.rows_in_f64(example..example + 1);
    let (inputs, targets) = (one.inputs.view(), one.targets.view());
    let mut workspace = Workspace::new(architecture, 1);
    let loss = loss_and_gradients(
        architecture,
        parameters,
        inputs,
        targets,
        Mode::Inference,
        &mut workspace,
    );
    let nodes = architecture.nodes();
    let row = |view: ndarray::ArrayView2<f64>| view.row(0).to_vec();
    let learning_rate = compiled.config.learning_rate;
    let updates = architecture
        .parameters()
        .iter()
        .zip(&workspace.parameter_gradients().tensors)
        .filter(|(info, _)| info.role == ParameterRole::Weights)
        .map(|(info, gradient)| {
            (
                architecture.node(info.node).name.clone(),
                gradient.mapv(|g| -learning_rate * g),
            )
        })
        .collect();
    Ok(StepResult {
        examples,
        names: nodes.iter().map(|n| n.name.clone()).collect(),
        images: nodes.iter().map(|n| n.image).collect(),
        values: (0..nodes.len())
            .map(|i| row(workspace.value(crate::network::architecture::NodeId(i))))
            .collect(),
        gradients: (0..nodes.len())
            .map(|i| row(workspace.gradient(crate::network::architecture::NodeId(i))))
            .collect(),
        loss,
        inputs: inputs.row(0).to_vec(),
        targets: targets.row(0).to_vec(),
        updates,
    })
}

/// Whether node `index` of the result is a dense layer (it has weights to update).
pub fn is_dense(compiled: &CompiledGraph, index: usize) -> bool {
    compiled
        .architecture
        .nodes()
        .get(index)
        .is_some_and(|n| matches!(n.operation, Operation::Dense(_)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::compile::{compile, load_dataset};

    #[test]
    fn the_linear_regression_example_steps_through_one_hand_checked_example() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/examples/linear-regression.json");
        let document = crate::graph::io::load_document(&path).unwrap();
        let dataset = load_dataset(&document.dataset, None).unwrap();
        let compiled = compile(&document, &dataset).unwrap();
        // Weights start at zero: ŷ = 0, L = ½(0 − y)², ∂L/∂ŷ = −y, ΔW = −η·(−y)·x = η·y·x.
        let result = step_result(&compiled, &compiled.initial, 0).unwrap();
        let (x, y) = (result.inputs[0], result.targets[0]);
        assert_eq!(result.names, ["input", "output"]);
        assert_eq!(result.values[1], [0.0]);
        assert!((result.loss - 0.5 * y * y).abs() < 1e-12);
        assert!((result.gradients[1][0] + y).abs() < 1e-12);
        let (layer, update) = &result.updates[0];
        assert_eq!(layer, "output");
        assert!((update[[0, 0]] - 0.05 * y * x).abs() < 1e-12);
        assert!(is_dense(&compiled, 1) && !is_dense(&compiled, 0));
        assert!(step_result(&compiled, &compiled.initial, result.examples).is_err());
    }
}
