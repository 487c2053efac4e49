//! Nothing lost: the open graph is autosaved while it has unsaved changes, the copy goes
//! away when the changes are saved or the window closes cleanly, and a copy left by a
//! window that stopped abnormally is offered, restored or discarded at the next start.
//! Saves that fail say why and keep the changes unsaved.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use layerwright::app::modal::Modal;
use layerwright::app::{LayerwrightApp, OpenedDocument};
use layerwright::commands::Command;
use layerwright::document::graph::{Edit, NodeTemplate};
use layerwright::document::recovery::{AUTOSAVE_FORMAT, Autosave, AutosaveRecord, unix_now};

fn temporary_dir(name: &str) -> common::TempFolder {
    common::TempFolder::new("recovery", name)
}

fn harness_with(app: LayerwrightApp) -> Harness<'static, LayerwrightApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut LayerwrightApp| app.show(ui), app);
    harness.run_steps(3);
    harness
}

fn add_dense(harness: &mut Harness<'_, LayerwrightApp>) {
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(
        &ctx,
        Command::Edit(Edit::AddNode {
            template: NodeTemplate::Dense(layerwright_nn::Activation::Tanh),
            position: [0.0, 0.0],
            from: None,
            into: None,
        }),
    );
    harness.run_steps(2);
}

fn autosaves_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("autosave-")
        })
        .collect()
}

/// A copy as a window with process id `process_id` would have left it.
fn leave_autosave(dir: &Path, process_id: u32, name: &str) -> AutosaveRecord {
    let mut document = OpenedDocument::example("xor.json").document.unwrap();
    document.training.learning_rate = 0.75;
    let record = AutosaveRecord {
        format: AUTOSAVE_FORMAT.to_owned(),
        process_id,
        saved_at_unix_secs: unix_now() - 125,
        name: name.to_owned(),
        path: None,
        document,
        expression: None,
    };
    std::fs::write(
        dir.join(format!("autosave-{process_id}.json")),
        serde_json::to_string(&record).unwrap(),
    )
    .unwrap();
    record
}

/// A process id no running process has (Linux ids stay below 2²²).
const GONE: u32 = 4_000_000_000;

#[test]
fn unsaved_changes_are_autosaved_after_the_interval_and_saving_removes_the_copy() {
    let dir = temporary_dir("autosave");
    let mut app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    app.enable_recovery(dir.to_path_buf());
    app.autosave_mut().unwrap().interval_secs = 2.0;
    let mut harness = harness_with(app);
    harness.run_steps(30);
    assert!(
        autosaves_in(&dir).is_empty(),
        "nothing unsaved, nothing written"
    );

    add_dense(&mut harness);
    assert!(autosaves_in(&dir).is_empty(), "not before the interval");
    // kittest's frames are a quarter of a second apart.
    harness.run_steps(10);
    let written = autosaves_in(&dir);
    assert_eq!(written.len(), 1);
    let record: AutosaveRecord =
        serde_json::from_str(&std::fs::read_to_string(&written[0]).unwrap()).unwrap();
    assert_eq!(record.name, "spiral.json");
    assert_eq!(record.process_id, std::process::id());
    assert_eq!(
        record.document,
        *harness.state().editor().document.document()
    );
    assert!(record.document.view.is_some(), "the view is kept too");

    let saved = dir.join("saved.json");
    assert!(harness.state_mut().save_to(&saved));
    harness.run_steps(2);
    assert!(autosaves_in(&dir).is_empty(), "saved: the copy is gone");
}

#[test]
fn a_clean_exit_removes_the_autosave() {
    let dir = temporary_dir("clean-exit");
    let mut app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    app.enable_recovery(dir.to_path_buf());
    app.autosave_mut().unwrap().interval_secs = 2.0;
    let mut harness = harness_with(app);
    add_dense(&mut harness);
    harness.run_steps(20);
    assert_eq!(autosaves_in(&dir).len(), 1);
    eframe::App::on_exit(harness.state_mut(), None);
    assert!(autosaves_in(&dir).is_empty());
}

