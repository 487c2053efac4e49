//! Convolutional networks in the window: a convolution's filters and the feature maps of
//! the example in Try it, checked against the engine's values; the step-through window's
//! images channel by channel.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use common::{harness_on, run_until};
use egui_kittest::kittest::Queryable;

#[test]
fn a_convolution_shows_its_filters_and_the_feature_maps_of_the_first_test_image() {
    let mut harness = harness_on("digits-cnn.json");
    run_until(&mut harness, "the feature maps", |app| {
        app.training()
            .probe()
            .is_some_and(|p| !p.feature_maps.is_empty())
            && app.training().insight.feature_maps.has_maps("conv")
    });
    harness.run_steps(2);
    harness.get_by_label("conv, filters 1");
    harness.get_by_label("conv, feature maps 16");
    // The second convolution's 32 maps: the first 16 drawn, the rest counted.
    harness.get_by_label("conv2, feature maps 16");
    assert!(harness.query_by_label("conv2, feature maps 17").is_none());
    // Counted for conv2's filters and maps and pool2's maps.
    assert_eq!(harness.query_all_by_label("+16 more").count(), 3);
    harness.get_by_label("pool, feature maps 1");
    // The maps are the engine's own values for that image with the untrained weights.
    let app = harness.state();
    let graph = app.network().compiled().unwrap().graph.clone().unwrap();
    let dataset = app.network().compiled().unwrap().dataset.clone().unwrap();
    let row = dataset.inputs.row(graph.data.test_indices[0]).to_owned();
    let inputs = graph
        .data
        .description
        .encode_inputs(row.insert_axis(ndarray::Axis(0)).view())
        .unwrap();
    let mut session = graph.session(layerwright_nn::Precision::F32).unwrap();
    let values = session.node_values(inputs.view()).unwrap();
    let probe = app.training().probe().unwrap();
    let (name, size, maps) = &probe.feature_maps[0];
    assert_eq!(name, "conv");
    assert_eq!((size.channels, size.height, size.width), (16, 8, 8));
    assert_eq!(maps, &values.nodes[1].row(0).to_vec());
}

#[test]
fn stepping_through_a_convolutional_network_shows_its_images_channel_by_channel() {
    use layerwright::commands::{Action, Command};
    let mut harness = harness_on("digits-cnn.json");
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .apply(&ctx, Command::Action(Action::StepThrough));
    run_until(&mut harness, "the pass", |app| {
        app.learn().step_through.result.is_some()
    });
    // input, conv, pool: three steps forward.
    for _ in 0..3 {
        harness.get_by_label("Step").click();
        harness.run_steps(2);
    }
    harness.get_by_label("input, channel 1");
    harness.get_by_label("conv, channel 8");
    // conv and pool have 16 channels each: 8 drawn, 8 counted.
    assert_eq!(harness.query_all_by_label("+8 channels").count(), 2);
    harness.get_by_label("pool, channel 1");
    assert!(
        harness.query_by_label("flatten, channel 1").is_none(),
        "flatten gives a vector"
    );
    let result = harness
        .state()
        .learn()
        .step_through
        .result
        .clone()
        .unwrap()
        .unwrap();
    let sizes: Vec<Option<usize>> = result
        .images
        .iter()
        .map(|i| i.map(|i| i.channels))
        .collect();
    assert_eq!(
        sizes[..6],
        [Some(1), Some(16), Some(16), Some(32), Some(32), None]
    );
}
