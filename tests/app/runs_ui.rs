//! Runs in the window: pause and resume stay one run, Reset starts another described by
//! what changed; ticked runs draw their curves by name; a run opens as one undoable step;
//! the runs file beside a saved document is read back when the document is opened again.

use crate::common::{TempFolder, harness_on, run_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use layerwright::app::{LayerwrightApp, OpenedDocument};
use layerwright::commands::Command;
use layerwright::document::graph::Edit;

fn runs(harness: &Harness<'_, LayerwrightApp>) -> Vec<(String, Vec<usize>, Vec<String>)> {
    harness
        .state()
        .training()
        .runs
        .file
        .runs
        .iter()
        .map(|run| {
            (
                run.name.clone(),
                run.curve.iter().map(|p| p.epoch).collect(),
                run.changes.clone(),
            )
        })
        .collect()
}

/// One epoch, waiting for the trainer to report it.
fn step_epoch(harness: &mut Harness<'_, LayerwrightApp>) {
    let before = harness.state().training().run.epochs();
    harness.get_by_label("Step epoch").click();
    run_until(harness, "an epoch", |app| {
        app.training().run.epochs() == before + 1 && app.training().run.is_settled()
    });
}

/// Reset, waiting for the trainer to be back at epoch 0.
fn reset(harness: &mut Harness<'_, LayerwrightApp>) {
    harness.get_by_label("Reset").click();
    run_until(harness, "the reset", |app| {
        app.training().run.epochs() == 0 && app.training().run.is_settled()
    });
}

/// A new learning rate, as the settings panel edits it.
fn set_learning_rate(harness: &mut Harness<'_, LayerwrightApp>, rate: f64) {
    let mut training = harness
        .state()
        .editor()
        .document
        .document()
        .training
        .clone();
    training.learning_rate = rate;
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(
        &ctx,
        Command::Edit(Edit::UpdateTraining {
            training,
            field: "learning_rate",
        }),
    );
    harness.run_steps(2);
}

#[test]
fn pause_and_resume_stay_one_run_and_reset_starts_the_next_with_what_changed() {
    let mut harness = harness_on("circle.json");
    assert!(runs(&harness).is_empty(), "no run before training");
    step_epoch(&mut harness);
    step_epoch(&mut harness);
    harness.get_by_label("Train").click();
    run_until(&mut harness, "a few epochs", |app| {
        app.training().run.epochs() >= 5
    });
    harness.get_by_label("Pause").click();
    run_until(&mut harness, "the pause", |app| {
        !app.training().run.is_playing() && app.training().run.is_settled()
    });
    let epochs = harness.state().training().run.epochs();
    let first = runs(&harness);
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].1, (1..=epochs).collect::<Vec<_>>());
    assert_eq!(first[0].2, ["first run"]);
    reset(&mut harness);
    set_learning_rate(&mut harness, 0.1);
    step_epoch(&mut harness);
    let both = runs(&harness);
    assert_eq!(both.len(), 2, "{both:?}");
    assert_eq!(both[1].0, "Run 2");
    assert_eq!(both[1].1, [1]);
    assert_eq!(both[1].2, ["learning rate 0.03 → 0.1"]);
}

#[test]
fn ticked_runs_draw_their_curves_and_a_run_opens_as_one_undoable_step() {
    let mut harness = harness_on("circle.json");
    step_epoch(&mut harness);
    step_epoch(&mut harness);
    reset(&mut harness);
    set_learning_rate(&mut harness, 0.1);
    step_epoch(&mut harness);
    harness.get_by_label("Runs (2)").click();
    harness.run_steps(3);
    harness
        .get_by_role_and_label(Role::CheckBox, "Run 1")
        .click();
    harness
        .get_by_role_and_label(Role::CheckBox, "Run 2")
        .click();
    harness.run_steps(3);
    let overlay: Vec<u64> = harness
        .state()
        .training()
        .runs_window
        .overlay
        .iter()
        .copied()
        .collect();
    assert_eq!(overlay, [1, 2]);
    // Each ticked run is in both plots' legends, its test curve beside it.
    for name in ["Run 1 (test)", "Run 2 (test)"] {
        assert_eq!(harness.get_all_by_label(name).count(), 2, "{name}");
    }
    // Open run 1: its learning rate comes back, as an unsaved change Undo takes back.
    harness.get_all_by_label("Open").next().unwrap().click();
    harness.run_steps(3);
    let rate = |harness: &Harness<'_, LayerwrightApp>| {
        harness
            .state()
            .editor()
            .document
            .document()
            .training
            .learning_rate
    };
    assert_eq!(rate(&harness), 0.03);
    assert!(harness.state().is_dirty());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(rate(&harness), 0.1);
}

#[test]
fn the_runs_file_beside_a_saved_document_is_read_when_it_opens_again() {
    let folder = TempFolder::new("runs", "reopen");
    let path = folder.join("circle.json");
    let mut harness = harness_on("circle.json");
    assert!(harness.state_mut().save_to(&path));
    harness.run_steps(2);
    step_epoch(&mut harness);
    step_epoch(&mut harness);
    let runs_file = folder.join("circle.runs.json");
    run_until(&mut harness, "the runs file", |_| {
        std::fs::read_to_string(&runs_file).is_ok_and(|text| text.contains("\"epoch\": 2"))
    });
    let written = runs(&harness);
    drop(harness);
    let app = LayerwrightApp::new(OpenedDocument::open(Some(&path)));
    let mut reopened = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut LayerwrightApp| app.show(ui), app);
    run_until(&mut reopened, "the runs read back", |app| {
        !app.training().runs.file.runs.is_empty()
    });
    assert_eq!(runs(&reopened), written);
}