#[test]
fn a_copy_left_by_a_stopped_window_is_offered_and_restored_with_unsaved_changes() {
    let dir = temporary_dir("restore");
    let left = leave_autosave(&dir, GONE, "my-network.json");
    let mut app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    app.enable_recovery(dir.to_path_buf());
    app.autosave_mut().unwrap().interval_secs = 2.0;
    let mut harness = harness_with(app);
    harness.get_by_label("Restore unsaved work?");
    harness.get_by_label_contains("while \"my-network.json\" had unsaved changes");
    harness.get_by_label("The last autosave, from 2 minutes ago, holds 3 nodes.");
    harness.get_by_label("Restore").click();
    harness.run_steps(3);
    let app = harness.state();
    assert!(app.modal().is_none(), "the offer is answered");
    assert_eq!(*app.editor().document.document(), left.document);
    assert_eq!(app.file().name, "my-network.json");
    assert!(app.is_dirty(), "restored work is unsaved until saved");
    // The crashed window's copy stays until this window has written its own.
    assert!(dir.join(format!("autosave-{GONE}.json")).exists());
    harness.run_steps(20);
    let remaining = autosaves_in(&dir);
    assert_eq!(
        remaining,
        [dir.join(format!("autosave-{}.json", std::process::id()))]
    );
}

#[test]
fn discarding_the_offer_deletes_the_copy_and_keeps_the_open_graph() {
    let dir = temporary_dir("discard");
    leave_autosave(&dir, GONE, "Untitled");
    let mut app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    app.enable_recovery(dir.to_path_buf());
    let before = app.editor().document.document().clone();
    let mut harness = harness_with(app);
    harness.get_by_label("Discard").click();
    harness.run_steps(3);
    assert!(harness.state().modal().is_none(), "the offer is answered");
    assert_eq!(*harness.state().editor().document.document(), before);
    assert!(autosaves_in(&dir).is_empty());
}

#[test]
fn a_running_window_s_copy_is_not_offered() {
    let dir = temporary_dir("running");
    // Process 1 is always running.
    leave_autosave(&dir, 1, "busy.json");
    assert!(Autosave::leftover(&dir).is_none());
    leave_autosave(&dir, GONE, "gone.json");
    let (_, record) = Autosave::leftover(&dir).unwrap();
    assert_eq!(record.name, "gone.json");
}

#[test]
fn a_save_into_a_folder_s_place_says_why_and_keeps_the_changes_unsaved() {
    let dir = temporary_dir("save-fails");
    let mut harness = common::harness_on("spiral.json");
    add_dense(&mut harness);
    let edited = harness.state().editor().document.document().clone();
    // A folder where the file should go: the rename over it fails whatever the user's rights.
    let folder = dir.join("model.json");
    std::fs::create_dir_all(folder.join("inside")).unwrap();
    assert!(!harness.state_mut().save_to(&folder));
    harness.run_steps(2);
    let app = harness.state();
    assert!(app.is_dirty());
    assert_eq!(*app.editor().document.document(), edited);
    let message = app.error_message().unwrap().to_owned();
    assert!(message.starts_with("The graph was not saved."), "{message}");
    assert!(message.contains("model.json"), "{message}");
    assert!(
        folder.join("inside").is_dir(),
        "what was there is untouched"
    );
}

#[test]
fn layerwright_data_dir_names_where_autosaves_go() {
    // The variable is read from the environment, which a test may not change in its own
    // process: this test runs itself again as a child with the variable set.
    const CHILD: &str = "LAYERWRIGHT_DATA_DIR_TEST_CHILD";
    const NAME: &str = "recovery_ui::layerwright_data_dir_names_where_autosaves_go";
    if std::env::var_os(CHILD).is_some() {
        let expected =
            std::env::var_os(layerwright::document::recovery::DATA_DIR_VARIABLE).map(PathBuf::from);
        let dir = layerwright::document::recovery::data_dir();
        assert_eq!(dir, expected);
        // The window autosaves there: an edit left unsaved past the interval.
        let mut app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
        app.enable_recovery(dir.unwrap());
        app.autosave_mut().unwrap().interval_secs = 2.0;
        let mut harness = harness_with(app);
        add_dense(&mut harness);
        harness.run_steps(20);
        return;
    }
    let dir = temporary_dir("data-dir-variable");
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", NAME, "--test-threads", "1"])
        .env(CHILD, "1")
        .env(layerwright::document::recovery::DATA_DIR_VARIABLE, &dir)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}");
    // A child that ran no test (the name above out of date) would pass without checking.
    assert!(
        report.contains("running 1 test") && report.contains("1 passed"),
        "the child ran this one test: {report}"
    );
    let written = autosaves_in(&dir);
    assert_eq!(
        written.len(),
        1,
        "the child's autosave is in the folder the variable names: {written:?}"
    );
    let record: AutosaveRecord =
        serde_json::from_str(&std::fs::read_to_string(&written[0]).unwrap()).unwrap();
    assert_eq!(record.name, "spiral.json");
}

