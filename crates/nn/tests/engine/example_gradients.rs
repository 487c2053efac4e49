//! Back-propagation agrees with central finite differences (f64) on every example network
//! trained by gradient descent, from its initial weights, on a few training examples: what
//! the app's Gradient check button reports.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::graph::io::load_document;
use layerwright_nn::teach::gradient_check::{gradient_check, gradient_check_while};

use crate::common::network_examples;

#[test]
fn every_example_network_passes_the_gradient_check() {
    for path in network_examples() {
        let document = load_document(&path).unwrap();
        let dataset = load_dataset(&document.dataset, path.parent()).unwrap();
        let compiled = compile(&document, &dataset).unwrap();
        if compiled.architecture.head().loss == layerwright_nn::Loss::Perceptron {
            // The perceptron rule passes ŷ − y straight through the step: an update rule,
            // not the gradient of its loss (which is flat almost everywhere), so finite
            // differences do not apply. The app says so instead of checking.
            continue;
        }
        let rows = compiled.data.train.len().min(4);
        let first = compiled.data.train.rows_in_f64(0..rows);
        let check = gradient_check(
            &compiled.architecture,
            &compiled.initial,
            first.inputs.view(),
            first.targets.view(),
            None,
        );
        let worst = check.max_relative_error();
        println!("{}: largest relative error {worst:.1e}", path.display());
        assert!(worst < 1e-6, "{}: {worst:e}", path.display());
    }
}

#[test]
fn a_check_reports_its_progress_and_stops_when_asked() {
    let path = network_examples()
        .into_iter()
        .find(|p| p.ends_with("xor.json"))
        .unwrap();
    let document = load_document(&path).unwrap();
    let dataset = load_dataset(&document.dataset, path.parent()).unwrap();
    let compiled = compile(&document, &dataset).unwrap();
    let total = compiled.architecture.parameter_count();
    let first = compiled.data.train.rows_in_f64(0..1);
    let (inputs, targets) = (first.inputs.view(), first.targets.view());
    // Every parameter is reported before it is nudged: 0, 1, …, total − 1 of `total`.
    let seen = std::cell::RefCell::new(Vec::new());
    let finished = gradient_check_while(
        &compiled.architecture,
        &compiled.initial,
        inputs,
        targets,
        None,
        &|done, of| {
            seen.borrow_mut().push((done, of));
            true
        },
    )
    .unwrap();
    let expected: Vec<(usize, usize)> = (0..total).map(|done| (done, total)).collect();
    assert_eq!(*seen.borrow(), expected);
    let whole = gradient_check(
        &compiled.architecture,
        &compiled.initial,
        inputs,
        targets,
        None,
    );
    assert_eq!(finished, whole, "the same check as without progress");
    // Told to stop after three parameters, it stops there and returns nothing.
    let asked = std::cell::Cell::new(0);
    let stopped = gradient_check_while(
        &compiled.architecture,
        &compiled.initial,
        inputs,
        targets,
        None,
        &|done, _| {
            asked.set(asked.get() + 1);
            done < 3
        },
    );
    assert!(stopped.is_none());
    assert_eq!(
        asked.get(),
        4,
        "asked before each of the first three, then told to stop"
    );
}