#[test]
fn an_unsaved_graph_s_runs_wait_in_the_data_directory_and_move_beside_it_on_the_first_save() {
    let data = TempFolder::new("runs", "data-dir");
    let saved = TempFolder::new("runs", "saved");
    let mut app = LayerwrightApp::new(OpenedDocument::example("circle.json"));
    app.enable_recovery(data.to_path_buf());
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut LayerwrightApp| app.show(ui), app);
    run_until(&mut harness, "the first compile", |app| {
        !app.network().is_compiling() && app.network().compiled().is_some()
    });
    step_epoch(&mut harness);
    let waiting = data.join("runs").join("circle_json.runs.json");
    run_until(&mut harness, "the runs in the data directory", |_| {
        waiting.exists()
    });
    let path = saved.join("mine.json");
    assert!(harness.state_mut().save_to(&path));
    let beside = saved.join("mine.runs.json");
    run_until(&mut harness, "the runs beside the saved graph", |_| {
        beside.exists() && !waiting.exists()
    });
    let text = std::fs::read_to_string(&beside).unwrap();
    assert!(text.contains("\"name\": \"Run 1\""), "{text}");
}

/// The window on `example` with the Sweep window open and its first setting's values typed.
fn sweep_window_on(example: &str, values: &str) -> Harness<'static, LayerwrightApp> {
    let mut harness = harness_on(example);
    harness.get_by_label("Sweep…").click();
    harness.run_steps(3);
    harness.get_by_label("Values of setting 1").focus();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label("Values of setting 1")
        .type_text(values);
    harness.run_steps(2);
    harness
}

#[test]
fn a_cancelled_sweep_keeps_its_finished_runs_and_open_best_loads_the_best() {
    // Twenty learning rates, one worker: Cancel comes long before the last.
    let mut harness = sweep_window_on("digits.json", "log:0.0001:0.1:20");
    harness.state_mut().training_mut().sweep.workers = 1;
    harness.get_by_label("Start").click();
    run_until(&mut harness, "two finished sweep runs", |app| {
        app.training().runs.file.runs.len() >= 2
    });
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(!harness.state().training().sweep.is_running());
    let kept = harness.state().training().runs.file.runs.len();
    assert!((2..20).contains(&kept), "{kept} runs kept");
    std::thread::sleep(std::time::Duration::from_millis(500));
    harness.run_steps(5);
    assert_eq!(
        harness.state().training().runs.file.runs.len(),
        kept,
        "nothing after Cancel"
    );
    let changes = &harness.state().training().runs.file.runs[0].changes;
    assert!(
        changes[0].starts_with("sweep: training.learning_rate = 0.0001, seed 1"),
        "{changes:?}"
    );
    // Open best: the best finished run's learning rate comes into the document.
    let (_, rows) = harness.state().training().sweep.results.clone().unwrap();
    let best = rows
        .iter()
        .flatten()
        .max_by(|a, b| a.test_score.unwrap().total_cmp(&b.test_score.unwrap()))
        .unwrap()
        .document
        .training
        .learning_rate;
    harness.get_by_label("Open best").click();
    harness.run_steps(3);
    assert_eq!(
        harness
            .state()
            .editor()
            .document
            .document()
            .training
            .learning_rate,
        best
    );
}

#[test]
fn a_sweep_without_threads_trains_a_run_a_turn_and_gives_the_threads_numbers() {
    // Two learning rates on the XOR example, first on threads, then one run a turn (the
    // browser's way): the same runs, the same final losses.
    let sweep_with = |one_run_a_frame: bool| {
        let mut harness = sweep_window_on("xor.json", "0.1,0.3");
        harness.state_mut().training_mut().sweep.one_run_a_frame = one_run_a_frame;
        harness.get_by_label("Start").click();
        for _ in 0..10 {
            if harness.state().training().sweep.results.is_some() {
                break;
            }
            harness.run_steps(1);
        }
        if one_run_a_frame {
            // Each turn of the window trains one run: when the sweep has started, not both
            // are done, and the window is still running it.
            let (_, rows) = harness.state().training().sweep.results.clone().unwrap();
            assert!(rows.iter().flatten().count() < 2, "both runs in one frame");
            assert!(harness.state().training().sweep.is_running());
        }
        run_until(&mut harness, "the sweep finishing", |app| {
            !app.training().sweep.is_running()
        });
        let sweep = &harness.state().training().sweep;
        assert_eq!(sweep.problem(), None);
        let (_, rows) = sweep.results.clone().unwrap();
        rows.into_iter()
            .map(|row| row.expect("a finished run").train_loss)
            .collect::<Vec<f64>>()
    };
    let on_threads = sweep_with(false);
    let in_frames = sweep_with(true);
    assert_eq!(on_threads.len(), 2);
    assert_eq!(on_threads, in_frames);
}
