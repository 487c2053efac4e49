//! The node editor driven headless through egui_kittest, as a person would use it: palette
//! buttons, keys, the inspector's labelled fields, clicks on nodes and wires dragged from
//! pin to pin with pointer events (the editor reports where it drew each pin).
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use layerwright::app::{LayerwrightApp, OpenedDocument};
use layerwright::commands::Command;
use layerwright::document::graph::Edit;
use layerwright_nn::graph::{GraphDocument, Node};

fn harness() -> Harness<'static, LayerwrightApp> {
    let app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut LayerwrightApp| app.show(ui), app);
    harness.run_steps(3);
    harness
}

fn document(harness: &Harness<'_, LayerwrightApp>) -> GraphDocument {
    harness.state().editor().document.document().clone()
}

fn ids(harness: &Harness<'_, LayerwrightApp>) -> Vec<String> {
    document(harness)
        .nodes
        .iter()
        .map(|n| n.id().to_owned())
        .collect()
}

fn apply(harness: &mut Harness<'_, LayerwrightApp>, edit: Edit) {
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(&ctx, Command::Edit(edit));
    harness.run_steps(2);
}

fn select(harness: &mut Harness<'_, LayerwrightApp>, ids: &[&str]) {
    harness.state_mut().editor_mut().selected = ids.iter().map(|s| (*s).to_owned()).collect();
    harness.run_steps(2);
}

#[test]
fn the_default_example_is_on_the_canvas() {
    let harness = harness();
    assert_eq!(ids(&harness), ["input", "hidden1", "hidden2", "output"]);
    harness.get_by_label("hidden1");
    harness.get_by_label("The graph is valid and ready to train.");
    harness.get_by_label("145 trainable parameters");
}

#[test]
fn a_palette_click_adds_a_node_to_the_document() {
    let mut harness = harness();
    harness.get_by_label("Dense").click();
    harness.run_steps(3);
    assert_eq!(
        ids(&harness),
        ["input", "hidden1", "hidden2", "output", "dense1"]
    );
    let document = document(&harness);
    let position = document.view.as_ref().unwrap().positions["dense1"];
    assert!(position.iter().all(|v| v.is_finite()));
}

#[test]
fn connecting_two_nodes_adds_a_wire() {
    let mut harness = harness();
    harness.get_by_label("Dense").click();
    harness.run_steps(2);
    apply(
        &mut harness,
        Edit::Connect {
            from: "hidden2".into(),
            to: "dense1".into(),
            port: "in".into(),
        },
    );
    let document = document(&harness);
    assert!(
        document
            .edges
            .iter()
            .any(|e| e.from == "hidden2.out" && e.to == "dense1.in")
    );
}

#[test]
fn connecting_into_an_occupied_input_replaces_the_wire_in_one_undo_step() {
    let mut harness = harness();
    let before = document(&harness);
    apply(
        &mut harness,
        Edit::Connect {
            from: "input".into(),
            to: "hidden2".into(),
            port: "in".into(),
        },
    );
    let after = document(&harness);
    let into_hidden2: Vec<_> = after
        .edges
        .iter()
        .filter(|e| e.to == "hidden2.in")
        .collect();
    assert_eq!(into_hidden2.len(), 1);
    assert_eq!(into_hidden2[0].from, "input.out");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(document(&harness), before);
}

#[test]
fn a_cycle_is_refused_with_the_reason_shown() {
    let mut harness = harness();
    let before = document(&harness);
    apply(
        &mut harness,
        Edit::Connect {
            from: "hidden2".into(),
            to: "hidden1".into(),
            port: "in".into(),
        },
    );
    assert_eq!(document(&harness), before, "the document is unchanged");
    harness.get_by_label("Refused: connecting 'hidden2' to 'hidden1' would make a cycle: 'hidden1' already feeds 'hidden2'");
}

