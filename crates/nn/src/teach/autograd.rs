//! Scalar automatic differentiation on a computational graph, as the notes' chapter 2.4
//! draws it: every node computes one number from its inputs (the forward pass), and the
//! backward pass walks the nodes in reverse order, giving each input the upstream gradient
//! times the node's local derivative (the chain rule), summing where a value feeds several
//! nodes.
//!
//! The notes' example: `q = x + y`, `f = q·z` at `x = −2, y = 5, z = −4` gives `q = 3`,
//! `f = −12`, and backward `∂f/∂z = q = 3`, `∂f/∂q = z = −4`, `∂f/∂x = ∂f/∂y = ∂f/∂q = −4`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What one node of a scalar expression computes. Binary operations read their inputs in
/// order `a`, `b`; unary ones read `a`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScalarOp {
    /// A named input the person sets.
    Input {
        /// Its value.
        value: f64,
    },
    /// A fixed number.
    Constant {
        /// Its value.
        value: f64,
    },
    /// `a + b`; `∂/∂a = ∂/∂b = 1`.
    Add,
    /// `a − b`; `∂/∂a = 1`, `∂/∂b = −1`.
    Subtract,
    /// `a·b`; `∂/∂a = b`, `∂/∂b = a`.
    Multiply,
    /// `a / b`; `∂/∂a = 1/b`, `∂/∂b = −a/b²`.
    Divide,
    /// `max(a, b)`; the gradient goes to the larger input (to `a` on a tie).
    Max,
    /// `eᵃ`; `∂/∂a = eᵃ`.
    Exp,
    /// `ln a`; `∂/∂a = 1/a`.
    Log,
    /// `aⁿ` for a fixed exponent `n`; `∂/∂a = n·aⁿ⁻¹`.
    Power {
        /// The exponent `n`.
        exponent: f64,
    },
    /// `σ(a) = 1/(1 + e⁻ᵃ)`; `∂/∂a = σ(a)(1 − σ(a))`.
    Sigmoid,
    /// `tanh a`; `∂/∂a = 1 − tanh² a`.
    Tanh,
    /// `max(0, a)`; `∂/∂a = 1` where `a > 0`, else 0.
    Relu,
}

impl ScalarOp {
    /// How many inputs it takes.
    pub fn arity(self) -> usize {
        match self {
            Self::Input { .. } | Self::Constant { .. } => 0,
            Self::Add | Self::Subtract | Self::Multiply | Self::Divide | Self::Max => 2,
            Self::Exp
            | Self::Log
            | Self::Power { .. }
            | Self::Sigmoid
            | Self::Tanh
            | Self::Relu => 1,
        }
    }

    /// A short name for menus and node headers.
    pub fn name(self) -> &'static str {
        match self {
            Self::Input { .. } => "input",
            Self::Constant { .. } => "constant",
            Self::Add => "add",
            Self::Subtract => "subtract",
            Self::Multiply => "multiply",
            Self::Divide => "divide",
            Self::Max => "max",
            Self::Exp => "exp",
            Self::Log => "log",
            Self::Power { .. } => "power",
            Self::Sigmoid => "sigmoid",
            Self::Tanh => "tanh",
            Self::Relu => "ReLU",
        }
    }

    /// The local rule the backward pass applies, in words.
    pub fn rule(self) -> &'static str {
        match self {
            Self::Input { .. } | Self::Constant { .. } => "a leaf: the gradient stops here",
            Self::Add => "addition passes the upstream gradient to each input unchanged",
            Self::Subtract => "subtraction passes the upstream gradient to a and its negative to b",
            Self::Multiply => {
                "multiplication passes each input the other input times the upstream gradient"
            }
            Self::Divide => {
                "division passes a the upstream gradient over b, and b minus a over b² times it"
            }
            Self::Max => "max passes the upstream gradient to the larger input only",
            Self::Exp => "exp multiplies the upstream gradient by its own output eᵃ",
            Self::Log => "log multiplies the upstream gradient by 1/a",
            Self::Power { .. } => "power multiplies the upstream gradient by n·aⁿ⁻¹",
            Self::Sigmoid => "sigmoid multiplies the upstream gradient by σ(1 − σ)",
            Self::Tanh => "tanh multiplies the upstream gradient by 1 − tanh²",
            Self::Relu => "ReLU passes the upstream gradient where a > 0, else nothing",
        }
    }

    /// The value for `inputs` (as many as [`ScalarOp::arity`]).
    pub fn value(self, inputs: &[f64]) -> f64 {
        let a = inputs.first().copied().unwrap_or(f64::NAN);
        let b = inputs.get(1).copied().unwrap_or(f64::NAN);
        match self {
            Self::Input { value } | Self::Constant { value } => value,
            Self::Add => a + b,
            Self::Subtract => a - b,
            Self::Multiply => a * b,
            Self::Divide => a / b,
            Self::Max => a.max(b),
            Self::Exp => a.exp(),
            Self::Log => a.ln(),
            Self::Power { exponent } => a.powf(exponent),
            Self::Sigmoid => 1.0 / (1.0 + (-a).exp()),
            Self::Tanh => a.tanh(),
            Self::Relu => a.max(0.0),
        }
    }

    /// `∂(output)/∂(input i)` for each input, given the inputs and the output.
    pub fn local_gradients(self, inputs: &[f64], output: f64) -> Vec<f64> {
        let a = inputs.first().copied().unwrap_or(f64::NAN);
        let b = inputs.get(1).copied().unwrap_or(f64::NAN);
        match self {
            Self::Input { .. } | Self::Constant { .. } => Vec::new(),
            Self::Add => vec![1.0, 1.0],
            Self::Subtract => vec![1.0, -1.0],
            Self::Multiply => vec![b, a],
            Self::Divide => vec![1.0 / b, -a / (b * b)],
            Self::Max => {
                if a >= b {
                    vec![1.0, 0.0]
                } else {
                    vec![0.0, 1.0]
                }
            }
            Self::Exp => vec![output],
            Self::Log => vec![1.0 / a],
            Self::Power { exponent } => vec![exponent * a.powf(exponent - 1.0)],
            Self::Sigmoid => vec![output * (1.0 - output)],
            Self::Tanh => vec![1.0 - output * output],
            Self::Relu => vec![if a > 0.0 { 1.0 } else { 0.0 }],
        }
    }
}

