//! The inspector's Summary tab: a row per node with the parameters counted by hand, and
//! what it says while the graph does not compile.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use common::{harness_on, run_until};
use egui_kittest::kittest::Queryable;

#[test]
fn the_summary_tab_lists_every_node_and_the_learned_parameters_of_the_cnn() {
    let mut harness = harness_on("digits-cnn.json");
    harness.get_by_label("Summary").click();
    harness.run_steps(2);
    for id in [
        "input", "conv", "pool", "conv2", "pool2", "flatten", "hidden", "output",
    ] {
        assert!(
            harness.query_all_by_label(id).count() >= 1,
            "a row for '{id}'"
        );
    }
    // conv2's shape per example.
    harness.get_by_label("[32, 4, 4]");
    // conv2: 32 filters of 16 × 3 × 3 and 32 biases.
    harness.get_by_label("4640");
    harness.get_by_label("Total: 13706 parameters");
    // Back to the overview.
    harness.get_by_label("Overview").click();
    harness.run_steps(2);
    harness.get_by_label("13706 trainable parameters");
}

#[test]
fn the_summary_tab_waits_for_a_graph_that_compiles() {
    use layerwright::commands::Command;
    use layerwright::document::graph::Edit;
    let mut harness = harness_on("iris.json");
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(
        &ctx,
        Command::Edit(Edit::Disconnect {
            from: "hidden".to_owned(),
            to: "output".to_owned(),
            port: "in".to_owned(),
        }),
    );
    run_until(&mut harness, "the compile", |app| {
        !app.network().is_compiling()
    });
    harness.get_by_label("Summary").click();
    harness.run_steps(2);
    harness.get_by_label(
        "The summary appears once the graph compiles: see Overview for what stops it.",
    );
}