#[test]
fn delete_undo_and_redo_restore_the_exact_document() {
    let mut harness = harness();
    let original = document(&harness);
    select(&mut harness, &["hidden1"]);
    harness.key_press(Key::Delete);
    harness.run_steps(2);
    let deleted = document(&harness);
    assert_eq!(ids(&harness), ["input", "hidden2", "output"]);
    assert!(
        deleted
            .edges
            .iter()
            .all(|e| !e.from.starts_with("hidden1") && !e.to.starts_with("hidden1"))
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(document(&harness), original);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run_steps(2);
    assert_eq!(document(&harness), deleted);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run_steps(2);
    assert_eq!(document(&harness), deleted, "Ctrl+Y redoes too");
}

#[test]
fn units_change_in_the_inspector() {
    let mut harness = harness();
    select(&mut harness, &["hidden1"]);
    harness.get_by_label("dense node");
    let units = harness.get_by_label("Units");
    units.focus();
    harness.run_steps(2);
    let units = harness.get_by_label("Units");
    units.type_text("12");
    harness.run_steps(1);
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    let document = document(&harness);
    let Some(Node::Dense(dense)) = document.node("hidden1") else {
        panic!("hidden1 is a dense node")
    };
    assert_eq!(dense.units, 12);
    harness.get_by_label("Output shape: [batch, 12]");
}

#[test]
fn copy_and_paste_give_new_ids_and_keep_the_wire_between_copies() {
    let mut harness = harness();
    select(&mut harness, &["hidden1", "hidden2"]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::C);
    harness.run_steps(1);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::V);
    harness.run_steps(2);
    assert_eq!(
        ids(&harness),
        [
            "input", "hidden1", "hidden2", "output", "hidden3", "hidden4"
        ]
    );
    let document = document(&harness);
    assert!(
        document
            .edges
            .iter()
            .any(|e| e.from == "hidden3.out" && e.to == "hidden4.in")
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::D);
    harness.run_steps(2);
    assert_eq!(ids(&harness).len(), 8, "Ctrl+D duplicates the selection");
}

#[test]
fn the_add_menu_finds_relu_and_enter_adds_it() {
    let mut harness = harness();
    harness.key_press(Key::A);
    harness.run_steps(2);
    harness.get_by_label("Add node");
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text("relu");
    harness.run_steps(1);
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    let document = document(&harness);
    let Some(Node::Dense(dense)) = document.node("dense1") else {
        panic!("a dense node was added: {:?}", ids(&harness))
    };
    assert_eq!(dense.activation, layerwright_nn::Activation::Relu);
}

#[test]
fn connect_selected_wires_the_first_into_the_second() {
    let mut harness = harness();
    harness.get_by_label("Concat").click();
    harness.run_steps(2);
    select(&mut harness, &["hidden1", "concat1"]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    harness.run_steps(2);
    let document = document(&harness);
    assert!(
        document
            .edges
            .iter()
            .any(|e| e.from == "hidden1.out" && e.to == "concat1.in0")
    );
}

/// Types into the add menu and presses Enter.
fn add_by_keyboard(harness: &mut Harness<'_, LayerwrightApp>, query: &str) {
    harness.key_press(Key::A);
    harness.run_steps(2);
    harness.get_by_label("Search").type_text(query);
    harness.run_steps(1);
    harness.key_press(Key::Enter);
    harness.run_steps(3);
}

#[test]
fn a_network_is_built_from_an_empty_canvas_by_keyboard_alone() {
    let mut harness = harness();
    let everything = ids(&harness);
    apply(&mut harness, Edit::DeleteNodes(everything));
    assert!(ids(&harness).is_empty());
    add_by_keyboard(&mut harness, "input");
    add_by_keyboard(&mut harness, "tanh");
    add_by_keyboard(&mut harness, "output (sigmoid");
    assert_eq!(ids(&harness), ["input1", "dense1", "output1"]);
    let document = document(&harness);
    let wires: Vec<(&str, &str)> = document
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str()))
        .collect();
    assert_eq!(
        wires,
        [("input1.out", "dense1.in"), ("dense1.out", "output1.in")]
    );
    harness.get_by_label("valid");
    // [ and ] step through the nodes for the inspector.
    harness.key_press(Key::OpenBracket);
    harness.run_steps(2);
    assert_eq!(harness.state().editor().selected, ["dense1"]);
}

/// Presses the primary button at `from`, moves to `to` in steps, and releases it there.
fn drag(harness: &mut Harness<'_, LayerwrightApp>, from: egui::Pos2, to: egui::Pos2) {
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    harness.event(egui::Event::PointerMoved(from));
    harness.run_steps(1);
    harness.event(button(from, true));
    harness.run_steps(1);
    for step in 1..=8 {
        harness.event(egui::Event::PointerMoved(from.lerp(to, step as f32 / 8.0)));
        harness.run_steps(1);
    }
    harness.event(button(to, false));
    harness.run_steps(3);
}