#[test]
fn an_edited_expression_is_autosaved_and_restored_with_its_changes() {
    use layerwright::learn::expression::ExpressionEdit;
    let dir = temporary_dir("expression");
    let mut app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    app.enable_recovery(dir.to_path_buf());
    app.autosave_mut().unwrap().interval_secs = 2.0;
    let mut harness = harness_with(app);
    assert!(!harness.state().expression().is_dirty());
    harness
        .state_mut()
        .expression_mut()
        .apply(ExpressionEdit::SetValue {
            id: "x".to_owned(),
            value: 7.0,
        })
        .unwrap();
    assert!(harness.state().expression().is_dirty());
    harness.run_steps(10);
    let written = autosaves_in(&dir);
    assert_eq!(written.len(), 1, "an unsaved expression alone is autosaved");
    let record: AutosaveRecord =
        serde_json::from_str(&std::fs::read_to_string(&written[0]).unwrap()).unwrap();
    let saved = record.expression.clone().unwrap();
    assert_eq!(saved.name, "backprop-fxyz.json");
    assert_eq!(saved.document, *harness.state().expression().document());

    // As if this window had been killed: a new one finds the copy and restores it.
    let mut stopped = record;
    stopped.process_id = GONE;
    std::fs::write(
        dir.join(format!("autosave-{GONE}.json")),
        serde_json::to_string(&stopped).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(&written[0]).unwrap();
    let mut next = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    next.enable_recovery(dir.to_path_buf());
    let mut harness = harness_with(next);
    harness.get_by_label_contains("also holds the computational graph \"backprop-fxyz.json\"");
    harness.get_by_label("Restore").click();
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(*app.expression().document(), saved.document);
    assert!(app.expression().is_dirty());
}

#[test]
fn closing_with_an_unsaved_expression_asks_first_even_after_the_graph_s_question() {
    use layerwright::commands::Intent;
    use layerwright::learn::expression::ExpressionEdit;
    let mut harness = common::harness_on("spiral.json");
    add_dense(&mut harness);
    harness
        .state_mut()
        .expression_mut()
        .apply(ExpressionEdit::SetValue {
            id: "y".to_owned(),
            value: 1.5,
        })
        .unwrap();
    let ctx = harness.ctx.clone();
    harness.state_mut().request(&ctx, Intent::Quit);
    harness.run_steps(2);
    // First the graph's question; giving the graph up leads to the expression's.
    harness.get_by_label("Don't save").click();
    harness.run_steps(2);
    assert!(matches!(
        harness.state().modal(),
        Some(Modal::UnsavedExpression)
    ));
    assert!(!harness.state().is_closing());
    harness.get_by_label_contains("\"backprop-fxyz.json\" has unsaved changes");
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(
        harness.state().modal().is_none(),
        "{:?}",
        harness.state().modal()
    );
    assert!(
        !harness.state().is_closing(),
        "Cancel keeps the window open"
    );

    // Asked again: the graph is still unsaved, so its question comes first again.
    harness.state_mut().request(&ctx, Intent::Quit);
    harness.run_steps(2);
    harness.get_by_label("Don't save").click();
    harness.run_steps(2);
    assert!(!harness.state().is_closing());
    harness.get_by_label("Close without saving").click();
    harness.run_steps(2);
    assert!(harness.state().is_closing());
}

#[test]
fn shortcuts_do_nothing_while_the_restore_question_is_open() {
    let dir = temporary_dir("modal-keys");
    leave_autosave(&dir, GONE, "my-network.json");
    let mut app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    app.enable_recovery(dir.to_path_buf());
    let mut harness = harness_with(app);
    harness.get_by_label("Restore unsaved work?");
    let before = harness.state().editor().document.document().clone();
    // Ctrl+N (new graph) and Space (train) while the question waits for an answer.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    harness.key_press(egui::Key::Space);
    harness.run_steps(3);
    assert_eq!(
        harness.state().file().name,
        "spiral.json",
        "Ctrl+N did nothing"
    );
    assert_eq!(*harness.state().editor().document.document(), before);
    assert!(
        !harness.state().training().run.is_playing(),
        "Space did nothing"
    );
    assert!(matches!(
        harness.state().modal(),
        Some(Modal::RestoreOffer { .. })
    ));
    // Once answered, the same key works again: it asks which data the new graph uses.
    harness.get_by_label("Discard").click();
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    harness.run_steps(3);
    assert!(matches!(harness.state().modal(), Some(Modal::NewGraph(_))));
    harness.get_by_label("Create").click();
    harness.run_steps(3);
    assert_eq!(harness.state().file().name, "Untitled");
}
