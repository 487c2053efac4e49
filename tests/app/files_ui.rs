//! Files in the app: the unsaved-changes dot and question, saving, a failed load or save
//! that keeps the work, recent files, and the path field used where no dialog exists.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use layerwright::app::{LayerwrightApp, OpenedDocument};
use layerwright::commands::Intent;
use layerwright::commands::{Action, Command};
use layerwright::document::file_dialog::{DialogKind, DialogOutcome};
use layerwright::document::graph::{Edit, NodeTemplate};
use layerwright_nn::graph::io::{load_document, save_document};

fn harness() -> Harness<'static, LayerwrightApp> {
    let app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut LayerwrightApp| app.show(ui), app);
    harness.run_steps(3);
    harness
}

fn temporary_dir(name: &str) -> common::TempFolder {
    common::TempFolder::new("files", name)
}

fn run(harness: &mut Harness<'_, LayerwrightApp>, command: Command) {
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(&ctx, command);
    harness.run_steps(3);
}

fn add_dense(harness: &mut Harness<'_, LayerwrightApp>) {
    run(
        harness,
        Command::Edit(Edit::AddNode {
            template: NodeTemplate::Dense(layerwright_nn::Activation::Tanh),
            position: [0.0, 0.0],
            from: None,
            into: None,
        }),
    );
}

#[test]
fn an_edit_marks_the_document_unsaved_and_saving_clears_it() {
    let mut harness = harness();
    assert!(!harness.state().is_dirty());
    assert_eq!(harness.state().title(), "spiral.json - Layerwright");
    add_dense(&mut harness);
    assert!(harness.state().is_dirty());
    assert_eq!(harness.state().title(), "spiral.json • - Layerwright");
    harness.get_by_label("•");
    let folder = temporary_dir("save");
    let path = folder.join("mine.json");
    assert!(harness.state_mut().save_to(&path));
    harness.run_steps(2);
    assert!(!harness.state().is_dirty());
    assert_eq!(harness.state().title(), "mine.json - Layerwright");
    assert_eq!(
        load_document(&path).unwrap(),
        *harness.state().editor().document.document()
    );
    // Ctrl+S now saves to that file again.
    add_dense(&mut harness);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run_steps(2);
    assert!(!harness.state().is_dirty());
    assert_eq!(load_document(&path).unwrap().nodes.len(), 6);
}

#[test]
fn new_with_unsaved_changes_asks_first_and_cancel_keeps_everything() {
    let mut harness = harness();
    add_dense(&mut harness);
    let edited = harness.state().editor().document.document().clone();
    // New first asks for the data, then about the unsaved changes.
    run(&mut harness, Command::Action(Action::New));
    harness.run_steps(2);
    harness.get_by_label("Create").click();
    harness.run_steps(2);
    harness.get_by_label("Save the changes to spiral.json before starting a new graph?");
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert_eq!(*harness.state().editor().document.document(), edited);
    assert!(harness.state().modal().is_none());
    run(&mut harness, Command::Action(Action::New));
    harness.run_steps(2);
    harness.get_by_label("Create").click();
    harness.run_steps(2);
    harness.get_by_label("Don't save").click();
    harness.run_steps(2);
    // The circle (the chooser's first choice) with input → hidden → output.
    let document = harness.state().editor().document.document().clone();
    let ids: Vec<&str> = document
        .nodes
        .iter()
        .map(layerwright_nn::graph::Node::id)
        .collect();
    assert_eq!(ids, vec!["input", "hidden", "output"]);
    assert_eq!(
        document.dataset,
        layerwright_nn::graph::DatasetSpec::generated(layerwright_nn::data::Generator::Circle)
    );
    assert_eq!(harness.state().file().name, "Untitled");
}

#[test]
fn a_file_that_fails_to_load_leaves_the_open_graph_untouched() {
    let mut harness = harness();
    add_dense(&mut harness);
    let before = harness.state().editor().document.document().clone();
    let folder = temporary_dir("bad");
    let bad = folder.join("broken.json");
    std::fs::write(
        &bad,
        "{ \"format\": \"layerwright.graph\", \"version\": 1, \"nodes\": [ }",
    )
    .unwrap();
    let ctx = harness.ctx.clone();
    harness.state_mut().perform(&ctx, Intent::Open(bad.clone()));
    harness.run_steps(2);
    assert_eq!(*harness.state().editor().document.document(), before);
    let message = harness.state().error_message().unwrap().to_owned();
    assert!(
        message.starts_with(&format!("{}:1:", bad.display())),
        "{message}"
    );
    harness.get_by_label("Your open graph is unchanged.");
}

#[test]
fn a_failed_save_says_why_and_keeps_the_changes_unsaved() {
    let mut harness = harness();
    add_dense(&mut harness);
    let nowhere = temporary_dir("nowhere")
        .join("missing-folder")
        .join("x.json");
    assert!(!harness.state_mut().save_to(&nowhere));
    harness.run_steps(2);
    assert!(harness.state().is_dirty());
    assert!(
        harness
            .state()
            .error_message()
            .unwrap()
            .starts_with("The graph was not saved.")
    );
}

#[test]
fn recent_files_list_the_last_opened_first() {
    let mut harness = harness();
    let dir = temporary_dir("recent");
    let document = harness.state().editor().document.document().clone();
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    save_document(&document, &a).unwrap();
    save_document(&document, &b).unwrap();
    let ctx = harness.ctx.clone();
    harness.state_mut().perform(&ctx, Intent::Open(a.clone()));
    harness.state_mut().perform(&ctx, Intent::Open(b.clone()));
    harness.state_mut().perform(&ctx, Intent::Open(a.clone()));
    assert_eq!(harness.state().settings().recent, [a, b]);
}

#[test]
fn the_path_field_opens_a_file_where_no_dialog_service_exists() {
    let mut harness = harness();
    let folder = temporary_dir("prompt");
    let path = folder.join("typed.json");
    let mut document = harness.state().editor().document.document().clone();
    document.training.epochs = 123;
    save_document(&document, &path).unwrap();
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .dialog_answered(&ctx, DialogOutcome::Unavailable(DialogKind::Open));
    harness.run_steps(2);
    harness.get_by_label("No file dialog is available here; type the file's path.");
    harness
        .get_by_label("Path")
        .type_text(path.to_str().unwrap());
    harness.run_steps(1);
    harness.get_by_label("Open").click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().editor().document.document().training.epochs,
        123
    );
    assert_eq!(harness.state().file().name, "typed.json");
}

#[test]
fn help_lists_the_shortcuts_from_the_command_table_and_about_credits_the_data() {
    let mut harness = harness();
    run(&mut harness, Command::Action(Action::ShowShortcuts));
    harness.get_by_label("Keyboard shortcuts");
    harness.get_by_label("Save as…");
    harness.get_by_label("Connect selected");
    run(&mut harness, Command::Action(Action::ShowAbout));
    harness.get_by_label(&format!("Layerwright {}", env!("CARGO_PKG_VERSION")));
    harness.get_by_label(layerwright_nn::data::BundledDataset::Iris.attribution());
}
