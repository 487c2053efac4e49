//! Every activation, loss and operation agrees with central finite differences in f64
//! (relative error below 1e-6), including PReLU's learned slopes, RReLU's random slopes,
//! dropout, and a DAG where one tensor feeds several nodes through add and concat.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::math::losses::loss_and_gradient;
use layerwright_nn::teach::gradient_check::{gradient_check, relative_error};
use layerwright_nn::{
    Activation, Architecture, ArchitectureBuilder, DenseSpec, Loss, OutputFunction, OutputSpec,
    Reduction, SplitMix64,
};
use ndarray::Array2;

const TOLERANCE: f64 = 1e-6;

fn random_matrix(rows: usize, columns: usize, scale: f64, rng: &mut SplitMix64) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, columns), || rng.uniform(-scale, scale))
}

/// A point at least `margin` away from 0, where the leaky family, ReLU and step have kinks.
fn away_from_zero(rng: &mut SplitMix64, scale: f64, margin: f64) -> f64 {
    loop {
        let z = rng.uniform(-scale, scale);
        if z.abs() > margin {
            return z;
        }
    }
}

#[test]
fn every_activation_derivative_matches_finite_differences() {
    let mut rng = SplitMix64::new(11);
    let h = 1e-6;
    for activation in Activation::ALL {
        let mut worst: f64 = 0.0;
        for _ in 0..200 {
            let z = away_from_zero(&mut rng, 4.0, 1e-3);
            let y = activation.value(z);
            let analytic = activation.derivative(z, y);
            let numeric = (activation.value(z + h) - activation.value(z - h)) / (2.0 * h);
            worst = worst.max(relative_error(analytic, numeric));
        }
        assert!(
            worst < TOLERANCE,
            "{}: worst relative error {worst:e}",
            activation.name()
        );
    }
}

#[test]
fn every_fitting_loss_gradient_matches_finite_differences() {
    let mut rng = SplitMix64::new(12);
    let h = 1e-6;
    for output in [
        OutputFunction::Identity,
        OutputFunction::Sigmoid,
        OutputFunction::Softmax,
    ] {
        for &loss in output.fitting_losses() {
            for reduction in [Reduction::Mean, Reduction::Sum] {
                let logits = random_matrix(5, 3, 3.0, &mut rng);
                let targets = match output {
                    OutputFunction::Softmax => {
                        Array2::from_shape_fn((5, 3), |(r, c)| if r % 3 == c { 1.0 } else { 0.0 })
                    }
                    OutputFunction::Sigmoid => {
                        Array2::from_shape_fn((5, 3), |(r, c)| ((r + c) % 2) as f64)
                    }
                    _ => random_matrix(5, 3, 2.0, &mut rng),
                };
                let mut analytic = Array2::zeros((5, 3));
                loss_and_gradient(
                    output,
                    loss,
                    reduction,
                    logits.view(),
                    targets.view(),
                    Some(analytic.view_mut()),
                );
                let value = |logits: &Array2<f64>| {
                    loss_and_gradient(output, loss, reduction, logits.view(), targets.view(), None)
                };
                for r in 0..5 {
                    for c in 0..3 {
                        let mut above = logits.clone();
                        above[[r, c]] += h;
                        let mut below = logits.clone();
                        below[[r, c]] -= h;
                        let numeric = (value(&above) - value(&below)) / (2.0 * h);
                        let error = relative_error(analytic[[r, c]], numeric);
                        assert!(
                            error < TOLERANCE,
                            "{} with {} ({reduction:?}) at [{r}, {c}]: backprop {} vs {numeric} ({error:e})",
                            loss.name(),
                            output.name(),
                            analytic[[r, c]]
                        );
                    }
                }
            }
        }
    }
}

/// Checks a network's gradients on random data and returns the worst relative error.
fn check_network(architecture: &Architecture, training_seed: Option<u64>, seed: u64) -> f64 {
    let mut rng = SplitMix64::new(seed);
    let inputs = random_matrix(6, architecture.input_width(), 1.5, &mut rng);
    let width = architecture.output_width();
    let head = architecture.head();
    let targets = match head.output_function {
        OutputFunction::Softmax => {
            Array2::from_shape_fn((6, width), |(r, c)| if r % width == c { 1.0 } else { 0.0 })
        }
        OutputFunction::Sigmoid => Array2::from_shape_fn((6, width), |(r, _)| (r % 2) as f64),
        _ => random_matrix(6, width, 1.0, &mut rng),
    };
    // Start from a random point, not the Glorot draw alone: biases and slopes nonzero too.
    let mut parameters = architecture.initial_parameters(seed);
    for tensor in &mut parameters.tensors {
        tensor.mapv_inplace(|v| v + rng.uniform(-0.3, 0.3));
    }
    let check = gradient_check(
        architecture,
        &parameters,
        inputs.view(),
        targets.view(),
        training_seed,
    );
    for parameter in &check.parameters {
        assert!(
            parameter.max_relative_error < TOLERANCE,
            "{} {:?}: relative error {:e}",
            parameter.node,
            parameter.role,
            parameter.max_relative_error
        );
    }
    check.max_relative_error()
}

