//! Back-propagation checked against central finite differences, in `f64`.

use ndarray::ArrayView2;

use crate::math::rng::SplitMix64;
use crate::network::architecture::{Architecture, ParameterRole, ParameterSet};
use crate::network::model::{Mode, Workspace, loss_and_gradients, loss_only};

/// The finite-difference step `h` used by [`gradient_check`]: small enough for the
/// `O(h²)` truncation error, large enough that rounding (`~ε/h`) stays far below it.
pub const STEP: f64 = 1e-5;

/// Gradients below this size are compared by absolute error divided by it, rather than
/// relative error. The central difference itself carries rounding noise of about
/// `ε·|L|/h ≈ 1e-11` (f64, `h = 1e-5`, a loss near 1); against a gradient of `1e-7` that
/// noise alone would read as a relative error of `1e-4`. Scaled by `1e-4` it reads as
/// `1e-7`, while a wrong derivative (an error of `1e-6` or more) still reads as `1e-2`.
/// Found by the property tests: a GELU layer whose gradient was `2.6e-7` agreed with the
/// central difference to `2.2e-11`, the noise level.
pub const RELATIVE_FLOOR: f64 = 1e-4;

/// How backprop and finite differences agree on one parameter tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct ParameterCheck {
    /// The document id of the layer that owns the tensor.
    pub node: String,
    /// Its role (weights, bias, slopes).
    pub role: ParameterRole,
    /// The largest `|a − n| / max(|a|, |n|, RELATIVE_FLOOR)` over its elements,
    /// with `a` from backprop and `n = (L(θ+h) − L(θ−h)) / 2h`.
    pub max_relative_error: f64,
}

/// The result of [`gradient_check`]: one entry per parameter tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientCheck {
    /// Per parameter tensor, in the architecture's order.
    pub parameters: Vec<ParameterCheck>,
}

impl GradientCheck {
    /// The largest relative error over every parameter.
    pub fn max_relative_error(&self) -> f64 {
        self.parameters
            .iter()
            .map(|p| p.max_relative_error)
            .fold(0.0, f64::max)
    }
}

/// The relative error of `analytic` against `numeric`, floored at [`RELATIVE_FLOOR`].
pub fn relative_error(analytic: f64, numeric: f64) -> f64 {
    (analytic - numeric).abs() / analytic.abs().max(numeric.abs()).max(RELATIVE_FLOOR)
}

/// Compares `∂L/∂θ` from back-propagation with central differences for every parameter,
/// on `inputs: [n, input_width]` and `targets: [n, output_width]`.
///
/// With `training_seed`, dropout masks and RReLU slopes are drawn in training mode from a
/// generator seeded afresh for every evaluation, so every evaluation sees the same draws.
pub fn gradient_check(
    architecture: &Architecture,
    parameters: &ParameterSet<f64>,
    inputs: ArrayView2<f64>,
    targets: ArrayView2<f64>,
    training_seed: Option<u64>,
) -> GradientCheck {
    let everything = |_: usize, _: usize| true;
    let checked = gradient_check_while(
        architecture,
        parameters,
        inputs,
        targets,
        training_seed,
        &everything,
    );
    // `everything` never stops the check, so it always finishes.
    checked.unwrap_or(GradientCheck {
        parameters: Vec::new(),
    })
}

/// [`gradient_check`] that can be stopped: before nudging each parameter it calls
/// `keep_going(done, total)` with the parameters checked so far and how many there are,
/// and returns `None` as soon as that says false.
pub fn gradient_check_while(
    architecture: &Architecture,
    parameters: &ParameterSet<f64>,
    inputs: ArrayView2<f64>,
    targets: ArrayView2<f64>,
    training_seed: Option<u64>,
    keep_going: &dyn Fn(usize, usize) -> bool,
) -> Option<GradientCheck> {
    let mut workspace = Workspace::new(architecture, inputs.nrows());
    let evaluate =
        |parameters: &ParameterSet<f64>, workspace: &mut Workspace<f64>, backward: bool| {
            let mut rng = SplitMix64::new(training_seed.unwrap_or(0));
            let mode = if training_seed.is_some() {
                Mode::Training(&mut rng)
            } else {
                Mode::Inference
            };
            if backward {
                loss_and_gradients(architecture, parameters, inputs, targets, mode, workspace)
            } else {
                loss_only(architecture, parameters, inputs, targets, mode, workspace)
            }
        };
    evaluate(parameters, &mut workspace, true);
    let analytic = workspace.parameter_gradients().clone();
    let mut probe = parameters.clone();
    let total = architecture.parameter_count();
    let mut done = 0;
    let mut checks = Vec::with_capacity(architecture.parameters().len());
    for (index, info) in architecture.parameters().iter().enumerate() {
        if !info.role.is_learned() {
            // Running statistics have no gradient: training steps move them, not descent.
            continue;
        }
        let mut worst: f64 = 0.0;
        for flat in 0..probe.tensors[index].len() {
            if !keep_going(done, total) {
                return None;
            }
            done += 1;
            let (row, column) = (flat / info.shape.1, flat % info.shape.1);
            let original = probe.tensors[index][[row, column]];
            probe.tensors[index][[row, column]] = original + STEP;
            let above = evaluate(&probe, &mut workspace, false);
            probe.tensors[index][[row, column]] = original - STEP;
            let below = evaluate(&probe, &mut workspace, false);
            probe.tensors[index][[row, column]] = original;
            let numeric = (above - below) / (2.0 * STEP);
            worst = worst.max(relative_error(
                analytic.tensors[index][[row, column]],
                numeric,
            ));
        }
        checks.push(ParameterCheck {
            node: architecture.node(info.node).name.clone(),
            role: info.role,
            max_relative_error: worst,
        });
    }
    Some(GradientCheck { parameters: checks })
}