/// One node: an id for people, its operation and the nodes it reads (by index).
#[derive(Clone, Debug, PartialEq)]
pub struct ScalarNode {
    /// The node's name, such as `x` or `q`.
    pub id: String,
    /// What it computes.
    pub op: ScalarOp,
    /// Its inputs, in order, as indices of earlier nodes.
    pub inputs: Vec<usize>,
}

/// What is wrong with a scalar graph; each names the node.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ScalarGraphError {
    /// A node has the wrong number of inputs.
    #[error("node '{node}' ({op}) needs {expected} input(s), it has {found}")]
    Arity {
        /// The node.
        node: String,
        /// Its operation.
        op: &'static str,
        /// How many it needs.
        expected: usize,
        /// How many it has.
        found: usize,
    },
    /// A node reads a node that does not come before it.
    #[error(
        "node '{node}' reads a node that is not computed before it (a missing input or a cycle)"
    )]
    Order {
        /// The node.
        node: String,
    },
    /// There is nothing to differentiate.
    #[error("the graph is empty")]
    Empty,
}

/// A scalar expression as a graph: nodes in an order where every node's inputs come first;
/// the last node is the output `f`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScalarGraph {
    /// The nodes, inputs before the nodes that read them.
    pub nodes: Vec<ScalarNode>,
}

/// One node's part of the backward pass: the upstream gradient `∂f/∂(node)` and what it
/// sends each input (local derivative × upstream).
#[derive(Clone, Debug, PartialEq)]
pub struct BackwardStep {
    /// The node (index).
    pub node: usize,
    /// `∂f/∂(node)`, complete when the step runs.
    pub upstream: f64,
    /// For each input: `(input index, local derivative, local × upstream)`.
    pub sends: Vec<(usize, f64, f64)>,
    /// The rule used, in words.
    pub rule: &'static str,
}

/// The forward values and, after backward, every node's gradient `∂f/∂(node)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Each node's value.
    pub values: Vec<f64>,
    /// Each node's `∂f/∂(node)`, `f` being the last node.
    pub gradients: Vec<f64>,
    /// The backward pass node by node, from the output back to the leaves.
    pub steps: Vec<BackwardStep>,
}

impl ScalarGraph {
    /// Checks arities and order.
    pub fn validate(&self) -> Result<(), ScalarGraphError> {
        if self.nodes.is_empty() {
            return Err(ScalarGraphError::Empty);
        }
        for (index, node) in self.nodes.iter().enumerate() {
            if node.inputs.len() != node.op.arity() {
                return Err(ScalarGraphError::Arity {
                    node: node.id.clone(),
                    op: node.op.name(),
                    expected: node.op.arity(),
                    found: node.inputs.len(),
                });
            }
            if node.inputs.iter().any(|&i| i >= index) {
                return Err(ScalarGraphError::Order {
                    node: node.id.clone(),
                });
            }
        }
        Ok(())
    }