/// Clicks node `id` where the editor drew it (holding `modifiers`).
fn click_node(harness: &mut Harness<'_, LayerwrightApp>, id: &str, modifiers: Modifiers) {
    let rect = harness.state().editor().node_screen_rect(id).unwrap();
    let pos = rect.center_top() + egui::vec2(0.0, 8.0);
    harness.event(egui::Event::PointerMoved(pos));
    harness.run_steps(1);
    for pressed in [true, false] {
        harness.event_modifiers(
            egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers,
            },
            modifiers,
        );
    }
    harness.run_steps(2);
}

/// Drags a wire from `from`'s output pin to `to`'s input pin `port`.
fn drag_wire(harness: &mut Harness<'_, LayerwrightApp>, from: &str, to: &str, port: usize) {
    let editor = harness.state().editor();
    let start = editor.pin_screen_position(from, None).unwrap();
    let end = editor.pin_screen_position(to, Some(port)).unwrap();
    drag(harness, start, end);
}

fn edges(harness: &Harness<'_, LayerwrightApp>) -> Vec<(String, String)> {
    document(harness)
        .edges
        .iter()
        .map(|e| (e.from.clone(), e.to.clone()))
        .collect()
}

#[test]
fn a_network_is_built_from_an_empty_canvas_by_mouse_alone() {
    let mut harness = harness();
    let everything = ids(&harness);
    apply(&mut harness, Edit::DeleteNodes(everything));
    // The palette wires a new node after the selected one (the last added): in this order
    // nothing can be wired (an output feeds nothing, an input takes nothing).
    for kind in ["Output", "Dense", "Input"] {
        harness.get_by_label(kind).click();
        harness.run_steps(2);
    }
    assert_eq!(ids(&harness), ["output1", "dense1", "input1"]);
    assert!(edges(&harness).is_empty());
    // Nodes are selected by clicking them, Shift+click adds to the selection.
    click_node(&mut harness, "dense1", Modifiers::NONE);
    assert_eq!(harness.state().editor().selected, ["dense1"]);
    click_node(&mut harness, "output1", Modifiers::SHIFT);
    assert_eq!(harness.state().editor().selected, ["dense1", "output1"]);
    // Wires are dragged from an output pin to an input pin.
    drag_wire(&mut harness, "input1", "dense1", 0);
    drag_wire(&mut harness, "dense1", "output1", 0);
    assert_eq!(
        edges(&harness),
        [
            ("input1.out".to_owned(), "dense1.in".to_owned()),
            ("dense1.out".to_owned(), "output1.in".to_owned())
        ]
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while harness.state().network().is_compiling() {
        assert!(std::time::Instant::now() < deadline);
        harness.run_steps(1);
    }
    harness.run_steps(2);
    harness.get_by_label("valid");
}

#[test]
fn a_wire_dragged_into_a_cycle_is_refused_by_the_pointer_and_changes_nothing() {
    let mut harness = harness();
    // The spiral: input → hidden1 → hidden2 → output.
    let before = document(&harness);
    drag_wire(&mut harness, "hidden2", "hidden1", 0);
    harness.get_by_label(
        "Refused: 'hidden1' already feeds 'hidden2', so this wire would make a cycle.",
    );
    assert_eq!(document(&harness), before, "the graph is unchanged");
    drag_wire(&mut harness, "hidden1", "hidden1", 0);
    harness.get_by_label("A node cannot feed itself.");
    assert_eq!(document(&harness), before, "the graph is unchanged");
    assert!(
        !harness.state().editor().document.can_undo(),
        "no undo step either"
    );
}

#[test]
fn a_right_click_on_the_canvas_opens_the_searchable_add_menu() {
    let mut harness = harness();
    let empty_spot = egui::pos2(700.0, 120.0);
    harness.hover_at(empty_spot);
    harness.run_steps(1);
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: empty_spot,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        harness.run_steps(1);
    }
    harness.run_steps(2);
    harness.get_by_label("Add node");
    harness.get_by_label("Search").type_text("concat");
    harness.run_steps(1);
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    assert!(
        ids(&harness).contains(&"concat1".to_owned()),
        "{:?}",
        ids(&harness)
    );
}