fn two_layer(activation: Activation, output: OutputSpec) -> Architecture {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 3).unwrap();
    let h1 = builder
        .dense("h1", x, DenseSpec::new(5, activation))
        .unwrap();
    let h2 = builder
        .dense("h2", h1, DenseSpec::new(4, activation))
        .unwrap();
    builder.output("out", h2, output).unwrap()
}

#[test]
fn networks_of_every_smooth_activation_pass_the_gradient_check() {
    // Step and ReLU-like kinks are exercised too; the random inputs keep away from them
    // with overwhelming probability.
    for activation in Activation::ALL {
        let output = OutputSpec::new(2, OutputFunction::Identity, Loss::SquaredError);
        let architecture = two_layer(activation, output);
        check_network(&architecture, None, 21);
    }
}

#[test]
fn prelu_slopes_are_learned_with_the_right_gradient() {
    let output = OutputSpec::new(3, OutputFunction::Softmax, Loss::SoftmaxCrossEntropy);
    let architecture = two_layer(Activation::PRELU, output);
    let slope_parameters = architecture
        .parameters()
        .iter()
        .filter(|p| p.role == layerwright_nn::network::architecture::ParameterRole::Slopes)
        .count();
    assert_eq!(slope_parameters, 2, "one slope vector per PReLU layer");
    check_network(&architecture, None, 22);
}

#[test]
fn rrelu_back_propagates_through_the_slopes_it_drew_while_training() {
    let output = OutputSpec::new(1, OutputFunction::Sigmoid, Loss::BinaryCrossEntropy);
    let architecture = two_layer(Activation::RRELU, output);
    check_network(&architecture, Some(5), 23);
}

#[test]
fn every_output_and_loss_pair_passes_the_gradient_check_through_a_network() {
    for output in [
        OutputFunction::Identity,
        OutputFunction::Sigmoid,
        OutputFunction::Softmax,
    ] {
        for &loss in output.fitting_losses() {
            for reduction in [Reduction::Mean, Reduction::Sum] {
                let mut spec = OutputSpec::new(3, output, loss);
                spec.reduction = reduction;
                check_network(&two_layer(Activation::Tanh, spec), None, 24);
            }
        }
    }
}

/// x → a → {b, c}; add(b, c) → s; concat(s, a) → j; dropout(j) → d; d → out.
/// `a` feeds three nodes (b, c and the concat), so its gradient is a sum of three paths.
fn dag(dropout_rate: f64) -> Architecture {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 3).unwrap();
    let a = builder
        .dense("a", x, DenseSpec::new(4, Activation::Tanh))
        .unwrap();
    let b = builder
        .dense("b", a, DenseSpec::new(5, Activation::Sigmoid))
        .unwrap();
    let c = builder
        .dense("c", a, DenseSpec::new(5, Activation::Gelu))
        .unwrap();
    let s = builder.add("s", &[b, c]).unwrap();
    let j = builder.concat("j", &[s, a]).unwrap();
    let d = builder.dropout("d", j, dropout_rate).unwrap();
    let output = OutputSpec::new(2, OutputFunction::Softmax, Loss::SoftmaxCrossEntropy);
    builder.output("out", d, output).unwrap()
}

#[test]
fn a_dag_with_fan_out_add_and_concat_passes_the_gradient_check() {
    let architecture = dag(0.0);
    assert_eq!(architecture.node(layerwright_nn::NodeId(5)).width, 9);
    check_network(&architecture, None, 31);
}

#[test]
fn dropout_back_propagates_through_its_mask_while_training() {
    check_network(&dag(0.4), Some(8), 32);
}

#[test]
fn an_add_of_a_tensor_with_itself_doubles_its_gradient() {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input("x", 2).unwrap();
    let a = builder
        .dense("a", x, DenseSpec::new(3, Activation::Swish))
        .unwrap();
    let twice = builder.add("twice", &[a, a]).unwrap();
    let output = OutputSpec::new(1, OutputFunction::Identity, Loss::HalfSquaredError);
    let architecture = builder.output("out", twice, output).unwrap();
    check_network(&architecture, None, 33);
}