    /// The forward values of every node.
    pub fn forward(&self) -> Result<Vec<f64>, ScalarGraphError> {
        self.validate()?;
        let mut values: Vec<f64> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let inputs: Vec<f64> = node.inputs.iter().map(|&i| values[i]).collect();
            values.push(node.op.value(&inputs));
        }
        Ok(values)
    }

    /// The forward pass, then the backward pass from the last node (`∂f/∂f = 1`) in reverse
    /// order, recording each step.
    pub fn evaluate(&self) -> Result<Evaluation, ScalarGraphError> {
        let values = self.forward()?;
        let count = self.nodes.len();
        let mut gradients = vec![0.0; count];
        gradients[count - 1] = 1.0;
        let mut steps = Vec::with_capacity(count);
        for (index, node) in self.nodes.iter().enumerate().rev() {
            let upstream = gradients[index];
            let inputs: Vec<f64> = node.inputs.iter().map(|&i| values[i]).collect();
            let locals = node.op.local_gradients(&inputs, values[index]);
            let mut sends = Vec::with_capacity(locals.len());
            for (&input, &local) in node.inputs.iter().zip(&locals) {
                let sent = local * upstream;
                gradients[input] += sent;
                sends.push((input, local, sent));
            }
            steps.push(BackwardStep {
                node: index,
                upstream,
                sends,
                rule: node.op.rule(),
            });
        }
        Ok(Evaluation {
            values,
            gradients,
            steps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, op: ScalarOp, inputs: &[usize]) -> ScalarNode {
        ScalarNode {
            id: id.to_owned(),
            op,
            inputs: inputs.to_vec(),
        }
    }

    /// The notes' f = (x + y)·z.
    fn notes_example() -> ScalarGraph {
        ScalarGraph {
            nodes: vec![
                node("x", ScalarOp::Input { value: -2.0 }, &[]),
                node("y", ScalarOp::Input { value: 5.0 }, &[]),
                node("z", ScalarOp::Input { value: -4.0 }, &[]),
                node("q", ScalarOp::Add, &[0, 1]),
                node("f", ScalarOp::Multiply, &[3, 2]),
            ],
        }
    }

    #[test]
    fn the_notes_example_gives_minus_twelve_and_its_gradients() {
        let evaluation = notes_example().evaluate().unwrap();
        assert_eq!(evaluation.values, [-2.0, 5.0, -4.0, 3.0, -12.0]);
        // ∂f/∂x, ∂f/∂y, ∂f/∂z, ∂f/∂q, ∂f/∂f
        assert_eq!(evaluation.gradients, [-4.0, -4.0, 3.0, -4.0, 1.0]);
        // The first step is the multiplication: z gets q·1 = 3, q gets z·1 = −4.
        let first = &evaluation.steps[0];
        assert_eq!(first.node, 4);
        assert_eq!(first.sends, [(3, -4.0, -4.0), (2, 3.0, 3.0)]);
        assert!(first.rule.starts_with("multiplication"));
        let second = &evaluation.steps[1];
        assert_eq!(second.sends, [(0, 1.0, -4.0), (1, 1.0, -4.0)]);
        assert!(second.rule.starts_with("addition"));
    }

    #[test]
    fn every_operation_matches_finite_differences() {
        let unary = [
            ScalarOp::Exp,
            ScalarOp::Log,
            ScalarOp::Power { exponent: 3.0 },
            ScalarOp::Sigmoid,
            ScalarOp::Tanh,
            ScalarOp::Relu,
        ];
        let binary = [
            ScalarOp::Add,
            ScalarOp::Subtract,
            ScalarOp::Multiply,
            ScalarOp::Divide,
            ScalarOp::Max,
        ];
        let h = 1e-6;
        for op in unary {
            let a = 0.7;
            let output = op.value(&[a]);
            let numeric = (op.value(&[a + h]) - op.value(&[a - h])) / (2.0 * h);
            let analytic = op.local_gradients(&[a], output)[0];
            assert!(
                (numeric - analytic).abs() < 1e-6,
                "{op:?}: {numeric} vs {analytic}"
            );
        }
        for op in binary {
            let (a, b) = (1.3, -0.6);
            let output = op.value(&[a, b]);
            let locals = op.local_gradients(&[a, b], output);
            let da = (op.value(&[a + h, b]) - op.value(&[a - h, b])) / (2.0 * h);
            let db = (op.value(&[a, b + h]) - op.value(&[a, b - h])) / (2.0 * h);
            assert!(
                (da - locals[0]).abs() < 1e-6,
                "{op:?} ∂a: {da} vs {}",
                locals[0]
            );
            assert!(
                (db - locals[1]).abs() < 1e-6,
                "{op:?} ∂b: {db} vs {}",
                locals[1]
            );
        }
    }

    #[test]
    fn a_value_used_twice_sums_its_gradients() {
        // f = x·x at x = 3: ∂f/∂x = 2x = 6.
        let graph = ScalarGraph {
            nodes: vec![
                node("x", ScalarOp::Input { value: 3.0 }, &[]),
                node("f", ScalarOp::Multiply, &[0, 0]),
            ],
        };
        let evaluation = graph.evaluate().unwrap();
        assert_eq!(evaluation.values[1], 9.0);
        assert_eq!(evaluation.gradients[0], 6.0);
    }

    #[test]
    fn wrong_arity_and_order_are_refused_with_the_node() {
        let graph = ScalarGraph {
            nodes: vec![
                node("x", ScalarOp::Input { value: 1.0 }, &[]),
                node("f", ScalarOp::Add, &[0]),
            ],
        };
        assert_eq!(
            graph.validate(),
            Err(ScalarGraphError::Arity {
                node: "f".to_owned(),
                op: "add",
                expected: 2,
                found: 1
            })
        );
        let cyclic = ScalarGraph {
            nodes: vec![node("f", ScalarOp::Exp, &[0])],
        };
        assert_eq!(
            cyclic.validate(),
            Err(ScalarGraphError::Order {
                node: "f".to_owned()
            })
        );
        assert_eq!(
            ScalarGraph::default().validate(),
            Err(ScalarGraphError::Empty)
        );
    }
}