#[test]
fn a_palette_kind_clicked_with_a_node_selected_is_added_after_it_wired() {
    let mut harness = harness();
    click_node(&mut harness, "hidden2", Modifiers::NONE);
    assert_eq!(harness.state().editor().selected, ["hidden2"]);
    harness.get_by_label("Dropout").click();
    harness.run_steps(2);
    assert!(ids(&harness).contains(&"dropout1".to_owned()));
    assert!(
        edges(&harness).contains(&("hidden2.out".to_owned(), "dropout1.in".to_owned())),
        "{:?}",
        edges(&harness)
    );
    let positions = document(&harness).view.unwrap().positions;
    assert_eq!(positions["dropout1"][0], positions["hidden2"][0] + 230.0);
}

#[test]
fn a_batch_norm_from_the_palette_is_wired_edited_in_the_inspector_and_undone() {
    let mut harness = harness();
    click_node(&mut harness, "hidden1", Modifiers::NONE);
    harness.get_by_label("Batch norm").click();
    harness.run_steps(3);
    assert!(
        edges(&harness).contains(&("hidden1.out".to_owned(), "batch_norm1.in".to_owned())),
        "{:?}",
        edges(&harness)
    );
    let Some(Node::BatchNorm(added)) = document(&harness).node("batch_norm1").cloned() else {
        panic!("batch_norm1 is a batch-norm node")
    };
    assert_eq!(
        (added.epsilon, added.momentum),
        (1e-5, 0.1),
        "PyTorch's defaults"
    );
    assert_eq!(harness.state().editor().selected, ["batch_norm1"]);
    harness.get_by_label("Output shape: [batch, 8]");
    crate::common::set_value(&mut harness, "Momentum", 0.25);
    let Some(Node::BatchNorm(edited)) = document(&harness).node("batch_norm1").cloned() else {
        panic!("batch_norm1 is a batch-norm node")
    };
    assert_eq!(edited.momentum, 0.25);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    let Some(Node::BatchNorm(undone)) = document(&harness).node("batch_norm1").cloned() else {
        panic!("batch_norm1 is a batch-norm node")
    };
    assert_eq!(undone.momentum, 0.1);
}

#[test]
fn batch_norm_with_one_example_a_batch_is_an_error_on_its_node() {
    let mut harness = crate::common::harness_on("normalization.json");
    crate::common::set_value(&mut harness, "Batch size", 1.0);
    crate::common::run_until(&mut harness, "the compile", |app| {
        !app.network().is_compiling()
            && app
                .editor()
                .diagnostics()
                .node_errors
                .contains_key("batch_norm")
    });
    let errors = &harness.state().editor().diagnostics().node_errors["batch_norm"];
    assert!(
        errors
            .iter()
            .any(|e| e.contains("batch norm needs at least two examples a batch")),
        "{errors:?}"
    );
}

#[test]
fn a_convolution_from_the_palette_shows_its_image_shape_and_its_fields_undo() {
    let mut harness = crate::common::harness_on("digits-cnn.json");
    click_node(&mut harness, "pool", Modifiers::NONE);
    harness.get_by_label("Conv2D").click();
    harness.run_steps(3);
    // After the [16, 4, 4] pool: 8 filters 3 × 3 (the default), same size, so [batch, 8, 4, 4].
    assert!(
        edges(&harness).contains(&("pool.out".to_owned(), "conv1.in".to_owned())),
        "{:?}",
        edges(&harness)
    );
    crate::common::run_until(&mut harness, "the compile", |app| {
        !app.network().is_compiling()
    });
    harness.get_by_label("Output shape: [batch, 8, 4, 4]");
    crate::common::set_value(&mut harness, "Filters", 3.0);
    let Some(Node::Conv2D(conv)) = document(&harness).node("conv1").cloned() else {
        panic!("conv1 is a convolution")
    };
    assert_eq!(conv.filters, 3);
    // On the network's path, "same" padding with stride 2 is refused on the node.
    click_node(&mut harness, "conv", Modifiers::NONE);
    crate::common::set_value(&mut harness, "Stride", 2.0);
    crate::common::run_until(&mut harness, "the refusal", |app| {
        !app.network().is_compiling()
            && app
                .editor()
                .diagnostics()
                .node_errors
                .get("conv")
                .is_some_and(|errors| errors.iter().any(|e| e.contains("needs stride 1")))
    });
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    let Some(Node::Conv2D(conv)) = document(&harness).node("conv").cloned() else {
        panic!("conv is a convolution")
    };
    assert_eq!(conv.stride, 1);
}
