//! Step through one example: the forward pass node by node, then the backward pass from the
//! loss back to the input, with each node's activation and gradient vectors shown on the
//! canvas and the update gradient descent would make to a chosen layer's weights.

use layerwright_nn::architecture::{Operation, ParameterRole, ParameterSet};
use layerwright_nn::compile::CompiledGraph;
use layerwright_nn::model::{Mode, Workspace, loss_and_gradients};
use ndarray::{Array2, Axis, Slice};

/// One example's forward and backward pass through the network, in f64.
#[derive(Clone, Debug, PartialEq)]
pub struct StepResult {
    /// Training examples there are.
    pub examples: usize,
    /// Node ids in the order the forward pass computes them.
    pub names: Vec<String>,
    /// Each node's output for the example.
    pub values: Vec<Vec<f64>>,
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
    let rows = Slice::from(example..example + 1);
    let inputs = samples.inputs.slice_axis(Axis(0), rows);
    let targets = samples.targets.slice_axis(Axis(0), rows);
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
        values: (0..nodes.len())
            .map(|i| row(workspace.value(layerwright_nn::NodeId(i))))
            .collect(),
        gradients: (0..nodes.len())
            .map(|i| row(workspace.gradient(layerwright_nn::NodeId(i))))
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

/// The walk through one example: which example, how far forward and backward it has gone.
#[derive(Clone, Debug, Default)]
pub struct StepThrough {
    /// Whether the window is open.
    pub open: bool,
    /// The training example (0-based).
    pub example: usize,
    /// Nodes whose outputs are shown, in forward order.
    pub forward_shown: usize,
    /// Nodes whose gradients are shown, counted from the output back.
    pub backward_shown: usize,
    /// The layer whose weight update is drawn.
    pub layer: Option<String>,
    /// The pass, recomputed when the example or the weights change.
    pub result: Option<Result<StepResult, String>>,
}

impl StepThrough {
    /// The vectors to draw on the canvas: for each node shown, its output and, once the
    /// backward pass has reached it, its gradient.
    pub fn shown_vectors(&self) -> Vec<(String, Vec<f64>, Option<Vec<f64>>)> {
        let Some(Ok(result)) = &self.result else {
            return Vec::new();
        };
        let count = result.names.len();
        (0..count.min(self.forward_shown))
            .map(|i| {
                let gradient = (i >= count.saturating_sub(self.backward_shown))
                    .then(|| result.gradients[i].clone());
                (result.names[i].clone(), result.values[i].clone(), gradient)
            })
            .collect()
    }

    /// One more node forward (then backward, once the forward pass is complete).
    pub fn step(&mut self) {
        let count = match &self.result {
            Some(Ok(result)) => result.names.len(),
            _ => return,
        };
        if self.forward_shown < count {
            self.forward_shown += 1;
        } else if self.backward_shown < count {
            self.backward_shown += 1;
        }
    }

    /// Back to the start of the forward pass.
    pub fn restart(&mut self) {
        self.forward_shown = 0;
        self.backward_shown = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerwright_nn::compile::{compile, load_dataset};
    use layerwright_nn::graph::GraphDocument;

    #[test]
    fn the_linear_regression_example_steps_through_one_hand_checked_example() {
        let text = crate::examples::example("linear-regression.json")
            .unwrap()
            .text;
        let document: GraphDocument = serde_json::from_str(text).unwrap();
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

        let mut walk = StepThrough {
            result: Some(Ok(result)),
            ..Default::default()
        };
        walk.step();
        assert_eq!(walk.shown_vectors().len(), 1);
        walk.step();
        walk.step();
        let shown = walk.shown_vectors();
        assert_eq!(shown.len(), 2);
        assert!(shown[1].2.is_some(), "the output's gradient comes first");
        assert!(shown[0].2.is_none());
    }
}
